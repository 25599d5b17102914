//! Everyday guides: the shared knowledge base's ordinary guides (moving house, passports, waste
//! collection …), one per topic and municipality, imported from Markdown or HTML files and
//! searched by agents beside the crisis guides.

use crate::error::Problems;
use crate::{DomainError, org, text};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 100_000;

/// One imported guide. Its text is kept as Markdown (HTML is converted on import).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EverydayGuide {
    pub municipality: String,
    /// From the file name: lower-case letters, digits and dashes.
    pub slug: String,
    pub title: String,
    pub body: String,
    /// SHA-256 of title and body: a re-import of an unchanged file writes nothing.
    pub hash: String,
}

/// The file formats the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

impl Format {
    pub fn of(file_name: &str) -> Option<Format> {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            Some(Format::Markdown)
        } else if lower.ends_with(".html") || lower.ends_with(".htm") {
            Some(Format::Html)
        } else {
            None
        }
    }
}

/// The slug of a file name: its stem, lower-cased, with anything but letters and digits as dashes.
pub fn slug(file_name: &str) -> String {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let dashed: String = stem.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    dashed.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

impl EverydayGuide {
    /// Reads one file of the folder `municipality/`. The title is the first `# ` heading (Markdown)
    /// or the `<title>`/`<h1>` (HTML); every problem is listed.
    pub fn from_file(municipality: &str, file_name: &str, contents: &str) -> Result<EverydayGuide, DomainError> {
        let format = Format::of(file_name).ok_or_else(|| DomainError::invalid("file", "only .md and .html files are guides"))?;
        let (title, body) = match format {
            Format::Markdown => split_markdown(contents),
            Format::Html => html_to_markdown(contents),
        };
        let mut p = Problems::default();
        if !org::valid_code(municipality) || municipality.len() != 4 {
            p.add("municipality", format!("the folder '{municipality}' is not a municipality code (four digits, e.g. 0250)"));
        }
        let slug = slug(file_name);
        if slug.is_empty() {
            p.add("file", "the file name has no letters or digits");
        }
        p.text("title", &title, 1, TITLE_MAX);
        if body.trim().is_empty() {
            p.add("body", "the guide has no text");
        } else if body.len() > BODY_MAX {
            p.add("body", format!("at most {BODY_MAX} bytes"));
        }
        p.into_result()?;
        let hash = Sha256::digest(format!("{title}\n{body}").as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        Ok(EverydayGuide { municipality: municipality.to_string(), slug, title, body, hash })
    }
}

fn split_markdown(contents: &str) -> (String, String) {
    let contents = contents.trim_start_matches('\u{feff}');
    let mut title = String::new();
    let mut body = Vec::new();
    for line in contents.lines() {
        match line.strip_prefix("# ") {
            Some(t) if title.is_empty() => title = text::one_line(t),
            _ => body.push(line),
        }
    }
    (title, text::multi_line(&body.join("\n")))
}

/// A small, forgiving HTML reader: keeps the text, turns block elements into paragraphs and list
/// items into `- ` lines, drops scripts and styles, decodes the common entities.
fn html_to_markdown(html: &str) -> (String, String) {
    let title = element_text(html, "title").or_else(|| element_text(html, "h1")).unwrap_or_default();
    let body_html = element_inner(html, "body").unwrap_or(html);
    let mut out = String::new();
    let mut rest = body_html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim().to_ascii_lowercase();
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        rest = &rest[lt + gt + 1..];
        if matches!(name.as_str(), "script" | "style") && !tag.starts_with('/') {
            let close = format!("</{name}");
            rest = rest.to_ascii_lowercase().find(&close).map_or("", |i| &rest[i..]);
            continue;
        }
        match name.as_str() {
            "li" if !tag.starts_with('/') => out.push_str("\n- "),
            "h1" if !tag.starts_with('/') && out.trim().is_empty() => {
                // The heading is the title already.
                rest = rest.find("</").map_or("", |i| &rest[i..]);
            }
            "h1" | "h2" | "h3" | "h4" | "p" | "div" | "section" | "ul" | "ol" | "table" | "tr" => out.push_str("\n\n"),
            "br" => out.push('\n'),
            _ => {}
        }
    }
    out.push_str(&decode(rest));
    let lines: Vec<String> = out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    (text::one_line(&decode(&title)), text::multi_line(&collapse_blank(&lines)))
}

fn collapse_blank(lines: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for l in lines {
        if !(l.is_empty() && out.last().is_none_or(|p| p.is_empty())) {
            out.push(l);
        }
    }
    out.join("\n").trim().to_string()
}

fn element_inner<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find(&format!("<{name}"))?;
    let start = open + lower[open..].find('>')? + 1;
    let end = lower[start..].find(&format!("</{name}")).map_or(html.len(), |e| start + e);
    Some(&html[start..end])
}

fn element_text(html: &str, name: &str) -> Option<String> {
    let inner = element_inner(html, name)?;
    let mut text = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    Some(text).filter(|t| !t.trim().is_empty())
}

fn decode(s: &str) -> String {
    let mut out = s.to_string();
    for (entity, c) in [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&aelig;", "æ"),
        ("&oslash;", "ø"),
        ("&aring;", "å"),
        ("&AElig;", "Æ"),
        ("&Oslash;", "Ø"),
        ("&Aring;", "Å"),
        ("&amp;", "&"),
    ] {
        out = out.replace(entity, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_title_and_body() {
        let g = EverydayGuide::from_file("0250", "Flytning.md", "# Flytning\n\nMeld flytning på **borger.dk**.\n").unwrap();
        assert_eq!((g.title.as_str(), g.body.as_str(), g.slug.as_str()), ("Flytning", "Meld flytning på **borger.dk**.", "flytning"));
        assert_eq!(g.hash.len(), 64);
    }

    #[test]
    fn html_becomes_text_without_scripts() {
        let html = "<html><head><title>Pas &amp; kørekort</title><style>p{}</style></head><body><h1>Pas &amp; kørekort</h1>\
                    <p>Bestil tid.<script>alert(1)</script></p><ul><li>Foto</li><li>Gammelt pas</li></ul></body></html>";
        let g = EverydayGuide::from_file("0101", "pas.html", html).unwrap();
        assert_eq!(g.title, "Pas & kørekort");
        assert_eq!(g.body, "Bestil tid.\n\n- Foto\n- Gammelt pas");
    }

    #[test]
    fn every_problem_is_listed() {
        let Err(DomainError::Invalid(problems)) = EverydayGuide::from_file("abc", "---.md", "no title") else { panic!("must fail") };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["municipality", "file", "title"]);
        assert!(EverydayGuide::from_file("0250", "x.txt", "# T\nb").is_err());
    }

    #[test]
    fn slugs_are_stable() {
        assert_eq!(slug("Affald og Storskrald.md"), "affald-og-storskrald");
        assert_eq!(slug("bolig_støtte.html"), "bolig-støtte");
    }
}
