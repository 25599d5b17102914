//! Just enough XML writing for our four document types: escaping that is correct for XML 1.0,
//! and a small writer that keeps start and end tags paired. No parser, no dependency.

/// Whether XML 1.0 allows the character at all (§2.2). C1 controls are allowed but
/// discouraged and never meant in guide text, so they are dropped as well.
fn allowed(c: char) -> bool {
    match c {
        '\t' | '\n' => true,
        // A carriage return would be normalised away by every parser; drop it ourselves.
        '\r' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => false,
        '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// Text with every character XML 1.0 forbids removed.
pub(crate) fn strip_invalid(s: &str) -> String {
    s.chars().filter(|c| allowed(*c)).collect()
}

/// Character data: `&`, `<` and `>` escaped (the last so `]]>` can never appear).
pub(crate) fn text(s: &str) -> String {
    escaped(s, |_| None)
}

/// An attribute value for double quotes. Tabs and line breaks become character references,
/// because attribute-value normalisation would otherwise turn them into spaces.
pub(crate) fn attr(s: &str) -> String {
    escaped(s, |c| match c {
        '"' => Some("&quot;"),
        '\t' => Some("&#9;"),
        '\n' => Some("&#10;"),
        _ => None,
    })
}

/// XML-safe text: forbidden characters dropped, `&<>` escaped, and `extra` for the context.
fn escaped(s: &str, extra: impl Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| allowed(*c)) {
        match (c, extra(c)) {
            (_, Some(e)) => out.push_str(e),
            ('&', _) => out.push_str("&amp;"),
            ('<', _) => out.push_str("&lt;"),
            ('>', _) => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes a document top-down. Block calls start on a new, indented line; inline calls
/// (`text`, `inline`, `inline_empty`, `close_inline`) write in place, for mixed content such as speech.
pub(crate) struct Writer {
    out: String,
    open: Vec<&'static str>,
}

impl Writer {
    pub(crate) fn new() -> Writer {
        Writer { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), open: Vec::new() }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.out.push_str(&"  ".repeat(self.open.len()));
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push_str(&format!(" {k}=\"{}\"", attr(v)));
        }
    }

    /// `<name attrs>` on its own line; content follows until `close`.
    pub(crate) fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.newline();
        self.start_tag(name, attrs);
        self.out.push('>');
        self.open.push(name);
    }

    /// Closes the innermost open element, on its own line.
    pub(crate) fn close(&mut self) {
        let name = self.open.pop().expect("close without open");
        self.newline();
        self.out.push_str(&format!("</{name}>"));
    }

    /// Closes the innermost open element in place.
    pub(crate) fn close_inline(&mut self) {
        let name = self.open.pop().expect("close without open");
        self.out.push_str(&format!("</{name}>"));
    }

    /// `<name attrs>text</name>` on its own line.
    pub(crate) fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], content: &str) {
        self.newline();
        self.inline(name, attrs, content);
    }

    /// `<name attrs/>` on its own line.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.newline();
        self.inline_empty(name, attrs);
    }

    /// `<name attrs>text</name>` in place.
    pub(crate) fn inline(&mut self, name: &str, attrs: &[(&str, &str)], content: &str) {
        self.start_tag(name, attrs);
        self.out.push('>');
        self.out.push_str(&text(content));
        self.out.push_str(&format!("</{name}>"));
    }

    /// `<name attrs/>` in place.
    pub(crate) fn inline_empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str("/>");
    }

    /// Escaped character data in place.
    pub(crate) fn text(&mut self, s: &str) {
        self.out.push_str(&text(s));
    }

    /// The document, every element closed.
    pub(crate) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out.push('\n');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_the_cdata_end() {
        assert_eq!(text("a < b & c ]]> d"), "a &lt; b &amp; c ]]&gt; d");
        assert_eq!(attr("say \"hi\" & <go>\n"), "say &quot;hi&quot; &amp; &lt;go&gt;&#10;");
    }

    #[test]
    fn strips_what_xml_forbids() {
        assert_eq!(text("a\u{0}b\u{1b}c\u{7}d\r\ne\u{fffe}\u{85}f"), "abcd\nef");
        assert_eq!(strip_invalid("æ\u{8}ø\tå"), "æø\tå");
        assert_eq!(text("emoji 🚒 stays"), "emoji 🚒 stays");
    }

    #[test]
    fn writer_pairs_tags() {
        let mut w = Writer::new();
        w.open("a", &[("x", "1 & 2")]);
        w.leaf("b", &[], "<t>");
        w.inline("c", &[], "x");
        w.inline_empty("d", &[]);
        w.empty("e", &[]);
        w.open("s", &[]);
        w.text("y");
        w.close_inline();
        let doc = w.finish();
        assert_eq!(
            doc,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1 &amp; 2\">\n  <b>&lt;t&gt;</b><c>x</c><d/>\n  <e/>\n  <s>y</s>\n</a>\n"
        );
    }
}
