//! The search-box query language: words, `"quoted phrases"` that must appear adjacent, and
//! `-word` / `-"phrase"` exclusions. Anything else is punctuation. Never panics.

use crate::analysis::word_spans;

pub const MAX_QUERY_CHARS: usize = 500;
/// Words beyond this are ignored: no real question needs more, and it bounds the work.
pub const MAX_QUERY_WORDS: usize = 32;

/// A parsed query. Words are lower-cased surface forms in input order; the index analyses
/// them (stems, compounds, typos) against its own vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// Free words: a document matching more of them ranks higher.
    pub terms: Vec<String>,
    /// Every phrase must appear, its words adjacent (stop words aside).
    pub phrases: Vec<Vec<String>>,
    /// A document containing any of these (one word, or adjacent words) is dropped.
    pub excluded: Vec<Vec<String>>,
}

impl Query {
    /// How many words the query kept.
    pub fn word_count(&self) -> usize {
        self.terms.len() + self.phrases.iter().chain(&self.excluded).map(Vec::len).sum::<usize>()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the query has no words to search for")]
    Empty,
    #[error("the query is {chars} characters long; at most {MAX_QUERY_CHARS} are allowed")]
    TooLong { chars: usize },
    #[error("the query contains control characters")]
    Invalid,
}

impl QueryError {
    /// A stable machine-readable code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::Empty => "query_empty",
            QueryError::TooLong { .. } => "query_too_long",
            QueryError::Invalid => "query_invalid",
        }
    }
}

/// Parses a search-box query. Tabs and line breaks count as spaces; other control characters
/// (NUL included) are refused. An unclosed quote runs to the end of the input.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    if input.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(QueryError::Invalid);
    }
    let input = input.trim();
    let chars = input.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong { chars });
    }
    let mut q = Builder::default();
    let mut rest = input;
    while let Some((plain, after)) = rest.split_once('"') {
        // A dash standing alone before the quote excludes the phrase.
        let negated = plain.strip_suffix('-').is_some_and(|p| p.chars().next_back().is_none_or(char::is_whitespace));
        q.plain(plain);
        let (quoted, next) = after.split_once('"').unwrap_or((after, ""));
        q.phrase(quoted, negated);
        rest = next;
    }
    q.plain(rest);
    if q.query.terms.is_empty() && q.query.phrases.is_empty() {
        return Err(QueryError::Empty);
    }
    Ok(q.query)
}

#[derive(Default)]
struct Builder {
    query: Query,
    words: usize,
}

impl Builder {
    /// Takes words while the budget lasts.
    fn take(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (s, e) in word_spans(text) {
            if self.words == MAX_QUERY_WORDS {
                break;
            }
            self.words += 1;
            out.push(text[s..e].to_lowercase());
        }
        out
    }

    fn plain(&mut self, text: &str) {
        for chunk in text.split_whitespace() {
            match chunk.strip_prefix('-') {
                Some(rest) => {
                    let words = self.take(rest);
                    // "-e-boks" excludes the hyphenated word as written.
                    if !words.is_empty() {
                        self.query.excluded.push(words);
                    }
                }
                None => {
                    let words = self.take(chunk);
                    self.query.terms.extend(words);
                }
            }
        }
    }

    fn phrase(&mut self, text: &str, negated: bool) {
        let words = self.take(text);
        if words.is_empty() {
            return;
        }
        if negated { self.query.excluded.push(words) } else { self.query.phrases.push(words) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[&str]) -> Vec<String> {
        ws.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let q = parse(r#"  Strøm "drik ikke vandet" -Fjernvarme -"kolde radiatorer" "#).unwrap();
        assert_eq!(q.terms, words(&["strøm"]));
        assert_eq!(q.phrases, vec![words(&["drik", "ikke", "vandet"])]);
        assert_eq!(q.excluded, vec![words(&["fjernvarme"]), words(&["kolde", "radiatorer"])]);
    }

    #[test]
    fn punctuation_and_odd_quoting() {
        let q = parse("hvornår kommer strømmen?! - -- \"").unwrap();
        assert_eq!(q.terms, words(&["hvornår", "kommer", "strømmen"]));
        assert!(q.phrases.is_empty() && q.excluded.is_empty());
        let q = parse("vand \"i kælderen").unwrap();
        assert_eq!(q.phrases, vec![words(&["i", "kælderen"])], "an unclosed quote runs to the end");
        let q = parse("a\"b\"c").unwrap();
        assert_eq!((q.terms, q.phrases), (words(&["a", "c"]), vec![words(&["b"])]));
        assert_eq!(parse("e-boks").unwrap().terms, words(&["e", "boks"]), "a dash inside a word is no exclusion");
    }

    #[test]
    fn refusals_have_stable_codes() {
        for empty in ["", "   ", "?!", "\"\"", "-", "-strøm", "- - -"] {
            assert_eq!(parse(empty), Err(QueryError::Empty), "{empty:?}");
        }
        assert_eq!(parse(&"a".repeat(501)).unwrap_err().code(), "query_too_long");
        assert!(parse(&format!("  {}  ", "å".repeat(500))).is_ok(), "500 characters, not bytes, after trimming");
        assert_eq!(parse("vand\0").unwrap_err().code(), "query_invalid");
        assert_eq!(parse("vand\u{7}").unwrap_err(), QueryError::Invalid);
        assert_eq!(parse("vand\tstrøm\n").unwrap().terms, words(&["vand", "strøm"]));
        assert_eq!(QueryError::Empty.code(), "query_empty");
        assert_eq!(QueryError::TooLong { chars: 600 }.to_string(), "the query is 600 characters long; at most 500 are allowed");
    }

    #[test]
    fn at_most_32_words_are_kept() {
        let long: Vec<String> = (0..40).map(|i| format!("ord{i}")).collect();
        let q = parse(&long.join(" ")).unwrap();
        assert_eq!(q.word_count(), MAX_QUERY_WORDS);
        assert_eq!(q.terms.last().map(String::as_str), Some("ord31"));
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "(\\PC|[\"\\- \\t\\n\\x00])*") {
            if let Ok(q) = parse(&s) {
                proptest::prop_assert!(q.word_count() <= MAX_QUERY_WORDS);
                proptest::prop_assert!(!q.terms.is_empty() || !q.phrases.is_empty());
            }
        }

        #[test]
        fn parse_never_panics_on_quotes_and_dashes(s in "[\"\\-a-zæøå ]{0,40}") {
            let _ = parse(&s);
        }
    }
}
