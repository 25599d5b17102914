//! Small text rules shared by every command.

/// Trims and collapses runs of whitespace inside one-line fields.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Trims a multi-line field and normalises line endings.
pub fn multi_line(s: &str) -> String {
    s.replace("\r\n", "\n").trim().to_string()
}

/// Control characters other than line breaks and tabs: one backend would refuse them (NUL),
/// the other would store them, and no person means them.
pub fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// A deliberately plain e-mail check: one `@`, a dot in the domain, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        && !domain.contains('@')
        && s.len() <= 254
}

/// The line (from 1) a CSV record of `text` starts on. The reader's position is where it stood when it began
/// the record: before the line ends and blank lines it skips on the way (a line ended by CRLF
/// leaves its LF there). A quoted field that spans lines is counted by the reader.
pub(crate) fn csv_line(text: &str, record: &csv::StringRecord) -> usize {
    let Some(pos) = record.position() else { return 0 };
    let from = text.get(pos.byte() as usize..).unwrap_or_default();
    let skipped = from.bytes().take_while(|b| matches!(b, b'\r' | b'\n')).filter(|&b| b == b'\n').count();
    pos.line() as usize + skipped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_check() {
        assert!(is_email("kriseleder@demo.kriseservice.dk"));
        assert!(!is_email("no-at-sign"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@c.dk"));
        assert!(!is_email("@c.dk"));
    }

    #[test]
    fn control_characters_are_found() {
        assert!(has_control("a\u{0}b"));
        assert!(!has_control("linje 1\nlinje 2\tfane"));
    }

    #[test]
    fn one_line_collapses() {
        assert_eq!(one_line("  a \n b  "), "a b");
    }
}
