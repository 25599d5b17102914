//! Danish text analysis: tokens with their byte spans, lower-casing, Snowball stemming, stop
//! words (negations kept) and the one canonical term every negation maps to.

use rust_stemmers::{Algorithm, Stemmer};

/// Longer "words" are noise (pasted hashes, URLs without separators); they are kept as terms
/// but never stemmed, split or fuzzily matched.
pub const MAX_WORD_CHARS: usize = 40;

/// The term every negation ("ikke", "ingen", "intet", "aldrig", …) maps to, so that a query
/// with "ingen strøm" prefers a guide that says "ikke strøm".
pub const NEGATION: &str = "ikke";

/// Snowball's Danish stop-word list without the negations: dropping "ikke" would turn
/// "drik ikke vandet" into "drik vandet".
const STOP_WORDS: &[&str] = &[
    "ad", "af", "alle", "alt", "anden", "at", "blev", "blive", "bliver", "da", "de", "dem", "den", "denne", "der", "deres", "det", "dette",
    "dig", "din", "disse", "dog", "du", "efter", "eller", "en", "end", "er", "et", "for", "fra", "ham", "han", "hans", "har", "havde",
    "have", "hende", "hendes", "her", "hos", "hun", "hvad", "hvis", "hvor", "i", "ind", "jeg", "jer", "jo", "kunne", "man", "mange", "med",
    "meget", "men", "mig", "min", "mine", "mit", "mod", "ned", "noget", "nogle", "nu", "når", "og", "også", "om", "op", "os", "over", "på",
    "sig", "sin", "sine", "sit", "skal", "skulle", "som", "sådan", "thi", "til", "ud", "under", "var", "vi", "vil", "ville", "vor", "være",
    "været",
];

const NEGATIONS: &[&str] = &["ikke", "ingen", "intet", "aldrig", "ingenting", "hverken", "ej"];

/// One word of a text: where it is, what it says, and the term it is indexed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte span in the original text, for highlighting.
    pub start: usize,
    pub end: usize,
    /// Lower-cased surface form.
    pub word: String,
    /// The index term: the Danish stem, or [`NEGATION`] for any negation.
    pub term: String,
    pub stop: bool,
}

/// The words of `text` as byte spans: maximal runs of Unicode letters and digits.
pub fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while chars.peek().is_some_and(|&(_, c)| !c.is_alphanumeric()) {
            chars.next();
        }
        let &(start, _) = chars.peek()?;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        Some((start, end))
    })
}

/// Every word of `text`, stop words included (flagged), in order.
pub fn tokenize(text: &str) -> Vec<Token> {
    word_spans(text)
        .map(|(start, end)| {
            let word = text[start..end].to_lowercase();
            let stop = is_stop_word(&word);
            let term = term_of(&word);
            Token { start, end, word, term, stop }
        })
        .collect()
}

/// The index term of one lower-cased word.
pub fn term_of(word: &str) -> String {
    if is_negation(word) { NEGATION.to_string() } else { stem(word) }
}

/// The Snowball Danish stem of a lower-cased word; over-long words are left as they are.
pub fn stem(word: &str) -> String {
    if word.chars().count() > MAX_WORD_CHARS {
        return word.to_string();
    }
    Stemmer::create(Algorithm::Danish).stem(word).into_owned()
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

pub fn is_negation(word: &str) -> bool {
    NEGATIONS.contains(&word)
}

/// The words of `text` that carry meaning: lower-cased, stop words dropped.
pub fn content_words(text: &str) -> Vec<String> {
    tokenize(text).into_iter().filter(|t| !t.stop).map(|t| t.word).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]), "STOP_WORDS must stay sorted");
    }

    #[test]
    fn danish_words_stem_to_shared_terms() {
        for (a, b) in [("vandet", "vand"), ("strømmen", "strøm"), ("kælderen", "kælder"), ("radiatorer", "radiator"), ("skolerne", "skole")]
        {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("drikkevandet"), "drikkevand");
        assert_ne!(stem("vand"), stem("vind"));
    }

    #[test]
    fn tokens_keep_æøå_and_byte_spans() {
        let text = "Ingen STRØM på Ærø, 2 dage!";
        let toks = tokenize(text);
        let words: Vec<_> = toks.iter().map(|t| t.word.as_str()).collect();
        assert_eq!(words, ["ingen", "strøm", "på", "ærø", "2", "dage"]);
        for t in &toks {
            assert_eq!(text[t.start..t.end].to_lowercase(), t.word);
        }
        assert_eq!(&text[toks[1].start..toks[1].end], "STRØM");
    }

    #[test]
    fn negations_are_kept_and_unified() {
        let toks = tokenize("drik ikke vandet, der er ingen strøm og intet varmt vand");
        let kept: Vec<_> = toks.iter().filter(|t| !t.stop).map(|t| t.term.as_str()).collect();
        assert_eq!(kept.iter().filter(|t| **t == NEGATION).count(), 3, "{kept:?}");
        assert!(kept.contains(&"drik") && kept.contains(&"vand"));
        assert!(!kept.contains(&"der") && !kept.contains(&"og"), "stop words dropped: {kept:?}");
        assert!(!is_stop_word("aldrig") && is_negation("aldrig"));
    }

    #[test]
    fn html_is_escaped() {
        // Snippets use the escaping of the guides' own renderer.
        let out = domain::markdown::escape(r#"<script>alert("x&'y")</script>"#);
        assert_eq!(out, "&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;");
    }

    proptest::proptest! {
        #[test]
        fn tokenize_never_panics_and_spans_are_valid(s in "\\PC*") {
            for t in tokenize(&s) {
                proptest::prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end) && t.start < t.end);
            }
        }
    }
}
