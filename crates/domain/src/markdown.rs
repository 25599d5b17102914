//! The small Markdown subset guide texts are written in, rendered to HTML that is safe by
//! construction: all input is escaped first, and only the tags below are ever produced.
//!
//! Supported: paragraphs (blank line), line breaks, `**bold**`, `*italic*`, bullet lists (`- `),
//! numbered lists (`1. `), and links `[text](url)` to `https:`, `http:`, `mailto:` and `tel:` only;
//! in whole documents (the everyday guides, [`document_to_html`]) also `## ` headings.
//! Raw HTML is shown as text.

/// Tags the renderer may emit; tests check that nothing else ever appears.
pub const TAGS: &[&str] = &["p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4"];

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A link target we are willing to emit, or `None`.
fn safe_url(url: &str) -> Option<&str> {
    let lower = url.trim().to_ascii_lowercase();
    let allowed = ["https://", "http://", "mailto:", "tel:"].iter().any(|p| lower.starts_with(p));
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`');
    (allowed && clean).then_some(url.trim())
}

/// Inline formatting of one line of raw text.
fn inline(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
            && end > 0
        {
            out.push_str("<strong>");
            out.push_str(&inline(&after[..end]));
            out.push_str("</strong>");
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('*')
            && !after.starts_with('*')
            && let Some(end) = after.find('*')
            && end > 0
        {
            out.push_str("<em>");
            out.push_str(&inline(&after[..end]));
            out.push_str("</em>");
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('[')
            && let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
            && let Some(url) = safe_url(&after[close + 2..close + 2 + end])
        {
            out.push_str("<a href=\"");
            out.push_str(&escape(url));
            out.push_str("\">");
            // A link without words has no accessible name: it shows its address instead.
            let words = after[..close].trim();
            out.push_str(&if words.is_empty() { escape(url) } else { inline(words) });
            out.push_str("</a>");
            rest = &after[close + 2 + end + 1..];
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push_str(&escape(&c.to_string()));
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

enum Block {
    /// Level 2 to 4: the page's own title is the level 1.
    Heading(u8, String),
    Paragraph(Vec<String>),
    Bullets(Vec<String>),
    Numbered(Vec<String>),
}

fn numbered_item(line: &str) -> Option<&str> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && digits <= 3).then(|| line[digits..].strip_prefix(". ")).flatten()
}

/// A `## heading` line: its level (2 to 4; `#` counts as 2, deeper as 4) and its words.
fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    let words = line[hashes..].strip_prefix(' ')?.trim();
    (hashes > 0 && hashes <= 6 && !words.is_empty()).then(|| ((hashes as u8).clamp(2, 4), words))
}

/// Renders the subset to sanitised HTML. A `#` line stays text: guide fields sit under the
/// page's own headings.
pub fn to_html(text: &str) -> String {
    render(text, false)
}

/// The same for a whole document under the page's title (an everyday guide): `## ` lines are
/// headings.
pub fn document_to_html(text: &str) -> String {
    render(text, true)
}

fn render(text: &str, headings: bool) -> String {
    let mut blocks: Vec<Block> = Vec::new();
    for line in text.replace("\r\n", "\n").lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            blocks.push(Block::Paragraph(Vec::new()));
            continue;
        }
        if let Some((level, words)) = heading(trimmed).filter(|_| headings) {
            blocks.push(Block::Heading(level, words.to_string()));
        } else if let Some(item) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* ")) {
            match blocks.last_mut() {
                Some(Block::Bullets(items)) => items.push(item.to_string()),
                _ => blocks.push(Block::Bullets(vec![item.to_string()])),
            }
        } else if let Some(item) = numbered_item(trimmed) {
            match blocks.last_mut() {
                Some(Block::Numbered(items)) => items.push(item.to_string()),
                _ => blocks.push(Block::Numbered(vec![item.to_string()])),
            }
        } else {
            match blocks.last_mut() {
                Some(Block::Paragraph(lines)) => lines.push(trimmed.to_string()),
                _ => blocks.push(Block::Paragraph(vec![trimmed.to_string()])),
            }
        }
    }
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(level, words) => out.push_str(&format!("<h{level}>{}</h{level}>", inline(&words))),
            Block::Paragraph(lines) if lines.is_empty() => {}
            Block::Paragraph(lines) => {
                out.push_str("<p>");
                out.push_str(&lines.iter().map(|l| inline(l)).collect::<Vec<_>>().join("<br>"));
                out.push_str("</p>");
            }
            Block::Bullets(items) | Block::Numbered(items) if items.is_empty() => {}
            Block::Bullets(items) => list(&mut out, "ul", &items),
            Block::Numbered(items) => list(&mut out, "ol", &items),
        }
    }
    out
}

fn list(out: &mut String, tag: &str, items: &[String]) {
    out.push_str(&format!("<{tag}>"));
    for i in items {
        out.push_str("<li>");
        out.push_str(&inline(i));
        out.push_str("</li>");
    }
    out.push_str(&format!("</{tag}>"));
}

/// The text without any markup, for channels that cannot show it (SMS, speech, search snippets).
/// Links keep their words and their address, so a listener or an SMS reader can still use them;
/// a heading keeps its words on its own line.
pub fn to_plain(text: &str) -> String {
    let text = text.lines().map(|l| heading(l.trim()).map_or(l, |(_, words)| words)).collect::<Vec<_>>().join("\n");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| after[close + 2..].find(')').map(|end| (close, end)));
        let Some((close, end)) = link.filter(|(close, _)| !after[..*close].contains('\n')) else {
            out.push_str(&rest[..open + 1]);
            rest = after;
            continue;
        };
        out.push_str(&rest[..open]);
        let (words, url) = (after[..close].trim(), after[close + 2..close + 2 + end].trim());
        let bare = url.strip_prefix("tel:").or_else(|| url.strip_prefix("mailto:")).unwrap_or(url);
        match words {
            "" => out.push_str(bare),
            w if w == bare => out.push_str(w),
            w => out.push_str(&format!("{w} ({bare})")),
        }
        rest = &after[close + 2 + end + 1..];
    }
    out.push_str(rest);
    out.replace("**", "").replace('*', "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_subset_renders() {
        assert_eq!(to_html("Kort **status** og *vigtigt*"), "<p>Kort <strong>status</strong> og <em>vigtigt</em></p>");
        assert_eq!(to_html("- et\n- to\n\n1. første\n2. anden"), "<ul><li>et</li><li>to</li></ul><ol><li>første</li><li>anden</li></ol>");
        assert_eq!(to_html("linje 1\nlinje 2\n\nafsnit 2"), "<p>linje 1<br>linje 2</p><p>afsnit 2</p>");
        assert_eq!(to_html("[Kommunen](https://example.invalid/krise)"), "<p><a href=\"https://example.invalid/krise\">Kommunen</a></p>");
        assert_eq!(to_html("[Ring](tel:+4512345678)"), "<p><a href=\"tel:+4512345678\">Ring</a></p>");
        assert_eq!(to_html("[](tel:112)"), "<p><a href=\"tel:112\">tel:112</a></p>", "never a link without a name");
    }

    #[test]
    fn documents_have_headings_and_their_plain_text_none_of_the_marks() {
        let doc = "Intro.\n\n## Inden mødet\n\n- Medbring pas\n\n### Børn <under> 18\n#ikke en overskrift";
        assert_eq!(
            document_to_html(doc),
            "<p>Intro.</p><h2>Inden mødet</h2><ul><li>Medbring pas</li></ul><h3>Børn &lt;under&gt; 18</h3><p>#ikke en overskrift</p>"
        );
        assert!(to_html(doc).contains("<p>## Inden mødet</p>"), "guide fields keep their text");
        assert_eq!(to_plain("Intro.\n## Inden **mødet**\n- Medbring pas"), "Intro.\nInden mødet\n- Medbring pas");
    }

    #[test]
    fn plain_text_keeps_link_words_and_addresses() {
        assert_eq!(to_plain("Se **mere** på [kommunen](https://k.dk/krise)."), "Se mere på kommunen (https://k.dk/krise).");
        assert_eq!(to_plain("Ring [](tel:112) eller [70 00 00 00](tel:70000000)"), "Ring 112 eller 70 00 00 00 (70000000)");
        assert_eq!(to_plain("[ikke et link] og [halvt](x"), "[ikke et link] og [halvt](x");
    }

    #[test]
    fn raw_html_and_script_never_pass() {
        assert_eq!(to_html("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
        assert_eq!(to_html("<img src=x onerror=alert(1)>"), "<p>&lt;img src=x onerror=alert(1)&gt;</p>");
        assert!(!to_html("[klik](javascript:alert(1))").contains("href"));
        assert!(!to_html("[klik](https://x.invalid\" onmouseover=\"alert(1))").contains("onmouseover=\""));
        assert!(!to_html("[klik](data:text/html;base64,PHNjcmlwdD4=)").contains("href"));
    }

    /// Every tag in the output is one of ours, and no attribute but a quoted `href`.
    fn only_our_markup(html: &str) -> Result<(), String> {
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            let tag_end = rest[i..].find('>').ok_or("unclosed tag")? + i;
            let tag = &rest[i + 1..tag_end];
            let name = tag.trim_start_matches('/').split([' ', '>']).next().unwrap_or("");
            if !TAGS.contains(&name) {
                return Err(format!("unexpected tag <{tag}>"));
            }
            if let Some(attrs) = tag.strip_prefix("a ") {
                let ok =
                    attrs.starts_with("href=\"") && attrs.ends_with('"') && attrs[6..attrs.len() - 1].chars().all(|c| c != '"' && c != ' ');
                if !ok {
                    return Err(format!("unexpected attributes in <{tag}>"));
                }
            } else if tag.contains(' ') {
                return Err(format!("attributes on <{tag}>"));
            }
            rest = &rest[tag_end + 1..];
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn any_input_gives_only_our_markup(s in r#"([a-zæøå <>"'=/:()\[\]*#\-\n.1]|script|onerror|javascript:|https://|\*\*|\]\(|\n## )*"#) {
            let html = to_html(&s);
            prop_assert!(only_our_markup(&html).is_ok(), "{:?} -> {:?}: {:?}", s, html, only_our_markup(&html));
            let doc = document_to_html(&s);
            prop_assert!(only_our_markup(&doc).is_ok(), "{:?} -> {:?}: {:?}", s, doc, only_our_markup(&doc));
            prop_assert!(!html.to_lowercase().contains("<script"));
        }
    }
}
