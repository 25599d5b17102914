//! The vocabulary of known terms, and what it makes possible: one-edit typo tolerance through a
//! deletion index (SymSpell with distance 1), splitting Danish compounds into known parts, and
//! joining words a citizen wrote apart ("drikke vand") into a known compound.

use crate::analysis::{MAX_WORD_CHARS, is_stop_word, stem, term_of};
use crate::fasthash::{FastMap, key_of};

/// A compound part is at least this many letters; shorter pieces are mostly noise.
const MIN_PART: usize = 3;
/// Finding compounds from a part needs longer pieces: "ring" is not the head of
/// "evakuering".
const MIN_AFFIX: usize = 4;
/// Terms (stems) shorter than this get no typo tolerance: one edit to "vand" is "hand",
/// "land", "vind"; to "brus" "brug", "bus", "brud".
pub const MIN_FUZZY: usize = 5;
/// Enough alternatives for one typo; more would only add noise.
const MAX_FUZZY: usize = 6;
/// A common word is part of many compounds; the first ones found are plenty, and looking at
/// more candidates per piece only costs time.
const MAX_COMPOUNDS: usize = 48;
const MAX_AFFIX_SCAN: usize = 256;

/// How a query word reached a term, from strongest to weakest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Exact,
    Joined,
    /// The compound's last part, which says what it is: a "drikkevand" is water.
    Head,
    /// An earlier part, which only qualifies it: "vandskade" is no water.
    Modifier,
    Fuzzy,
}

impl Via {
    /// Exact matches score higher than compound parts and typos.
    pub fn weight(self) -> f32 {
        match self {
            Via::Exact | Via::Joined => 1.0,
            Via::Head => 0.7,
            Via::Fuzzy => 0.6,
            Via::Modifier => 0.4,
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Vocab {
    ids: FastMap<Box<str>, u32>,
    terms: Vec<Box<str>>,
    /// Hash of a term or of the term with one character deleted → terms.
    deletions: FastMap<u64, Vec<u32>>,
    /// Hash of a leading / trailing piece (≥ 3 letters, ≥ 3 left over) → terms: finds the
    /// compounds a word is part of, at query time, so the order of indexing does not matter.
    prefixes: FastMap<u64, Vec<u32>>,
    suffixes: FastMap<u64, Vec<u32>>,
}

impl Vocab {
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn get(&self, term: &str) -> Option<u32> {
        self.ids.get(term).copied()
    }

    pub fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }

    /// The id of `term`, adding it if new.
    pub fn intern(&mut self, term: &str) -> u32 {
        if let Some(id) = self.get(term) {
            return id;
        }
        let id = u32::try_from(self.terms.len()).expect("fewer than 2^32 terms");
        self.ids.insert(term.into(), id);
        self.terms.push(term.into());
        let chars: Vec<char> = term.chars().collect();
        if !(MIN_FUZZY - 1..=MAX_WORD_CHARS).contains(&chars.len()) {
            return id;
        }
        for key in deletion_keys(&chars) {
            push_unique(self.deletions.entry(key).or_default(), id);
        }
        for cut in MIN_PART..=chars.len().saturating_sub(MIN_PART) {
            push_unique(self.prefixes.entry(key_of(chars[..cut].iter().copied())).or_default(), id);
            push_unique(self.suffixes.entry(key_of(chars[cut..].iter().copied())).or_default(), id);
        }
        id
    }

    /// Known compounds with `word` (lower-cased) as their first or last part, the rest of
    /// the compound being known too: "strøm" → "strømafbrydelse", "vand" → "drikkevand".
    pub fn compounds_with(&self, word: &str) -> Vec<(u32, Via)> {
        let term = term_of(word);
        let n = term.chars().count();
        if !(MIN_PART..=MAX_WORD_CHARS).contains(&n) {
            return Vec::new();
        }
        let mut found: Vec<(u32, Via)> = Vec::new();
        // Heads first: "drikkevand" is a kind of "vand"; "vandskade" only involves water.
        if n >= MIN_AFFIX {
            for &id in self.suffixes.get(&key_of(term.chars())).into_iter().flatten().take(MAX_AFFIX_SCAN) {
                let t = &self.terms[id as usize];
                let rest: String = t.chars().take(t.chars().count() - n).collect();
                if t.ends_with(term.as_str()) && self.known_left(&rest).is_some() {
                    found.push((id, Via::Head));
                }
            }
        }
        let mut modifiers: Vec<String> = Vec::new();
        for w in [term.as_str(), word] {
            for link in ["", "s", "e"] {
                let m = format!("{w}{link}");
                if !modifiers.contains(&m) {
                    modifiers.push(m);
                }
            }
        }
        for m in &modifiers {
            let len = m.chars().count();
            for &id in self.prefixes.get(&key_of(m.chars())).into_iter().flatten().take(MAX_AFFIX_SCAN) {
                if found.len() >= MAX_COMPOUNDS {
                    break;
                }
                let t = &self.terms[id as usize];
                let rest: String = t.chars().skip(len).collect();
                let new = !found.iter().any(|&(f, _)| f == id);
                if new && t.starts_with(m.as_str()) && rest.chars().count() >= MIN_AFFIX && self.known(&rest).is_some() {
                    found.push((id, Via::Modifier));
                }
            }
        }
        found.truncate(MAX_COMPOUNDS);
        found
    }

    /// Known terms one edit (insert, delete, substitute, transpose) away from `term`.
    pub fn fuzzy(&self, term: &str) -> Vec<u32> {
        let chars: Vec<char> = term.chars().collect();
        if !(MIN_FUZZY..=MAX_WORD_CHARS).contains(&chars.len()) {
            return Vec::new();
        }
        let mut found: Vec<u32> = Vec::new();
        for key in deletion_keys(&chars) {
            for &id in self.deletions.get(&key).into_iter().flatten() {
                if !found.contains(&id) && one_edit(&chars, &self.terms[id as usize].chars().collect::<Vec<_>>()) {
                    found.push(id);
                }
            }
        }
        found.truncate(MAX_FUZZY);
        found
    }

    /// Splits a compound term into 2 (or 3) known parts of at least three letters, allowing a
    /// linking `s` or `e` after a part ("affald-s-indsamling", "drikke-vand").
    pub fn split(&self, term: &str) -> Option<Vec<u32>> {
        self.split_depth(term, 1)
    }

    fn split_depth(&self, term: &str, depth: u8) -> Option<Vec<u32>> {
        let n = term.chars().count();
        if !(2 * MIN_PART..=MAX_WORD_CHARS).contains(&n) {
            return None;
        }
        let mut best: Option<(usize, Vec<u32>)> = None;
        for (ci, (bi, _)) in term.char_indices().enumerate().skip(MIN_PART) {
            if n - ci < MIN_PART {
                break;
            }
            let (left, right) = term.split_at(bi);
            let Some(l) = self.known_left(left) else { continue };
            let mut parts = vec![l];
            match self.known(right) {
                Some(r) => parts.push(r),
                None if depth > 0 => match self.split_depth(right, depth - 1) {
                    Some(more) => parts.extend(more),
                    None => continue,
                },
                None => continue,
            }
            // Two parts beat three; among equals the most balanced split wins.
            let rank = (4 - parts.len()) * 100 + ci.min(n - ci);
            if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                best = Some((rank, parts));
            }
        }
        best.map(|(_, parts)| parts)
    }

    fn known(&self, piece: &str) -> Option<u32> {
        self.get(piece).or_else(|| self.get(&stem(piece)))
    }

    fn known_left(&self, piece: &str) -> Option<u32> {
        self.known(piece).or_else(|| {
            let linked = piece.strip_suffix('s').or_else(|| piece.strip_suffix('e'))?;
            (linked.chars().count() >= MIN_PART).then(|| self.known(linked)).flatten()
        })
    }

    /// The known compound two adjacent lower-cased words make when written together, with or
    /// without a linking letter ("drikke vand" → "drikkevand").
    pub fn join(&self, left: &str, right: &str) -> Option<u32> {
        // "el radiator" → "elradiator": a two-letter left part is fine when the whole is known.
        if left.chars().count() < 2 || right.chars().count() < MIN_PART {
            return None;
        }
        ["", "s", "e"].iter().find_map(|link| self.get(&stem(&format!("{left}{link}{right}"))))
    }
}

/// What one query word may match, each term with how it was reached.
pub type Alts = Vec<(u32, Via)>;

impl Vocab {
    /// The alternatives of every content word of `words` (lower-cased, in order, stop words
    /// included so only truly adjacent words are joined), with the word's position.
    pub fn expand(&self, words: &[String]) -> Vec<(usize, Alts)> {
        let content = |i: usize| words.get(i).filter(|w| !is_stop_word(w));
        let mut out = Vec::new();
        for (i, word) in words.iter().enumerate().filter(|(_, w)| !is_stop_word(w)) {
            let mut alts = self.expand_word(word);
            let joined = [i.checked_sub(1).and_then(content).map(|prev| (prev, word)), content(i + 1).map(|next| (word, next))];
            for (l, r) in joined.into_iter().flatten() {
                if let Some(id) = self.join(l, r) {
                    alts.push((id, Via::Joined));
                }
            }
            out.push((i, dedupe(alts)));
        }
        out
    }

    /// One word's own alternatives: the exact term, its compound parts, and (only when the
    /// word is unknown) the known terms one typo away.
    pub fn expand_word(&self, word: &str) -> Alts {
        let term = term_of(word);
        let mut alts = Vec::new();
        // Snowball is not idempotent ("toilettet" → "toilet" → "toil"): a second pass finds
        // the term the bare word got.
        let exact = self.get(&term).or_else(|| self.get(&stem(&term)));
        alts.extend(exact.map(|id| (id, Via::Exact)));
        if let Some(parts) = self.split(&term) {
            let last = parts.len() - 1;
            alts.extend(parts.into_iter().enumerate().map(|(i, p)| (p, if i == last { Via::Head } else { Via::Modifier })));
        }
        alts.extend(self.compounds_with(word));
        if exact.is_none() {
            alts.extend(self.fuzzy(&term).into_iter().map(|p| (p, Via::Fuzzy)));
        }
        alts
    }
}

/// Keeps each term once, reached the strongest way.
fn dedupe(mut alts: Alts) -> Alts {
    alts.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.weight().total_cmp(&a.1.weight())));
    alts.dedup_by_key(|a| a.0);
    alts
}

fn push_unique(ids: &mut Vec<u32>, id: u32) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

/// The term itself and every one-deletion variant: two strings within one edit share a key.
fn deletion_keys(chars: &[char]) -> Vec<u64> {
    let mut keys = vec![key_of(chars.iter().copied())];
    for skip in 0..chars.len() {
        let key = key_of(chars.iter().enumerate().filter(|&(i, _)| i != skip).map(|(_, &c)| c));
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// True when `a` and `b` differ by exactly one insertion, deletion, substitution or
/// transposition of neighbours (restricted Damerau–Levenshtein distance 1).
pub fn one_edit(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) else { return false };
            a[i + 1..] == b[i + 1..] || (i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..])
        }
        1 => {
            let i = (0..short.len()).find(|&i| short[i] != long[i]).unwrap_or(short.len());
            short[i..] == long[i + 1..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[&str]) -> Vocab {
        let mut v = Vocab::default();
        for w in words {
            v.intern(&stem(w));
        }
        v
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn one_edit_covers_damerau_operations() {
        for (a, b) in [("vand", "vnad"), ("vand", "vands"), ("vand", "van"), ("vand", "vind"), ("strøm", "strøn"), ("ab", "ba")] {
            assert!(one_edit(&chars(a), &chars(b)), "{a} / {b}");
            assert!(one_edit(&chars(b), &chars(a)), "{b} / {a}");
        }
        for (a, b) in [("vand", "vand"), ("vand", "avnd2"), ("vand", "dnav"), ("strøm", "strandet"), ("", "")] {
            assert!(!one_edit(&chars(a), &chars(b)), "{a} / {b}");
        }
    }

    #[test]
    fn typos_find_the_known_term() {
        let v = vocab(&["elektricitet", "oversvømmelse", "strømmen", "fjernvarme", "vandet"]);
        let hit = |typo: &str| v.fuzzy(&stem(typo)).iter().map(|&id| v.term(id).to_string()).collect::<Vec<_>>();
        assert_eq!(hit("elektriciet"), [stem("elektricitet")]);
        assert_eq!(hit("oversvømmlese"), Vec::<String>::new(), "two edits are too many");
        assert_eq!(hit("fjernvrame"), [stem("fjernvarme")]);
        assert_eq!(hit("strrøm"), [stem("strøm")]);
        assert!(hit("var").is_empty(), "short words get no typo tolerance");
    }

    #[test]
    fn compounds_split_into_known_parts() {
        let v = vocab(&["drikke", "vand", "strøm", "afbrydelse", "affald", "indsamling", "kælder", "oversvømmelse", "ring"]);
        let split = |w: &str| v.split(&stem(w)).map(|p| p.iter().map(|&id| v.term(id).to_string()).collect::<Vec<_>>());
        assert_eq!(split("drikkevandet"), Some(vec![stem("drikke"), stem("vand")]));
        assert_eq!(split("strømafbrydelsen"), Some(vec![stem("strøm"), stem("afbrydelse")]));
        assert_eq!(split("affaldsindsamlingen"), Some(vec![stem("affald"), stem("indsamling")]));
        assert_eq!(split("kælderoversvømmelse"), Some(vec![stem("kælder"), stem("oversvømmelse")]));
        assert_eq!(split("drikkevandsafbrydelse"), Some(vec![stem("drikke"), stem("vand"), stem("afbrydelse")]));
        assert_eq!(split("isvand"), None, "parts must be at least three letters");
        assert_eq!(split("fjernvarme"), None);
    }

    #[test]
    fn words_written_apart_join_into_a_known_compound() {
        let v = vocab(&["drikkevand", "affaldsindsamling"]);
        assert_eq!(v.join("drikke", "vand"), v.get("drikkevand"));
        assert_eq!(v.join("affald", "indsamling"), v.get(&stem("affaldsindsamling")));
        assert_eq!(v.join("vand", "drikke"), None);
    }

    #[test]
    fn a_word_finds_the_compounds_it_heads_or_modifies() {
        let v = vocab(&["drikke", "drikkevand", "vand", "vandskade", "skade", "evakuering", "ring"]);
        let found = |w: &str| {
            let mut f: Vec<(String, Via)> = v.compounds_with(w).into_iter().map(|(id, via)| (v.term(id).to_string(), via)).collect();
            f.sort_by(|a, b| a.0.cmp(&b.0));
            f
        };
        assert_eq!(found("vand"), [("drikkevand".to_string(), Via::Head), (stem("vandskade"), Via::Modifier)]);
        assert!(found("ring").is_empty(), "\"evakue-ring\" is no compound of ring: {:?}", found("ring"));
        assert!(Via::Exact.weight() > Via::Head.weight() && Via::Head.weight() > Via::Modifier.weight());
    }

    #[test]
    fn expansion_prefers_the_exact_term_and_fuzzes_only_unknown_words() {
        let v = vocab(&["strømmen", "strømafbrydelse", "afbrydelse", "elektricitet"]);
        let alts = v.expand_word("strømmen");
        assert_eq!(alts.first().map(|&(id, via)| (v.term(id), via)), Some(("strøm", Via::Exact)));
        assert!(alts.iter().any(|&(id, via)| v.term(id) == stem("strømafbrydelse") && via == Via::Modifier));
        assert!(alts.iter().all(|&(_, via)| via != Via::Fuzzy), "a known word is no typo");
        let typo = v.expand_word("elektrcitet");
        assert_eq!(typo.iter().map(|&(id, via)| (v.term(id), via)).collect::<Vec<_>>(), [(stem("elektricitet").as_str(), Via::Fuzzy)]);
    }
}
