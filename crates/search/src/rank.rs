//! Query evaluation: BM25F over title and body, one score per query word (the best of its
//! alternatives), a coverage factor so documents matching more words rank higher, then
//! phrases, exclusions, the crisis boost, and a top-k heap in which the caller's municipality
//! comes first.

use crate::analysis::{is_stop_word, term_of, word_spans};
use crate::index::{FIELD_BREAK, Hit, Index, Scope};
use crate::query::Query;
use crate::snippet::{Word, snippet};
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// A word in the title says more about the guide than the same word in the body.
const TITLE_WEIGHT: f32 = 3.0;
/// A crisis guide for the caller's municipality must beat everyday guides on the same topic.
const CRISIS_BOOST: f32 = 4.0;
/// A document that has only some of the query's words, and none in its title, merely mentions
/// them ("Sig, hvornår der kommer nyt" for "nyt pas"): it ranks below one that is about the
/// query, and gets no crisis boost, which is for crisis guides on the topic.
const MENTION: f32 = 0.5;

/// A group's bit lives in a u32 mask; the parser keeps at most 32 words anyway.
const MAX_GROUPS: usize = 32;

/// One query word: the terms it may match, each with its weight.
struct Group {
    alts: Vec<(u32, f32)>,
}

/// What the query asks of the index, in term ids.
#[derive(Default)]
struct Plan {
    groups: Vec<Group>,
    /// Bit per group that must match (phrase words).
    required: u32,
    phrases: Vec<Vec<u32>>,
    excluded_terms: Vec<u32>,
    excluded_seqs: Vec<Vec<u32>>,
    /// Term → the group it answers, for highlighting.
    highlight: HashMap<u32, u32>,
}

pub(crate) fn search(ix: &Index, q: &Query, municipality: Option<&str>, limit: usize) -> Vec<Hit> {
    if limit == 0 || ix.live == 0 {
        return Vec::new();
    }
    let Some(plan) = plan(ix, q) else { return Vec::new() };
    if plan.groups.is_empty() {
        return Vec::new();
    }
    let (scores, masks, titled) = accumulate(ix, &plan);
    let excluded = excluded(ix, &plan);
    let full = plan.groups.len() as f32;
    // The caller's municipality as an interned id; Some(None) = a code no guide names.
    let muni = municipality.map(|m| ix.municipality_ids.get(m).copied());
    let mut top: BinaryHeap<Reverse<Scored>> = BinaryHeap::with_capacity(limit + 1);
    for (slot, (&score, &mask)) in scores.iter().zip(&masks).enumerate() {
        if mask == 0 || mask & plan.required != plan.required || excluded.as_ref().is_some_and(|e| e[slot]) {
            continue;
        }
        let score = score * mask.count_ones() as f32 / full;
        let own = applies(ix, ix.scopes[slot], muni);
        // Most documents cannot reach the heap even with the biggest boost: skip them early.
        if top.len() == limit && top.peek().is_some_and(|Reverse(min)| (own, score * CRISIS_BOOST) <= (min.own, min.score)) {
            continue;
        }
        let Some(entry) = ix.entry(slot as u32) else { continue };
        if !plan.phrases.iter().all(|p| contains_seq(&entry.seq, p)) || plan.excluded_seqs.iter().any(|p| contains_seq(&entry.seq, p)) {
            continue;
        }
        let about = mask.count_ones() as f32 == full || titled[slot] != 0;
        let factor = match (about, ix.scopes[slot].crisis && own) {
            (false, _) => MENTION,
            (true, true) => CRISIS_BOOST,
            (true, false) => 1.0,
        };
        top.push(Reverse(Scored { own, score: score * factor, slot: slot as u32 }));
        if top.len() > limit {
            top.pop();
        }
    }
    let mut best: Vec<Scored> = top.into_iter().map(|Reverse(s)| s).collect();
    best.sort_by(|a, b| b.cmp(a));
    best.into_iter().filter_map(|s| hit(ix, &plan, s)).collect()
}

/// Turns the parsed words into term ids; `None` when a phrase holds a word no document has.
fn plan(ix: &Index, q: &Query) -> Option<Plan> {
    let mut plan = Plan::default();
    let mut keys: Vec<String> = Vec::new();
    for (i, alts) in ix.vocab.expand(&q.terms) {
        let key = term_of(&q.terms[i]);
        if !keys.contains(&key) && keys.len() < MAX_GROUPS {
            keys.push(key);
            plan.groups.push(Group { alts: alts.into_iter().map(|(t, via)| (t, via.weight())).collect() });
        }
    }
    for phrase in &q.phrases {
        let ids = exact_ids(ix, phrase)?;
        for (&id, word) in ids.iter().zip(phrase.iter().filter(|w| !is_stop_word(w))) {
            let key = term_of(word);
            let g = match keys.iter().position(|k| *k == key) {
                Some(g) => g,
                // Beyond the mask's width the phrase check alone must do.
                None if keys.len() == MAX_GROUPS => continue,
                None => {
                    keys.push(key);
                    plan.groups.push(Group { alts: vec![(id, 1.0)] });
                    plan.groups.len() - 1
                }
            };
            plan.required |= 1 << g;
        }
        plan.phrases.push(ids);
    }
    for words in &q.excluded {
        match exact_ids(ix, words).as_deref() {
            Some([one]) => plan.excluded_terms.push(*one),
            Some([]) | None => {}
            Some(seq) => plan.excluded_seqs.push(seq.to_vec()),
        }
    }
    for (g, group) in plan.groups.iter().enumerate() {
        for &(t, _) in &group.alts {
            plan.highlight.entry(t).or_insert(g as u32);
        }
    }
    Some(plan)
}

/// The exact term ids of the content words, or `None` if one is unknown.
fn exact_ids(ix: &Index, words: &[String]) -> Option<Vec<u32>> {
    words.iter().filter(|w| !is_stop_word(w)).map(|w| ix.vocab.get(&term_of(w))).collect()
}

/// Per document: the summed BM25F score of its best alternative per group, which groups it
/// matched, and which of them in its title.
fn accumulate(ix: &Index, plan: &Plan) -> (Vec<f32>, Vec<u32>, Vec<u32>) {
    let n = ix.slots.len();
    let (mut scores, mut masks, mut best) = (vec![0f32; n], vec![0u32; n], vec![0f32; n]);
    let mut titled = vec![0u32; n];
    let mut touched: Vec<u32> = Vec::new();
    let live = ix.live.max(1) as f32;
    for (g, group) in plan.groups.iter().enumerate() {
        for &(term, weight) in &group.alts {
            let list = &ix.postings[term as usize];
            let df = (list.len() as f32).min(live);
            let idf = (1.0 + (live - df + 0.5) / (df + 0.5)).ln() * weight;
            for p in list {
                let slot = ix.slots[p.doc as usize];
                if !slot.live {
                    continue;
                }
                let tf = f32::from(p.title) * slot.norm_title + f32::from(p.body) * slot.norm_body;
                // Strictly positive, so a zero in `best` always means "not touched yet".
                let s = (idf * tf * (K1 + 1.0) / (K1 + tf)).max(f32::MIN_POSITIVE);
                let b = &mut best[p.doc as usize];
                if *b == 0.0 {
                    touched.push(p.doc);
                }
                *b = b.max(s);
                if p.title > 0 {
                    titled[p.doc as usize] |= 1 << g;
                }
            }
        }
        for d in touched.drain(..) {
            let d = d as usize;
            scores[d] += best[d];
            masks[d] |= 1 << g;
            best[d] = 0.0;
        }
    }
    (scores, masks, titled)
}

/// BM25F length normalisation of a document's fields, title weight included.
pub(crate) fn norms(title_len: u32, body_len: u32, avg: (f32, f32)) -> (f32, f32) {
    let norm = |len: u32, avg: f32| 1.0 / (1.0 - B + B * len as f32 / avg.max(1.0));
    (TITLE_WEIGHT * norm(title_len, avg.0), norm(body_len, avg.1))
}

fn excluded(ix: &Index, plan: &Plan) -> Option<Vec<bool>> {
    if plan.excluded_terms.is_empty() {
        return None;
    }
    let mut out = vec![false; ix.slots.len()];
    for &t in &plan.excluded_terms {
        for p in &ix.postings[t as usize] {
            out[p.doc as usize] = true;
        }
    }
    Some(out)
}

fn contains_seq(seq: &[u32], phrase: &[u32]) -> bool {
    phrase.is_empty() || seq.windows(phrase.len()).any(|w| w == phrase && !w.contains(&FIELD_BREAK))
}

/// Whether a document is for the caller: it names the caller's municipality, or none (it is
/// for everyone), or the caller named no municipality.
fn applies(ix: &Index, scope: Scope, municipality: Option<Option<u32>>) -> bool {
    let munis = &ix.scope_municipalities[scope.start as usize..(scope.start + scope.len) as usize];
    munis.is_empty()
        || match municipality {
            None => true,
            Some(m) => m.is_some_and(|m| munis.contains(&m)),
        }
}

fn hit(ix: &Index, plan: &Plan, s: Scored) -> Option<Hit> {
    let entry = ix.entry(s.slot)?;
    let doc = &entry.doc;
    // The body's content words line up with its term ids after the field break: no need
    // to stem the text again.
    let body_ids = entry.seq.iter().skip_while(|&&t| t != FIELD_BREAK).skip(1);
    let mut ids = body_ids.copied();
    let words: Vec<Word> = word_spans(&doc.body)
        .map(|(start, end)| {
            let stop = is_stop_word(&doc.body[start..end].to_lowercase());
            let hit = if stop { None } else { ids.next().and_then(|id| plan.highlight.get(&id).copied()) };
            Word { start, end, hit }
        })
        .collect();
    Some(Hit {
        id: doc.id.clone(),
        kind: doc.kind,
        title: doc.title.clone(),
        url: doc.url.clone(),
        score: s.score,
        snippet: snippet(&doc.body, &words),
        municipalities: doc.municipalities.clone(),
        for_caller: s.own,
    })
}

/// A candidate in the top-k heap: the caller's municipality first, then the higher score,
/// then the earlier document.
#[derive(Clone, Copy, PartialEq)]
struct Scored {
    own: bool,
    score: f32,
    slot: u32,
}

impl Eq for Scored {}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.own.cmp(&other.own).then(self.score.total_cmp(&other.score)).then(other.slot.cmp(&self.slot))
    }
}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use crate::index::{Doc, DocKind, Index};
    use crate::query::parse;

    use crate::index::tests::doc;

    fn everyday(id: &str, title: &str, body: &str) -> Doc {
        doc(id, DocKind::Everyday, &[], title, body)
    }

    fn index(docs: Vec<Doc>) -> Index {
        let mut ix = Index::new();
        for d in docs {
            ix.replace_group(&d.id.clone(), vec![d]);
        }
        ix
    }

    fn ids(ix: &Index, q: &str, muni: Option<&str>) -> Vec<String> {
        ix.search(&parse(q).unwrap(), muni, 10).into_iter().map(|h| h.id).collect()
    }

    fn sample() -> Index {
        index(vec![
            everyday("strøm", "Strømafbrydelse", "Ved en strømafbrydelse kan du følge netselskabets driftsinformation."),
            everyday("vand", "Drikkevand", "Drikkevandet fra hanen er sikkert at drikke."),
            everyday("kælder", "Vand i kælderen", "Kontakt dit forsikringsselskab, hvis kælderen er oversvømmet."),
            everyday("varme", "Fjernvarme", "Tjek dine radiatorer og termostater, hvis huset er koldt."),
            everyday("lys", "Elektricitet i hjemmet", "Elektricitet og afbrydelse: sådan nulstiller du HFI-relæet."),
        ])
    }

    #[test]
    fn stems_compounds_and_typos_find_guides() {
        let ix = sample();
        assert_eq!(ids(&ix, "strømmen", None), ["strøm"], "stem, and the compound's part");
        assert_eq!(ids(&ix, "drikke vand", None).first().map(String::as_str), Some("vand"), "joined into drikkevand");
        assert_eq!(ids(&ix, "elektricitten", None), ["lys"], "one typo");
        assert_eq!(ids(&ix, "fjernvrame", None), ["varme"], "a transposition");
        assert!(ids(&ix, "kælderoversvømmelse", None).contains(&"kælder".to_string()), "split into kælder + oversvømmelse");
        assert!(ids(&ix, "xyzzy", None).is_empty());
    }

    #[test]
    fn the_whole_word_beats_a_compound_part() {
        let ix = index(vec![everyday("part", "Info", "Drikkevand og andet."), everyday("whole", "Info", "Vand og andet at drikke.")]);
        assert_eq!(ids(&ix, "vand", None), ["whole", "part"]);
    }

    #[test]
    fn municipality_and_crisis_boosts() {
        let ix = index(vec![
            doc("e0101", DocKind::Everyday, &["0101"], "Strøm og el", "Strøm: sådan gør du ved strømsvigt."),
            doc("e0250", DocKind::Everyday, &["0250"], "Strøm og el", "Strøm: sådan gør du ved strømsvigt."),
            doc("crisis", DocKind::Crisis, &["0250"], "Storm over Nordsjælland", "Mange husstande er uden strøm."),
        ]);
        assert_eq!(ids(&ix, "strøm", Some("0250")), ["crisis", "e0250", "e0101"]);
        assert_eq!(ids(&ix, "strøm", Some("0101")), ["e0101", "e0250", "crisis"], "other municipalities rank lower, still shown");
    }

    #[test]
    fn the_callers_municipality_comes_first_however_weak_its_match() {
        let ix = index(vec![
            doc("strong", DocKind::Everyday, &["0250"], "Pas", "Pas: bestil pas i Borgerservice. Pas koster det samme overalt."),
            doc("weak", DocKind::Everyday, &["0253"], "MitID", "Opret MitID med et pas eller et kørekort, og vælg en kode."),
        ]);
        assert_eq!(ids(&ix, "pas", Some("0253")), ["weak", "strong"]);
        let hits = ix.search(&parse("pas").unwrap(), Some("0253"), 5);
        assert_eq!(
            hits.iter().map(|h| (h.for_caller, h.municipalities.clone())).collect::<Vec<_>>(),
            [(true, vec!["0253".to_string()]), (false, vec!["0250".to_string()])]
        );
        assert!(ix.search(&parse("pas").unwrap(), None, 5).iter().all(|h| h.for_caller), "no municipality: everything is for the caller");
    }

    #[test]
    fn a_guide_about_the_query_beats_crisis_rows_that_merely_mention_one_of_its_words() {
        let ix = index(vec![
            doc(
                "nyt",
                DocKind::Crisis,
                &["0250"],
                "IT-nedbrud – Borgeren spørger, hvad der sker",
                "Giv den korte status. Sig, hvornår der kommer nyt.",
            ),
            doc("på", DocKind::Crisis, &["0250"], "IT-nedbrud – Borgeren er bekymret", "Lyt og anerkend. Pas på dig selv i pauserne."),
            everyday(
                "pas",
                "Pas – bestil tid og søg om pas",
                "Pas bestilles i Borgerservice efter tidsbestilling. Borgeren medbringer det gamle pas.",
            ),
            everyday("kort", "Sundhedskort", "Borgeren bestiller nyt sundhedskort på borger.dk."),
        ]);
        assert_eq!(ids(&ix, "nyt pas", Some("0250"))[0], "pas");
        // On the topic itself, the caller's crisis guide still comes first.
        assert_eq!(ids(&ix, "bekymret", Some("0250"))[0], "på");
        assert_eq!(ids(&ix, "kommer der nyt", Some("0250"))[0], "nyt");
    }

    #[test]
    fn negations_matter() {
        let ix = index(vec![
            everyday("back", "Strøm", "Strømmen er tilbage i hele kommunen efter reparationen."),
            everyday("none", "Strøm", "Der er ikke strøm i området."),
        ]);
        assert_eq!(ids(&ix, "ingen strøm", None)[0], "none");
        assert_eq!(ids(&ix, "strøm tilbage", None)[0], "back");
    }

    #[test]
    fn phrases_and_exclusions() {
        let ix = index(vec![
            everyday("a", "Vand", "Drik ikke vandet fra hanen."),
            everyday("b", "Vand", "Vandet er rent; du kan drikke det, men kog ikke mælken."),
            everyday("c", "Kælder", "Vand i kælderen efter skybrud."),
        ]);
        assert_eq!(ids(&ix, "\"drik ikke vandet\"", None), ["a"]);
        assert_eq!(ids(&ix, "\"vandet drik\"", None), Vec::<String>::new());
        assert_eq!(ids(&ix, "\"ukendtord vand\"", None), Vec::<String>::new());
        let mut got = ids(&ix, "vand -kælder", None);
        got.sort();
        assert_eq!(got, ["a", "b"]);
        assert_eq!(ids(&ix, "vand -\"drik ikke\"", None).len(), 2);
        assert_eq!(ids(&ix, "\"vand\" skybrud", None)[0], "c");
    }

    #[test]
    fn removed_documents_never_show() {
        let mut ix = sample();
        assert_eq!(ids(&ix, "radiatorer", None), ["varme"]);
        ix.remove_group("varme");
        assert!(ids(&ix, "radiatorer", None).is_empty());
        ix.replace_group("varme", vec![everyday("varme2", "Varme", "Radiatorerne er kolde.")]);
        assert_eq!(ids(&ix, "radiatorer", None), ["varme2"]);
    }

    #[test]
    fn snippets_escape_and_mark() {
        let ix = index(vec![everyday("x", "Script", "Skriv aldrig <script>alert(1)</script> i vandfeltet. Vand er godt i feltet.")]);
        let hits = ix.search(&parse("vand").unwrap(), None, 5);
        assert_eq!(hits.len(), 1);
        let s = &hits[0].snippet;
        assert!(s.contains("&lt;script&gt;") && !s.contains("<script>"), "{s}");
        assert!(s.contains("<mark>Vand</mark> er godt"), "{s}");
        assert!(s.contains("<mark>vandfeltet</mark>"), "a compound containing the word is marked too: {s}");
        assert!(ix.search(&parse("vand").unwrap(), None, 0).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn search_never_panics(q in "(\\PC|[\"\\- ])*", muni in proptest::option::of("[0-9]{4}")) {
            let ix = sample();
            if let Ok(q) = parse(&q) {
                let hits = ix.search(&q, muni.as_deref(), 5);
                proptest::prop_assert!(hits.len() <= 5);
            }
        }

        #[test]
        fn search_never_panics_on_built_queries(terms in proptest::collection::vec("[a-zæøå]{0,12}", 0..50)) {
            let ix = sample();
            let q = crate::Query { phrases: vec![terms.clone()], excluded: vec![terms.clone()], terms };
            let _ = ix.search(&q, Some("0250"), 3);
        }
    }
}
