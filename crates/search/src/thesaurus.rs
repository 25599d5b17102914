//! The Danish thesaurus Debian ships (`mythes-da`, `/usr/share/mythes/th_da_DK.dat`) read into
//! weighted expansions for the answer engine: a synonym counts for less than the word itself, and
//! a word with several meanings ("pas": a passport, a mountain pass, "I pass") counts for less
//! still, or not at all, so that it cannot drag answers off.
//!
//! The file is MyThes' text format: its encoding on the first line, then each entry as `word|N`
//! followed by N meaning lines `|synonym|synonym…`, or `(part of speech)|synonym…`. A synonym
//! marked `(underbegreb)` is a narrower term (strøm → lavastrøm) and is left out: it does not mean
//! what the citizen said.

use crate::analysis::term_of;
use std::collections::HashMap;
use std::path::Path;

/// Where Debian's `mythes-da` installs the thesaurus.
pub const SYSTEM_PATH: &str = "/usr/share/mythes/th_da_DK.dat";
/// What a synonym of a word with one meaning counts for, against 1 for the word itself.
pub const SYNONYM_WEIGHT: f32 = 0.5;
/// A word with more senses than this gets no expansions at all; one with fewer shares the weight
/// among its senses.
pub const MAX_MEANINGS: usize = 3;

/// One expansion of a word and what it counts for.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    pub word: String,
    pub weight: f32,
}

#[derive(Debug, Default)]
pub struct Thesaurus {
    entries: HashMap<String, Vec<Expansion>>,
}

impl Thesaurus {
    /// Reads the thesaurus at `path`; the error names the file and what is wrong with it.
    pub fn load(path: &Path) -> Result<Thesaurus, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the thesaurus {}: {e}", path.display()))?;
        Thesaurus::parse(&text).map_err(|e| format!("the thesaurus {}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Thesaurus, String> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, enc)) if enc.trim().eq_ignore_ascii_case("utf-8") => {}
            Some((_, enc)) => return Err(format!("line 1: encoding {enc:?}; only UTF-8 is read (Debian's mythes-da is UTF-8)")),
            None => return Err("it is empty".into()),
        }
        let mut entries = HashMap::new();
        while let Some((n, head)) = lines.next() {
            let Some((word, count)) = head.rsplit_once('|') else {
                return Err(format!("line {}: expected `word|count`, found {head:?}", n + 1));
            };
            let count: usize = count.trim().parse().map_err(|_| format!("line {}: {count:?} is not a count of meanings", n + 1))?;
            let mut meanings: Vec<Vec<String>> = Vec::with_capacity(count);
            for _ in 0..count {
                let Some((m, line)) = lines.next() else {
                    return Err(format!("line {}: the entry {word:?} promises {count} meanings; the file ends first", n + 1));
                };
                if !line.contains('|') {
                    return Err(format!("line {}: a meaning line starts with `|` or a part of speech, found {line:?}", m + 1));
                }
                let same: Vec<String> = line
                    .split('|')
                    .skip(1)
                    .map(str::trim)
                    .filter(|s| !s.ends_with(')') && !s.is_empty() && !s.contains(' '))
                    .map(str::to_lowercase)
                    .collect();
                // Meaning lines that share a word are one sense written twice (strøm: "lys|elektricitet|el"
                // and "el|elektricitet").
                match meanings.iter_mut().find(|m| m.iter().any(|w| same.contains(w))) {
                    Some(sense) => sense.extend(same),
                    None if !same.is_empty() => meanings.push(same),
                    None => {}
                }
            }
            let word = word.trim().to_lowercase();
            if word.contains(' ') || meanings.is_empty() {
                continue;
            }
            // Kept without expansions: its stem must not borrow another word's ("passe" is "pas").
            if meanings.len() > MAX_MEANINGS {
                entries.insert(word, Vec::new());
                continue;
            }
            let weight = SYNONYM_WEIGHT / meanings.len() as f32;
            let mut out: Vec<Expansion> = Vec::new();
            for s in meanings.into_iter().flatten() {
                if s != word && !out.iter().any(|e| e.word == s) {
                    out.push(Expansion { word: s, weight });
                }
            }
            entries.insert(word, out);
        }
        Ok(Thesaurus { entries })
    }

    /// The word's expansions, each with its weight; none for a word with many meanings.
    pub fn expansions(&self, word: &str) -> &[Expansion] {
        self.entries.get(word).map_or(&[], Vec::as_slice)
    }

    /// How many words have expansions.
    pub fn len(&self) -> usize {
        self.entries.values().filter(|e| !e.is_empty()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The expansions by index term (the Danish stem) instead of by word, as the engine looks
    /// words up: the words of one stem share their expansions, each at its strongest, unless one
    /// of them has too many meanings, which leaves the stem without any.
    pub fn by_term(&self) -> HashMap<String, Vec<(String, f32)>> {
        let mut out: HashMap<String, Vec<(String, f32)>> = HashMap::new();
        let mut polysemous = std::collections::HashSet::new();
        for (word, expansions) in &self.entries {
            let term = term_of(word);
            if expansions.is_empty() {
                polysemous.insert(term);
                continue;
            }
            let to = out.entry(term.clone()).or_default();
            for e in expansions {
                let t = term_of(&e.word);
                if t == term {
                    continue;
                }
                match to.iter_mut().find(|(x, _)| *x == t) {
                    Some((_, w)) => *w = w.max(e.weight),
                    None => to.push((t, e.weight)),
                }
            }
        }
        out.retain(|t, e| !polysemous.contains(t) && !e.is_empty());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "utf-8\nbrusebad|3\n|douche\n|styrtebad|douche\n|bruseniche (underbegreb)\n\
        pas|4\n|pasgang\n|rejsepas\n|bjergpas\n|id-kort|legitimation\n\
        strøm|4\n|lys|elektricitet|el\n|strømning|gennemstrømning\n|lavastrøm (underbegreb)\n|el|elektricitet\n\
        (den) indre by|1\n|centrum|midtby\n";

    fn words(t: &Thesaurus, w: &str) -> Vec<(String, f32)> {
        t.expansions(w).iter().map(|e| (e.word.clone(), e.weight)).collect()
    }

    #[test]
    fn synonyms_count_for_less_than_the_word_and_narrower_terms_are_left_out() {
        let t = Thesaurus::parse(SAMPLE).unwrap();
        assert_eq!(words(&t, "brusebad"), [("douche".into(), 0.5), ("styrtebad".into(), 0.5)], "one sense written twice");
        let strøm = words(&t, "strøm");
        assert!(strøm.iter().any(|(w, _)| w == "elektricitet") && strøm.iter().any(|(w, _)| w == "el"), "{strøm:?}");
        assert!(!strøm.iter().any(|(w, _)| w == "lavastrøm"), "a narrower term is not what was said");
        assert!(strøm.iter().all(|(_, weight)| *weight < 1.0));
    }

    #[test]
    fn a_word_of_many_meanings_gets_no_expansions_and_phrases_are_not_words() {
        let t = Thesaurus::parse(SAMPLE).unwrap();
        assert!(t.expansions("pas").is_empty(), "pas: passport, mountain pass, 'I pass'");
        assert!(t.expansions("(den) indre by").is_empty());
        assert!(t.expansions("ukendt").is_empty());
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn by_term_the_words_of_a_stem_share_their_expansions_but_not_a_polysemous_ones() {
        let t =
            Thesaurus::parse("utf-8\nbrusebad|1\n|douche\nbrusebadet|1\n|styrtebad\npas|4\n|a\n|b\n|c\n|d\npasse|1\n|tilpasse\n").unwrap();
        let by = t.by_term();
        let mut bad: Vec<&str> = by[&term_of("brusebad")].iter().map(|(w, _)| w.as_str()).collect();
        bad.sort();
        assert_eq!(bad, [term_of("douche"), term_of("styrtebad")]);
        assert!(!by.contains_key(&term_of("pas")), "passe shares the stem of pas, which has four meanings: {by:?}");
    }

    #[test]
    fn a_broken_file_is_refused_with_its_line() {
        assert!(Thesaurus::parse("ISO8859-1\n").unwrap_err().contains("only UTF-8"));
        assert!(Thesaurus::parse("utf-8\nbrusebad|x\n").unwrap_err().starts_with("line 2:"));
        assert!(Thesaurus::parse("utf-8\nbrusebad|2\n|douche\n").unwrap_err().contains("promises 2 meanings"));
        assert!(Thesaurus::parse("").unwrap_err().contains("empty"));
    }

    /// Debian's file itself (`scripts/test` installs `mythes-da`): read whole, with the
    /// expansions the issue names.
    #[test]
    fn debians_danish_thesaurus_reads_and_knows_the_everyday_synonyms() {
        let t = Thesaurus::load(Path::new(SYSTEM_PATH)).expect("Debian's mythes-da (scripts/test installs it)");
        assert!(t.len() > 10_000, "{} words", t.len());
        let has = |w: &str, s: &str| t.expansions(w).iter().any(|e| e.word == s);
        assert!(has("brusebad", "douche"), "{:?}", t.expansions("brusebad"));
        assert!(has("strøm", "elektricitet") && has("strøm", "el"), "{:?}", t.expansions("strøm"));
        assert!(has("midtby", "centrum") || has("midtby", "bymidte"), "{:?}", t.expansions("midtby"));
        assert!(t.expansions("pas").is_empty(), "{:?}", t.expansions("pas"));
    }
}
