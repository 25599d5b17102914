//! The answer engine's hand-written Danish vocabulary, read from `data/vocabulary.txt` (its
//! format is in `data/README.md`): crisis synonyms and paraphrases, words that ask for the
//! situation or for phone numbers, chat filler, greetings and thanks. The municipalities are
//! named as the organisations' reference data (`domain::org`) names them. Every entry is
//! stemmed when the tables are built, the filler and the greetings and thanks excepted.

use crate::analysis::{stem, term_of, word_spans};
use domain::org::{OrgKind, ReferenceRow};
use std::collections::HashMap;
use std::sync::OnceLock;

const VOCABULARY: &str = include_str!("../data/vocabulary.txt");

/// The vocabulary file's sections, as written.
#[derive(Debug, Default, PartialEq)]
struct Vocabulary {
    /// Groups of words citizens use for the same thing. A word may sit in several groups.
    synonyms: Vec<Vec<String>>,
    summary_cues: Vec<String>,
    summary_hints: Vec<String>,
    contact_cues: Vec<String>,
    contact_hints: Vec<String>,
    filler: Vec<String>,
    generic: Vec<String>,
    greetings: Vec<String>,
    thanks: Vec<String>,
    not_municipality_names: Vec<String>,
}

/// The sections of the file, each there once. `synonyms` has a group a line; in the
/// others the lines make one list.
const SECTIONS: [&str; 10] = [
    "synonyms",
    "summary_cues",
    "summary_hints",
    "contact_cues",
    "contact_hints",
    "filler",
    "generic",
    "greetings",
    "thanks",
    "not_municipality_names",
];

impl Vocabulary {
    fn list(&mut self, section: &str) -> &mut Vec<String> {
        match section {
            "summary_cues" => &mut self.summary_cues,
            "summary_hints" => &mut self.summary_hints,
            "contact_cues" => &mut self.contact_cues,
            "contact_hints" => &mut self.contact_hints,
            "filler" => &mut self.filler,
            "generic" => &mut self.generic,
            "greetings" => &mut self.greetings,
            "thanks" => &mut self.thanks,
            _ => &mut self.not_municipality_names,
        }
    }
}

/// One word as the tokenizer reads text: letters and digits, lower case.
fn is_word(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() && !c.is_uppercase())
}

/// Reads the vocabulary format. Every malformed line is an error naming its line; nothing is
/// dropped quietly.
fn parse(text: &str) -> Result<Vocabulary, Vec<String>> {
    let (mut v, mut errors) = (Vocabulary::default(), Vec::new());
    let mut seen: Vec<&str> = Vec::new();
    // The section the lines go to; `None` after an unknown heading (reported once).
    let mut section: Option<Option<&str>> = None;
    for (i, line) in text.lines().enumerate() {
        let (n, line) = (i + 1, line.trim());
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let known = SECTIONS.iter().copied().find(|s| *s == name);
            match known {
                None => errors.push(format!("line {n}: unknown section [{name}]; the sections are {}", SECTIONS.join(", "))),
                Some(s) if seen.contains(&s) => errors.push(format!("line {n}: [{s}] a second time")),
                Some(s) => seen.push(s),
            }
            section = Some(known);
            continue;
        }
        let Some(name) = section else {
            errors.push(format!("line {n}: words before the first [section]"));
            continue;
        };
        let Some(name) = name else { continue };
        let words: Vec<String> = line.split(',').map(|w| w.trim().to_string()).collect();
        let list = if name == "synonyms" {
            v.synonyms.push(Vec::new());
            v.synonyms.last_mut().expect("pushed")
        } else {
            v.list(name)
        };
        for w in words {
            if !is_word(&w) {
                errors.push(format!("line {n}: '{w}' is not one lower-case word (words are separated by commas)"));
            } else if list.contains(&w) {
                errors.push(format!("line {n}: '{w}' is in this {} already", if name == "synonyms" { "group" } else { "section" }));
            } else {
                list.push(w);
            }
        }
    }
    errors.extend(SECTIONS.iter().filter(|s| !seen.contains(s)).map(|s| format!("the section [{s}] is missing")));
    if errors.is_empty() { Ok(v) } else { Err(errors) }
}

/// The words that name each municipality: its name, each part of a two-part name
/// ("Ikast-Brande"), and its aliases, less the words that do not name it on their own.
fn municipality_names(rows: &[ReferenceRow], not_names: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in rows.iter().filter(|r| r.org.kind == OrgKind::Municipality) {
        let name = r.org.name.to_lowercase();
        let words = word_spans(&name).map(|(a, b)| name[a..b].to_string()).chain(r.aliases.iter().cloned());
        out.extend(words.filter(|w| !not_names.contains(w)).map(|w| (w, r.org.code.clone())));
    }
    out
}

/// The tables keyed by term (stem), built once.
pub struct Lexicon {
    /// Synonym groups by the word as written, then by stem: the written form wins where
    /// the stemmer conflates ("farligt" → "far", like "far", father).
    by_word: HashMap<String, Vec<u16>>,
    by_stem: HashMap<String, Vec<u16>>,
    pub groups: usize,
    pub summary_cues: Vec<String>,
    pub summary_hints: Vec<String>,
    pub contact_cues: Vec<String>,
    pub contact_hints: Vec<String>,
    pub filler: Vec<String>,
    pub generic: Vec<String>,
    /// Greetings and thanks, recognised when nothing else in the message is answerable.
    pub greetings: Vec<String>,
    pub thanks: Vec<String>,
    /// The municipality's code by the term of a word that names it.
    pub municipalities: HashMap<String, String>,
}

impl Lexicon {
    /// The synonym groups of a word (lower-cased) with its term.
    pub fn groups(&self, word: &str, term: &str) -> &[u16] {
        let found = self.by_word.get(word).or_else(|| self.by_stem.get(term)).or_else(|| self.by_stem.get(&stem(term)));
        found.map_or(&[], Vec::as_slice)
    }

    /// The synonym groups of a compound's head when the lexicon lacks the compound itself:
    /// "havnegade" is a "gade", "badekarret" a "kar". Longest head first; heads of at least
    /// four letters, so "ild" does not make "skild" a fire.
    pub fn head_groups(&self, word: &str) -> &[u16] {
        if !self.groups(word, &term_of(word)).is_empty() {
            return &[];
        }
        let n = word.chars().count();
        for (i, (b, _)) in word.char_indices().enumerate().skip(3) {
            if n - i < 4 {
                break;
            }
            let head = &word[b..];
            let found = self.by_word.get(head).or_else(|| self.by_stem.get(&stem(head)));
            if let Some(groups) = found {
                return groups;
            }
        }
        &[]
    }

    /// The synonym groups of a term, when only the term is known.
    pub fn groups_of_term(&self, term: &str) -> &[u16] {
        self.groups(term, term)
    }

    pub fn has_groups(&self, term: &str) -> bool {
        self.by_stem.contains_key(term)
    }
}

pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let v = parse(VOCABULARY).unwrap_or_else(|e| panic!("built-in vocabulary (data/vocabulary.txt): {}", e.join("; ")));
        let (mut by_word, mut by_stem): (HashMap<String, Vec<u16>>, HashMap<String, Vec<u16>>) = Default::default();
        for (g, words) in v.synonyms.iter().enumerate() {
            for w in words {
                for (map, key) in [(&mut by_word, w.clone()), (&mut by_stem, term_of(w))] {
                    let groups = map.entry(key).or_default();
                    if !groups.contains(&(g as u16)) {
                        groups.push(g as u16);
                    }
                }
            }
        }
        let terms = |ws: &[String]| -> Vec<String> { ws.iter().map(|w| term_of(w)).collect() };
        let names = municipality_names(&domain::org::reference_rows(), &v.not_municipality_names);
        Lexicon {
            by_word,
            by_stem,
            groups: v.synonyms.len(),
            summary_cues: terms(&v.summary_cues),
            summary_hints: terms(&v.summary_hints),
            contact_cues: terms(&v.contact_cues),
            contact_hints: terms(&v.contact_hints),
            generic: terms(&v.generic),
            municipalities: names.into_iter().map(|(w, code)| (term_of(&w), code)).collect(),
            filler: v.filler,
            greetings: v.greetings,
            thanks: v.thanks,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_words_reach_their_groups() {
        let lx = lexicon();
        let shared = |a: &str, b: &str| {
            let (ga, gb) = (lx.groups(a, &term_of(a)), lx.groups(b, &term_of(b)));
            ga.iter().any(|g| gb.contains(g))
        };
        assert!(shared("strømmen", "elektriciteten"));
        assert!(shared("fjernvarmen", "opvarmningen"));
        assert!(shared("radiatorerne", "termostaten"));
        assert!(shared("toilettet", "toilet"), "a second stemming pass");
        assert!(!shared("strømmen", "vandet"));
        assert!(!shared("farligt", "far"), "the written form wins over a conflating stem");
        let vej = lx.groups("vej", "vej");
        assert!(lx.head_groups("havnegaden").iter().any(|g| vej.contains(g)), "a compound's head");
        assert!(lx.head_groups("vejen").is_empty() && lx.head_groups("xyz").is_empty());
        assert_eq!(lx.municipalities.get(&term_of("københavns")).map(String::as_str), Some("0101"));
        assert_eq!(lx.municipalities.get(&term_of("aalborg")).map(String::as_str), Some("0851"));
    }

    #[test]
    fn the_vocabulary_file_parses_whole() {
        let v = parse(VOCABULARY).unwrap_or_else(|e| panic!("{}", e.join("\n")));
        // What the tables held as constants in the code, before this file ("generic" had "dag"
        // twice, now once).
        assert_eq!(v.synonyms.len(), 63);
        assert_eq!(v.synonyms.iter().map(Vec::len).sum::<usize>(), 572);
        assert_eq!(v.synonyms[0][..3], ["strøm", "el", "elektricitet"]);
        assert_eq!(v.synonyms.last().unwrap()[..], ["igen", "tilbage", "genoprettet", "ophævet", "again", "back"]);
        let lengths =
            [&v.summary_cues, &v.summary_hints, &v.contact_cues, &v.contact_hints, &v.filler, &v.generic, &v.greetings, &v.thanks]
                .map(Vec::len);
        assert_eq!(lengths, [8, 12, 9, 10, 142, 61, 14, 6]);
        assert_eq!((v.filler[0].as_str(), v.filler.last().unwrap().as_str()), ("kan", "any"));
        assert_eq!((v.generic[0].as_str(), v.generic.last().unwrap().as_str()), ("komme", "tomorrow"));
        assert!(v.contact_cues.contains(&"vagttelefon".to_string()) && v.thanks.contains(&"mangetak".to_string()));
        let lx = lexicon();
        assert_eq!((lx.groups, lx.by_word.len(), lx.by_stem.len()), (63, 566, 476));
    }

    #[test]
    fn a_malformed_line_is_an_error() {
        let all =
            |body: &str| SECTIONS.iter().map(|s| format!("[{s}]\n{}\n", if *s == "filler" { body } else { "ord" })).collect::<String>();
        assert!(parse(&all("kan, må")).is_ok());
        for (body, want) in [
            ("kan må", "line 12: 'kan må' is not one lower-case word"),
            ("kan,, må", "line 12: '' is not"),
            ("kan, må,", "line 12: '' is not"),
            ("kan, Må", "'Må' is not"),
            ("kan; må", "'kan; må' is not"),
            ("kan, må\nkan", "line 13: 'kan' is in this section already"),
            ("[fyld]\nkan", "line 12: unknown section [fyld]"),
            ("[filler]", "line 12: [filler] a second time"),
        ] {
            let e = parse(&all(body)).unwrap_err().join("; ");
            assert!(e.contains(want), "{body:?}: {e}");
        }
        assert!(parse("ord\n").unwrap_err()[0].contains("line 1: words before the first [section]"));
        assert!(parse("[synonyms]\nel, strøm, el\n").unwrap_err().iter().any(|e| e.contains("'el' is in this group already")));
        assert!(parse("# only a comment\n").unwrap_err().iter().any(|e| e == "the section [thanks] is missing"));
    }

    #[test]
    fn municipalities_are_named_from_the_reference_data() {
        let lx = lexicon();
        let named = |w: &str| lx.municipalities.get(&term_of(w)).map(String::as_str);
        for (word, code) in [("kbh", "0101"), ("copenhagen", "0101"), ("taastrup", "0169"), ("lyngby", "0173"), ("ikast", "0756")] {
            assert_eq!(named(word), Some(code), "{word}");
        }
        for (word, code) in [("brande", "0756"), ("århus", "0751"), ("mors", "0773"), ("nordfyn", "0480"), ("ærø", "0492")] {
            assert_eq!(named(word), Some(code), "{word}");
        }
        // "vejen" is the road, "høje" high; Lyngby names Lyngby-Taarbæk.
        assert_eq!((named("vejen"), named("høje"), named("taarbæk")), (None, None, None));
        assert_eq!(lx.municipalities.len(), 105, "the old table's words, less Christiansø's (no municipality)");
        let rows = domain::org::reference_rows();
        let codes: std::collections::HashSet<&str> = lx.municipalities.values().map(String::as_str).collect();
        let unnamed: Vec<&str> = rows
            .iter()
            .filter(|r| r.org.kind == OrgKind::Municipality && !codes.contains(r.org.code.as_str()))
            .map(|r| r.org.name.as_str())
            .collect();
        assert_eq!(unnamed, ["Vejen"]);
        // Each word kept out is a word of some name: a misspelt one would keep nothing out.
        let v = parse(VOCABULARY).unwrap();
        let names = municipality_names(&rows, &[]);
        for w in &v.not_municipality_names {
            assert!(names.iter().any(|(n, _)| n == w), "'{w}' is in no municipality's name");
        }
        // No word names two municipalities.
        let mut by_term: HashMap<String, &str> = HashMap::new();
        for (w, code) in &names {
            let before = by_term.insert(term_of(w), code);
            assert!(before.is_none_or(|b| b == code), "'{w}' names {code} and {before:?}");
        }
    }
}
