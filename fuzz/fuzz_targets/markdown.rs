//! Fuzzes the guide texts' Markdown renderer (`domain::markdown`).
//!
//! `to_html` must give HTML that is safe by construction, so for any UTF-8 input the output is
//! tokenised the way a browser would and checked: every `<` starts one of the renderer's tags,
//! every attribute is one it emits (only `href` on `a`, double-quoted, with an allowed scheme once
//! entities are decoded), no `on…` attribute, no `<script`, no `javascript:`/`vbscript:`/`data:`
//! URL, text holds no raw `>`, quote or stray `&`, and the tags nest the way the renderer builds
//! them. `to_plain` must only drop the asterisks.

#![no_main]

use domain::markdown::{TAGS, to_html, to_plain};
use libfuzzer_sys::fuzz_target;

/// The markup this target accepts: each tag the renderer may emit with the attributes it may carry.
/// A tag added to `markdown::TAGS` fails every run until it is listed here with its attributes.
const ALLOWED: &[(&str, &[&str])] =
    &[("p", &[]), ("br", &[]), ("strong", &[]), ("em", &[]), ("ul", &[]), ("ol", &[]), ("li", &[]), ("a", &["href"])];

/// Link schemes `to_html` may emit.
const SCHEMES: &[&str] = &["https", "http", "mailto", "tel"];

/// Schemes that run code or carry a document; named in the failure for clarity.
const DANGEROUS: &[&str] = &["javascript", "vbscript", "data"];

/// The only character references `markdown::escape` produces.
const ENTITIES: &[(&str, char)] = &[("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\'')];

fuzz_target!(|text: &str| {
    let html = to_html(text);
    if let Err(problem) = check_html(&html) {
        panic!("to_html gave unsafe or malformed HTML: {problem}\n input: {text:?}\noutput: {html:?}");
    }
    // Plain text is for SMS and speech, never HTML, so it is not escaped and `<script` may pass
    // through (as it was typed). What must hold: the asterisks go, and nothing else changes.
    let plain = to_plain(text);
    let expected: String = text.chars().filter(|&c| c != '*').collect();
    assert_eq!(plain, expected, "to_plain must drop exactly the asterisks; input: {text:?}");
});

struct Tag<'a> {
    closing: bool,
    name: &'a str,
    attrs: Vec<(&'a str, Option<&'a str>, char)>,
}

fn check_html(html: &str) -> Result<(), String> {
    for tag in TAGS {
        if !ALLOWED.iter().any(|(name, _)| name == tag) {
            return Err(format!("markdown::TAGS lists <{tag}>, which this target does not know: add it to ALLOWED"));
        }
    }
    if html.to_ascii_lowercase().contains("<script") {
        return Err("contains <script".into());
    }
    let mut open: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        let c = rest.chars().next().expect("not at the end");
        match c {
            '<' => {
                let (tag, len) = parse_tag(rest).map_err(|e| format!("{e} at byte {i}"))?;
                check_tag(&tag).map_err(|e| format!("{e} in {:?}", &rest[..len]))?;
                nest(&mut open, &tag).map_err(|e| format!("{e} at byte {i}"))?;
                i += len;
                continue;
            }
            '>' | '"' | '\'' => return Err(format!("unescaped {c:?} in text at byte {i}")),
            '&' if !ENTITIES.iter().any(|(e, _)| rest.starts_with(e)) => {
                return Err(format!("'&' that is not one of escape()'s entities at byte {i}"));
            }
            _ => {
                if open.last().is_none_or(|t| *t == "ul" || *t == "ol") {
                    return Err(format!("text outside <p> or <li> at byte {i}"));
                }
            }
        }
        i += c.len_utf8();
    }
    if let Some(t) = open.last() {
        return Err(format!("<{t}> is never closed"));
    }
    Ok(())
}

/// HTML's whitespace between attributes (the tokenizer's "tab, LF, FF, space"; CR is folded to LF).
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// Tokenises one tag starting at `<` the way a browser's tokenizer does (leniently), so that any
/// attribute a browser would see is reported; returns the tag and its length in bytes.
fn parse_tag(s: &str) -> Result<(Tag<'_>, usize), String> {
    let mut pos = 1;
    let closing = s[pos..].starts_with('/');
    if closing {
        pos += 1;
    }
    let name_len = s[pos..].find(|c: char| is_space(c) || c == '/' || c == '>').unwrap_or(s.len() - pos);
    let name = &s[pos..pos + name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("'<' that does not start a tag (it should have been escaped)".into());
    }
    pos += name_len;
    let mut attrs = Vec::new();
    loop {
        pos += s[pos..].find(|c: char| !is_space(c) && c != '/').ok_or("unclosed tag")?;
        if s[pos..].starts_with('>') {
            return Ok((Tag { closing, name, attrs }, pos + 1));
        }
        // An attribute name runs to whitespace, '/', '>' or '=' (a leading '=' belongs to it).
        let start = pos;
        pos += s[pos..].chars().next().expect("not at the end").len_utf8();
        pos += s[pos..].find(|c: char| is_space(c) || c == '/' || c == '>' || c == '=').ok_or("unclosed tag")?;
        let attr = &s[start..pos];
        pos += s[pos..].find(|c: char| !is_space(c)).ok_or("unclosed tag")?;
        if !s[pos..].starts_with('=') {
            attrs.push((attr, None, ' '));
            continue;
        }
        pos += 1;
        pos += s[pos..].find(|c: char| !is_space(c)).ok_or("unclosed tag")?;
        let quote = s[pos..].chars().next().expect("found above");
        if quote == '"' || quote == '\'' {
            let len = s[pos + 1..].find(quote).ok_or("unterminated attribute value")?;
            attrs.push((attr, Some(&s[pos + 1..pos + 1 + len]), quote));
            pos += 1 + len + 1;
        } else {
            let len = s[pos..].find(|c: char| is_space(c) || c == '>').ok_or("unclosed tag")?;
            attrs.push((attr, Some(&s[pos..pos + len]), ' '));
            pos += len;
        }
    }
}

fn check_tag(tag: &Tag) -> Result<(), String> {
    if !TAGS.contains(&tag.name) {
        return Err(format!("tag <{}> not in markdown::TAGS", tag.name));
    }
    let allowed = ALLOWED.iter().find(|(name, _)| *name == tag.name).map(|(_, attrs)| *attrs).unwrap_or(&[]);
    if tag.closing && !tag.attrs.is_empty() {
        return Err("attributes on a closing tag".into());
    }
    for (name, value, quote) in &tag.attrs {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("on") {
            return Err(format!("event-handler attribute {name:?}"));
        }
        if let Some(value) = value
            && let Some(scheme) = scheme(value)
            && DANGEROUS.contains(&scheme.as_str())
        {
            return Err(format!("{scheme}: URL in attribute {name:?}"));
        }
        if !allowed.contains(name) {
            return Err(format!("attribute {name:?} not allowed on <{}>", tag.name));
        }
        let Some(value) = value else { return Err(format!("attribute {name:?} without a value")) };
        if *quote != '"' {
            return Err(format!("attribute {name:?} not double-quoted"));
        }
        if lower == "href" {
            match scheme(value) {
                Some(s) if SCHEMES.contains(&s.as_str()) => {}
                Some(s) => return Err(format!("href with scheme {s:?}")),
                None => return Err("href without a scheme".into()),
            }
        }
    }
    if !tag.closing && tag.name == "a" && tag.attrs.len() != 1 {
        return Err("<a> without exactly one href".into());
    }
    Ok(())
}

/// The scheme a browser would take from an attribute value: character references decoded, leading
/// and trailing C0 controls and spaces stripped, tabs and newlines removed, lower-cased.
fn scheme(value: &str) -> Option<String> {
    let decoded = decode(value);
    let url: String = decoded.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let (scheme, _) = url.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.');
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Decodes escape()'s entities and numeric character references; anything else is left as it is.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some((entity, c)) = ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            out.push(*c);
            rest = &rest[entity.len()..];
        } else if let Some((c, len)) = numeric_reference(rest) {
            out.push(c);
            rest = &rest[len..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// `&#NN;` or `&#xHH;` (the `;` optional, as browsers allow) at the start of `s`.
fn numeric_reference(s: &str) -> Option<(char, usize)> {
    let body = s.strip_prefix("&#")?;
    let (hex, digits) = match body.strip_prefix(['x', 'X']) {
        Some(d) => (true, d),
        None => (false, body),
    };
    let len = digits.find(|c: char| if hex { !c.is_ascii_hexdigit() } else { !c.is_ascii_digit() }).unwrap_or(digits.len());
    if len == 0 {
        return None;
    }
    // Out of range, zero or a surrogate: browsers substitute U+FFFD.
    let value = if len > 8 { 0 } else { u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok()? };
    let c = char::from_u32(value).filter(|&c| c != '\0').unwrap_or('\u{fffd}');
    let used = s.len() - digits.len() + len + usize::from(digits[len..].starts_with(';'));
    Some((c, used))
}

/// The nesting the renderer builds: blocks (`p`, `ul`, `ol`) at the top, `li` directly in a list,
/// `br` directly in `p`, inline tags inside `p` or `li`, no link in a link, every tag closed in order.
fn nest<'a>(open: &mut Vec<&'a str>, tag: &Tag<'a>) -> Result<(), String> {
    let name = tag.name;
    if tag.closing {
        return match open.pop() {
            Some(top) if top == name => Ok(()),
            Some(top) => Err(format!("</{name}> closes <{top}>")),
            None => Err(format!("</{name}> with nothing open")),
        };
    }
    let top = open.last().copied();
    let ok = match name {
        "p" | "ul" | "ol" => top.is_none(),
        "li" => matches!(top, Some("ul" | "ol")),
        "br" => top == Some("p"),
        "a" => matches!(top, Some(t) if t != "ul" && t != "ol") && !open.contains(&"a"),
        _ => matches!(top, Some(t) if t != "ul" && t != "ol"),
    };
    if !ok {
        return Err(format!("<{name}> inside {}", top.map_or("nothing".to_string(), |t| format!("<{t}>"))));
    }
    if name != "br" {
        open.push(name);
    }
    Ok(())
}
