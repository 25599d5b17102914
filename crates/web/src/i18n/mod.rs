//! The one translation table for UI text. Danish is the default; English is available.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Da,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// From the `lang` cookie; Danish unless English was chosen.
    pub fn from_headers(h: &axum::http::HeaderMap) -> Lang {
        if crate::auth::cookie(h, "lang") == Some("en") { Lang::En } else { Lang::Da }
    }
}

/// A key's text in each language.
#[derive(serde::Deserialize)]
pub(crate) struct Text {
    pub(crate) da: String,
    pub(crate) en: String,
}

impl Text {
    fn get(&self, lang: Lang) -> &str {
        if lang == Lang::Da { &self.da } else { &self.en }
    }
}

/// The table, read once from `texts.toml` (a data file, so that a translator edits words, not
/// code). The parser refuses a key given twice; a test reads the table, so a broken file fails it.
pub(crate) static TABLE: std::sync::LazyLock<std::collections::HashMap<String, Text>> =
    std::sync::LazyLock::new(|| toml::from_str(include_str!("texts.toml")).expect("the translation table texts.toml parses"));

/// `t` for a key that may have no entry (names that come from elsewhere, like a validation's field).
pub fn t_or<'a>(lang: Lang, key: &str, fallback: &'a str) -> &'a str {
    TABLE.get(key).map_or(fallback, |text| text.get(lang))
}

/// The text for `key`. A key missing from the table panics in debug and test builds (the page
/// tests then fail); a release build shows `?` rather than fail a citizen's page.
pub fn t(lang: Lang, key: &str) -> &'static str {
    match TABLE.get(key) {
        Some(text) => text.get(lang),
        None => {
            debug_assert!(false, "missing translation key {key}");
            "?"
        }
    }
}

/// A number with its noun in the right number: `{key}.one` for 1, `{key}.other` for the rest,
/// each with `{n}` for the number, written with thousand separators.
pub fn counted(lang: Lang, key: &str, n: usize) -> String {
    let form = if n == 1 { "one" } else { "other" };
    tf(lang, &format!("{key}.{form}"), &[("n", &thousands(lang, n))])
}

/// `660842` as `660.842`, as Danish writes it (`660,842` in English).
pub fn thousands(lang: Lang, n: usize) -> String {
    let separator = if lang == Lang::Da { '.' } else { ',' };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// `t` for a text with values in it: each `{name}` is replaced by the value given for `name`,
/// which is inserted as it is (never scanned for placeholders itself).
pub fn tf(lang: Lang, key: &str, values: &[(&str, &str)]) -> String {
    fill(t(lang, key), values)
}

fn fill(text: &str, values: &[(&str, &str)]) -> String {
    debug_assert!(values.iter().all(|(name, _)| text.contains(&format!("{{{name}}}"))), "a value without a placeholder in {text:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(len) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + len];
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => {
                debug_assert!(false, "no value for {{{name}}} in {text:?}");
                out.push_str(&rest[open..=open + len]);
            }
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
