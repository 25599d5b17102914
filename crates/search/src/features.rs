//! The answer engine's features: what each candidate is about, as an inverted list from
//! feature to candidates. Features are the candidates' terms, the lexicon's synonym groups,
//! the two section cues and the municipalities a crisis affects.

use crate::analysis::{Token, tokenize, word_spans};
use crate::answer::{Candidate, Section};
use crate::lexicon::lexicon;
use crate::vocab::{Via, Vocab};
use std::collections::{HashMap, HashSet};

/// Words below a situation's first line (the citizen text) count less than the line itself.
pub const BODY: f32 = 0.6;
/// A place name or a title word identifies the crisis more than the row: every row of the
/// crisis gets it, weaker than the rows that say it.
const NAME_SPREAD: f32 = 0.5;

/// Where each kind of feature starts: terms, then synonym groups, then the two section
/// cues, then municipality codes.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub terms: u32,
    pub groups: u32,
}

impl Layout {
    pub fn group(self, g: u16) -> u32 {
        self.terms + u32::from(g)
    }
    pub fn summary(self) -> u32 {
        self.terms + self.groups
    }
    pub fn contacts(self) -> u32 {
        self.summary() + 1
    }
    pub fn municipality(self, k: usize) -> u32 {
        self.contacts() + 1 + k as u32
    }
}

pub struct Features {
    pub vocab: Vocab,
    pub layout: Layout,
    /// Municipality codes named by the candidates, sorted; their index gives the feature.
    pub codes: Vec<String>,
    /// Feature → (candidate, strength in [0, 1]).
    pub postings: Vec<Vec<(u32, f32)>>,
    /// Content words per candidate, for length normalisation.
    pub lengths: Vec<usize>,
}

/// A candidate's first line (for the summary the incident title) and the rest.
pub fn head_and_body(c: &Candidate) -> (&str, &str) {
    match c.section {
        Section::CitizenSummary => (c.incident_title.as_str(), c.match_text.as_str()),
        _ => c.match_text.split_once('\n').unwrap_or((&c.match_text, "")),
    }
}

/// The weighted terms of a candidate: its first line (a situation as agents see it; for the
/// summary the incident title) counts fully, the rest at [`BODY`].
fn candidate_terms(c: &Candidate) -> Vec<(Token, f32)> {
    let (head, body) = head_and_body(c);
    let content = |text: &str| tokenize(text).into_iter().filter(|t| !t.stop);
    content(head).map(|t| (t, 1.0)).chain(content(body).map(|t| (t, BODY))).collect()
}

/// Terms only ever written capitalised inside a sentence: place and organisation names.
fn proper_names(candidates: &[Candidate]) -> HashSet<String> {
    let (mut proper, mut common) = (HashSet::new(), HashSet::new());
    for c in candidates {
        for text in [c.incident_title.as_str(), c.match_text.as_str()] {
            let mut sentence_start = true;
            let mut last = 0;
            for (s, e) in word_spans(text) {
                let gap = &text[last..s];
                sentence_start |= gap.contains(['.', '!', '?', ':', '\n', '–']);
                let word = &text[s..e];
                let term = crate::analysis::term_of(&word.to_lowercase());
                let capital = word.chars().next().is_some_and(char::is_uppercase) && !word.chars().all(|c| c.is_uppercase());
                if capital && !sentence_start {
                    proper.insert(term)
                } else {
                    common.insert(term)
                };
                sentence_start = false;
                last = e;
            }
        }
    }
    let lx = lexicon();
    proper.into_iter().filter(|t| !common.contains(t) && !lx.has_groups(t)).collect()
}

impl Features {
    pub fn new(candidates: &[Candidate]) -> Self {
        let lx = lexicon();
        let mut vocab = Vocab::default();
        let tokens: Vec<Vec<(Token, f32)>> = candidates.iter().map(candidate_terms).collect();
        let terms: Vec<Vec<(u32, f32)>> = tokens.iter().map(|ts| ts.iter().map(|(t, w)| (vocab.intern(&t.term), *w)).collect()).collect();
        let names = proper_names(candidates);
        // Names and the incident title describe the whole crisis: spread to all its rows.
        let mut incident_names: HashMap<&str, HashSet<u32>> = HashMap::new();
        for (c, ts) in candidates.iter().zip(&terms) {
            let set = incident_names.entry(c.incident.as_str()).or_default();
            set.extend(ts.iter().filter(|(t, _)| names.contains(vocab.term(*t))).map(|&(t, _)| t));
            set.extend(tokenize(&c.incident_title).into_iter().filter(|t| !t.stop).map(|t| vocab.intern(&t.term)));
        }
        let mut codes: Vec<String> = candidates.iter().flat_map(|c| c.municipalities.iter().cloned()).collect();
        codes.sort();
        codes.dedup();
        let layout = Layout { terms: vocab.len() as u32, groups: lx.groups as u32 };
        let mut postings = vec![Vec::new(); layout.municipality(codes.len()) as usize];
        for (i, c) in candidates.iter().enumerate() {
            let mut feats: HashMap<u32, f32> = HashMap::new();
            let mut put = |f: u32, w: f32| {
                let e = feats.entry(f).or_insert(0.0);
                *e = e.max(w);
            };
            for &name in &incident_names[c.incident.as_str()] {
                put(name, NAME_SPREAD);
            }
            for (&(t, w), (token, _)) in terms[i].iter().zip(&tokens[i]) {
                put(t, w);
                let term = vocab.term(t);
                for &g in lx.groups(&token.word, term) {
                    put(layout.group(g), w);
                }
                for &g in lx.head_groups(&token.word) {
                    put(layout.group(g), w * Via::Head.weight());
                }
                // A compound is also about its head's synonyms, less strongly.
                if let Some(&head) = vocab.split(term).unwrap_or_default().last() {
                    for &g in lx.groups_of_term(vocab.term(head)) {
                        put(layout.group(g), w * Via::Head.weight());
                    }
                }
            }
            match c.section {
                Section::CitizenSummary => put(layout.summary(), 1.0),
                Section::Contacts => put(layout.contacts(), 1.0),
                Section::Situation | Section::Everyday => {}
            }
            for m in &c.municipalities {
                put(layout.municipality(codes.binary_search(m).unwrap_or_default()), 1.0);
            }
            for (f, w) in feats {
                postings[f as usize].push((i as u32, w));
            }
        }
        let lengths = terms.iter().map(Vec::len).collect();
        Features { vocab, layout, codes, postings, lengths }
    }

    /// A feature's name, for explanations.
    pub fn name(&self, f: u32) -> String {
        let l = self.layout;
        match f {
            f if f < l.terms => self.vocab.term(f).to_string(),
            f if f < l.summary() => format!("#synonym{}", f - l.terms),
            f if f == l.summary() => "#summary".into(),
            f if f == l.contacts() => "#contacts".into(),
            f => format!("#municipality:{}", self.codes.get((f - l.contacts() - 1) as usize).map_or("?", String::as_str)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(section: Section, text: &str) -> Candidate {
        Candidate {
            incident: "i".into(),
            version: 1,
            section,
            situation: None,
            municipalities: vec!["0250".into()],
            incident_title: "Strømafbrydelse i Frederikssund".into(),
            match_text: text.into(),
            answer: String::new(),
            example: false,
        }
    }

    #[test]
    fn names_are_capitalised_mid_sentence_only() {
        let cs = [
            candidate(Section::Situation, "Borgeren vil oplade telefonen\nLad den op i Frederikssund Hallerne. Skoler er lukket."),
            candidate(Section::Situation, "Borgeren har koldt\nVarmestuen i Jægerspris Skole er åben."),
        ];
        let names = proper_names(&cs);
        assert!(names.contains("hal"), "Hallerne: {names:?}");
        assert!(names.contains("jægerspris"), "{names:?}");
        assert!(!names.contains("skol"), "also written lower-case: {names:?}");
        assert!(!names.contains("borger") && !names.contains("lad"), "sentence starts are no names: {names:?}");
    }

    #[test]
    fn title_words_and_names_reach_every_row_of_the_crisis() {
        let cs = [
            candidate(Section::Situation, "Borgeren vil oplade telefonen\nBrug ladestationen i Jægerspris."),
            candidate(Section::Situation, "Borgeren har koldt\nSaml familien i ét rum."),
        ];
        let f = Features::new(&cs);
        for word in ["jægerspris", "strømafbrydelse"] {
            let id = f.vocab.get(&crate::analysis::term_of(word)).expect(word);
            let mut got: Vec<u32> = f.postings[id as usize].iter().map(|&(c, _)| c).collect();
            got.sort();
            assert_eq!(got, [0, 1], "{word}");
        }
        let head = f.vocab.get("opl").or_else(|| f.vocab.get(&crate::analysis::term_of("oplade"))).expect("oplade");
        assert_eq!(f.postings[head as usize], [(0, 1.0)], "the first line counts fully");
    }
}
