//! The in-memory guide index: integer term ids, postings per term, field lengths per document,
//! groups swapped in O(size of the group). Removed documents become tombstones that scoring
//! skips; compaction drops them once they are a quarter of the slots.

use crate::analysis::tokenize;
use crate::query::Query;
use crate::rank;
use crate::vocab::Vocab;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Crisis,
    Everyday,
}

#[derive(Debug, Clone)]
pub struct Doc {
    /// Unique, e.g. "crisis:{incident}:situation:3" or "everyday:0250:flytning".
    pub id: String,
    /// What is replaced together, e.g. "crisis:{incident}" or "everyday:0250:flytning".
    pub group: String,
    pub kind: DocKind,
    /// Municipality codes it applies to; empty = everyone.
    pub municipalities: Vec<String>,
    pub title: String,
    /// Plain text.
    pub body: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    pub url: String,
    pub score: f32,
    /// HTML: text escaped, matched words in `<mark>`, "…" where cut. Plain text: the guides'
    /// Markdown is stripped before indexing.
    pub snippet: String,
    /// The municipality codes the document applies to; empty: everyone.
    pub municipalities: Vec<String>,
    /// Whether it applies to the caller's municipality: these hits come first.
    pub for_caller: bool,
}

/// Whether the caller's municipality has an everyday guide among `hits`: when it has none, the
/// agent is told so plainly before the other municipalities' guides.
pub fn caller_has_guide(hits: &[Hit]) -> bool {
    hits.iter().any(|h| h.kind == DocKind::Everyday && h.for_caller)
}

/// One document's occurrences of one term, per field. Compounds are found from the query
/// side (see `Vocab::expand_word`), so postings hold whole words only.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Posting {
    pub doc: u32,
    pub title: u16,
    pub body: u16,
}

/// What scoring reads for every posting, kept apart from the documents' text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub live: bool,
    pub title_len: u32,
    pub body_len: u32,
    /// BM25 length normalisation per field, precomputed (see `Index::renorm`).
    pub norm_title: f32,
    pub norm_body: f32,
}

/// Who a document is for: its municipality codes as interned ids, a range of one flat array
/// (a pointer per document would cost a cache miss per candidate).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope {
    pub crisis: bool,
    pub start: u32,
    pub len: u32,
}

/// Separates title from body in a document's term sequence so phrases never span the two.
pub(crate) const FIELD_BREAK: u32 = u32::MAX;

pub(crate) struct Entry {
    pub doc: Doc,
    /// Whole-word term ids in order (stop words left out), title, FIELD_BREAK, body.
    pub seq: Box<[u32]>,
}

/// Compaction only pays off once this many documents are dead.
const COMPACT_MIN_DEAD: usize = 256;

#[derive(Default)]
pub struct Index {
    pub(crate) vocab: Vocab,
    pub(crate) postings: Vec<Vec<Posting>>,
    pub(crate) slots: Vec<Slot>,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) scope_municipalities: Vec<u32>,
    pub(crate) entries: Vec<Option<Entry>>,
    pub(crate) municipality_ids: HashMap<String, u32>,
    /// The average field lengths the norms were computed with.
    norm_avg: (f32, f32),
    groups: HashMap<String, Vec<u32>>,
    by_id: HashMap<String, u32>,
    pub(crate) live: usize,
    pub(crate) title_words: u64,
    pub(crate) body_words: u64,
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// Live documents.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Replaces every document of `group` with `docs` (their own `group` field is ignored).
    /// A document whose id already exists elsewhere replaces that one: ids stay unique.
    pub fn replace_group(&mut self, group: &str, docs: Vec<Doc>) {
        self.tombstone_group(group);
        let analysed: Vec<(Doc, Vec<String>, Vec<String>)> = docs
            .into_iter()
            .map(|doc| {
                let title = terms_of(&doc.title);
                let body = terms_of(&doc.body);
                (doc, title, body)
            })
            .collect();
        let mut slots = Vec::with_capacity(analysed.len());
        for (mut doc, title, body) in analysed {
            if let Some(old) = self.by_id.get(&doc.id).copied() {
                self.tombstone(old);
            }
            doc.group = group.to_string();
            slots.push(self.add(doc, &title, &body));
        }
        // A batch may repeat an id: the later document won, the earlier is already dead.
        slots.retain(|&s| self.entry(s).is_some());
        self.groups.insert(group.to_string(), slots);
        self.maybe_compact();
    }

    pub fn remove_group(&mut self, group: &str) {
        self.tombstone_group(group);
        self.maybe_compact();
    }

    /// Ranked hits, best first; snippets only for the hits returned.
    pub fn search(&self, q: &Query, municipality: Option<&str>, limit: usize) -> Vec<Hit> {
        rank::search(self, q, municipality, limit)
    }

    fn add(&mut self, doc: Doc, title: &[String], body: &[String]) -> u32 {
        let slot = u32::try_from(self.entries.len()).expect("fewer than 2^32 documents");
        let mut counts: HashMap<u32, (u16, u16)> = HashMap::new();
        let mut seq = Vec::with_capacity(title.len() + body.len() + 1);
        for (field, terms) in [(0, title), (1, body)] {
            if field == 1 {
                seq.push(FIELD_BREAK);
            }
            for term in terms {
                let id = self.vocab.intern(term);
                seq.push(id);
                let c = counts.entry(id).or_default();
                let n = if field == 0 { &mut c.0 } else { &mut c.1 };
                *n = n.saturating_add(1);
            }
        }
        if self.postings.len() < self.vocab.len() {
            self.postings.resize_with(self.vocab.len(), Vec::new);
        }
        for (term, (t, b)) in counts {
            self.postings[term as usize].push(Posting { doc: slot, title: t, body: b });
        }
        self.by_id.insert(doc.id.clone(), slot);
        let (title_len, body_len) = (title.len() as u32, body.len() as u32);
        let (norm_title, norm_body) = rank::norms(title_len, body_len, self.norm_avg);
        self.slots.push(Slot { live: true, title_len, body_len, norm_title, norm_body });
        let scope = self.scope_of(&doc);
        self.scopes.push(scope);
        self.entries.push(Some(Entry { doc, seq: seq.into() }));
        self.live += 1;
        self.title_words += title.len() as u64;
        self.body_words += body.len() as u64;
        slot
    }

    fn scope_of(&mut self, doc: &Doc) -> Scope {
        scope_of(&mut self.municipality_ids, &mut self.scope_municipalities, doc)
    }

    fn tombstone_group(&mut self, group: &str) {
        for slot in self.groups.remove(group).unwrap_or_default() {
            self.tombstone(slot);
        }
    }

    fn tombstone(&mut self, slot: u32) {
        let Some(entry) = self.entries.get_mut(slot as usize).and_then(Option::take) else { return };
        let meta = &mut self.slots[slot as usize];
        meta.live = false;
        self.live -= 1;
        self.title_words -= u64::from(meta.title_len);
        self.body_words -= u64::from(meta.body_len);
        if self.by_id.get(&entry.doc.id) == Some(&slot) {
            self.by_id.remove(&entry.doc.id);
        }
        if let Some(slots) = self.groups.get_mut(&entry.doc.group) {
            slots.retain(|&s| s != slot);
        }
    }

    /// Compacts when a quarter of the slots are dead, and renormalises when the average
    /// lengths drifted: both O(everything), both amortised over many changes.
    fn maybe_compact(&mut self) {
        let dead = self.entries.len() - self.live;
        if dead >= COMPACT_MIN_DEAD && dead * 4 >= self.entries.len() {
            self.compact();
        }
        let live = self.live.max(1) as f32;
        let avg = (self.title_words as f32 / live, self.body_words as f32 / live);
        let drift = |now: f32, then: f32| (now - then).abs() > 0.1 * then.max(1.0);
        if drift(avg.0, self.norm_avg.0) || drift(avg.1, self.norm_avg.1) {
            self.norm_avg = avg;
            for s in &mut self.slots {
                (s.norm_title, s.norm_body) = rank::norms(s.title_len, s.body_len, avg);
            }
        }
    }

    /// Drops tombstones and renumbers the live documents densely: O(all postings), amortised
    /// over at least a quarter of the slots dying.
    pub(crate) fn compact(&mut self) {
        let mut renumber = vec![u32::MAX; self.entries.len()];
        let mut next = 0u32;
        for (old, e) in self.entries.iter().enumerate() {
            if e.is_some() {
                renumber[old] = next;
                next += 1;
            }
        }
        for list in &mut self.postings {
            list.retain_mut(|p| {
                p.doc = renumber[p.doc as usize];
                p.doc != u32::MAX
            });
        }
        self.entries.retain(Option::is_some);
        self.scope_municipalities.clear();
        self.scopes.clear();
        for e in self.entries.iter().flatten() {
            self.scopes.push(scope_of(&mut self.municipality_ids, &mut self.scope_municipalities, &e.doc));
        }
        self.slots.retain(|s| s.live);
        for slots in self.groups.values_mut() {
            slots.retain_mut(|s| {
                *s = renumber[*s as usize];
                *s != u32::MAX
            });
        }
        self.by_id.values_mut().for_each(|s| *s = renumber[*s as usize]);
    }

    pub(crate) fn entry(&self, slot: u32) -> Option<&Entry> {
        self.entries.get(slot as usize).and_then(Option::as_ref)
    }
}

fn scope_of(ids: &mut HashMap<String, u32>, flat: &mut Vec<u32>, doc: &Doc) -> Scope {
    let start = flat.len() as u32;
    for m in &doc.municipalities {
        let next = ids.len() as u32;
        flat.push(*ids.entry(m.clone()).or_insert(next));
    }
    Scope { crisis: doc.kind == DocKind::Crisis, start, len: flat.len() as u32 - start }
}

/// A field's terms in order, stop words left out.
fn terms_of(text: &str) -> Vec<String> {
    tokenize(text).into_iter().filter(|t| !t.stop).map(|t| t.term).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn doc(id: &str, kind: DocKind, munis: &[&str], title: &str, body: &str) -> Doc {
        Doc {
            id: id.into(),
            group: String::new(),
            kind,
            municipalities: munis.iter().map(|m| m.to_string()).collect(),
            title: title.into(),
            body: body.into(),
            url: format!("/{id}"),
        }
    }

    #[test]
    fn replace_and_remove_groups() {
        let mut ix = Index::new();
        ix.replace_group("g1", vec![doc("a", DocKind::Everyday, &[], "Flytning", "Sådan melder du flytning")]);
        ix.replace_group("g2", vec![doc("b", DocKind::Everyday, &[], "Affald", "Storskrald hentes om mandagen")]);
        assert_eq!(ix.len(), 2);
        ix.replace_group("g1", vec![doc("c", DocKind::Everyday, &[], "Pas", "Bestil nyt pas")]);
        assert_eq!(ix.len(), 2);
        assert!(ix.by_id.contains_key("c") && !ix.by_id.contains_key("a"));
        ix.remove_group("g2");
        assert_eq!(ix.len(), 1);
        ix.remove_group("nope");
        assert_eq!(ix.len(), 1);
        // The same id re-published under another group replaces the old document.
        ix.replace_group("g3", vec![doc("c", DocKind::Everyday, &[], "Pas", "Nyt pas")]);
        assert_eq!(ix.len(), 1);
        assert!(ix.groups["g1"].is_empty());
    }

    #[test]
    fn compaction_keeps_live_documents_findable() {
        let mut ix = Index::new();
        for round in 0..3 {
            for g in 0..200 {
                let body = format!("runde {round} vejledning nummer {g} om storskrald");
                ix.replace_group(&format!("g{g}"), vec![doc(&format!("d{g}"), DocKind::Everyday, &[], "Affald", &body)]);
            }
        }
        assert_eq!(ix.len(), 200);
        assert!(ix.entries.len() < 600, "tombstones were compacted: {} slots", ix.entries.len());
        ix.compact();
        assert_eq!(ix.entries.len(), 200);
        assert!(ix.postings.iter().flatten().all(|p| ix.slots[p.doc as usize].live));
        assert_eq!((ix.slots.len(), ix.scopes.len()), (200, 200));
        assert_eq!(ix.by_id.len(), 200);
        assert!(ix.groups.values().flatten().all(|&s| ix.entry(s).is_some()));
    }
}
