//! The extractive chatbot engine. It never writes text: it picks one approved piece of a
//! published crisis guide (a situation's citizen text, the citizen summary, the contacts) and
//! says how sure it is, or hands the citizen over to a person.
//!
//! Matching works on features (see `features.rs`): the candidates' terms, the synonym groups
//! of the lexicon, two section cues ("what is going on", "whom do I call") and the
//! municipalities a crisis affects. A question word scores against a candidate with the best
//! of its alternatives (exact, joined, compound head or modifier, synonym, typo); candidates
//! rank by the idf-weighted, length-saturated sum (BM25-like) plus a small character trigram
//! similarity (see `ngram.rs`: typos and inflections words miss), with the caller's crises first.
//! The confidence combines how much of the question the best candidate covers, the margin over
//! the runner-up, whether the candidate's own first line matched, and whether the crisis
//! affects the caller. Social intents (greeting, thanks, robot, person) are patterns.

use crate::analysis::{NEGATION, content_words, term_of, tokenize};
use crate::fasthash::FastMap;
use crate::features::{Features, head_and_body};
use crate::intents::{self, Social};
use crate::lexicon::lexicon;
use crate::ngram::Grams;
use crate::resources::Resources;
use crate::vocab::Via;
use serde::Serialize;
use std::sync::Arc;

/// Below this confidence the citizen is handed over and the question recorded as not covered.
/// Tuned on bench/chat-eval.
pub const THRESHOLD: f32 = 0.38;

/// A lexicon synonym is nearly as good as the word itself.
const SYNONYM: f32 = 0.9;
/// The dictionary word of an inflected form is nearly the word itself.
const LEMMA: f32 = 0.9;
/// Crises of other municipalities can still answer, but the caller's own come first.
const OTHER_MUNICIPALITY: f32 = 0.6;
/// An everyday guide of another municipality than the caller's ranks nearly as its own would.
const EVERYDAY_ELSEWHERE: f32 = 0.8;
/// How far an everyday guide's length is measured against the other everyday guides' rather
/// than the rows' (0: as a row; 1: as its own kind). Chosen on the tuning set: at 0 a third of
/// its everyday questions were linked, at 1 nine in ten but crisis questions were taken away.
const EVERYDAY_LENGTH: f32 = 0.3;
/// BM25's saturation and length normalisation, for ranking only.
const K1: f32 = 1.2;
const LENGTH_B: f32 = 0.5;
/// A strong summary cue ("hvad sker der") weighs like a word found in only a few candidates:
/// enough to pick the summary, not to override a specific topic ("hvad sker der med min frist").
const SUMMARY_CUE: f32 = 0.6;
/// Asking whom to call is the question, whatever it is about ("hvem ringer jeg til om strømmen").
const CONTACT_CUE: f32 = 1.0;
/// A request for a person gives way to an answer this sure ("kan min sagsbehandler ringe mig
/// op" may have its own guide row).
const PERSON_OVERRIDE: f32 = 0.7;
/// The summary mentions a bit of everything; unless the question asks what is going on, a
/// specific row is the better answer.
const UNASKED_SUMMARY: f32 = 0.75;
/// An answer from a crisis that does not affect the caller is less likely what they need.
const OTHER_MUNICIPALITY_DOUBT: f32 = 0.75;
/// Everyday verbs and nouns count half.
const GENERIC: f32 = 0.5;
/// How much the character trigram similarity adds to a candidate's rank, as a share of
/// what the question's words could score in all.
const NGRAM: f32 = 0.15;
/// How strongly a question's topic word must match a word of the caller's crises for the
/// question to be about the crisis: an exact word of a row's text (0.6) or of its first line,
/// a synonym, a title or place word of the crisis (0.5); not a compound part or a typo alone.
/// Chosen on bench/chat-eval (see its README).
const TOPIC: f32 = 0.5;
/// A word the crisis knows only weakly counts this much against its being about the crisis.
const WEAK: f32 = 0.5;
/// The words a crisis knows must weigh at least this share of those it does not. Chosen on
/// bench/chat-eval, both sets (see its README): at 1.0 a third of the held-out crisis questions
/// no row answers were taken for other matters; at 0.5, 3 of 44, while two thirds of the
/// tuning set's other matters are recognised; 0 (any word the crisis knows) recognises a fifth.
const KNOWN_SHARE: f32 = 0.5;
/// Nobody types more in a chat; it bounds the work.
const MAX_MESSAGE_CHARS: usize = 1000;
const MAX_WORDS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    CitizenSummary,
    Situation,
    Contacts,
    /// One of a municipality's everyday guides (see [`Candidate::everyday`]): never a crisis
    /// text, answered with a link to the guide.
    Everyday,
}

/// One answerable piece of a published guide.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub incident: String,
    pub version: i64,
    pub section: Section,
    pub situation: Option<usize>,
    pub municipalities: Vec<String>,
    pub incident_title: String,
    /// What the question is matched against (never returned). Its first line counts most:
    /// for a situation build it as `"{situation}\n{citizen_text}"`; for the citizen summary
    /// the summary itself (the incident title is added by the engine); for the contacts the
    /// `"Name: phone (note)"` lines, so a question naming an organisation finds them.
    pub match_text: String,
    /// The approved citizen wording, returned verbatim.
    pub answer: String,
    /// One of the row's example questions (see [`Candidate::asked_as`]), not the row itself.
    pub example: bool,
}

impl Candidate {
    /// A municipality's everyday guide (a passport, moving, waste): `incident` is
    /// `"{municipality}/{slug}"`, the answer its title, matched on the title and the text.
    pub fn everyday(municipality: &str, slug: &str, title: &str, body: &str) -> Candidate {
        Candidate {
            incident: format!("{municipality}/{slug}"),
            version: 0,
            section: Section::Everyday,
            situation: None,
            municipalities: vec![municipality.to_string()],
            incident_title: title.to_string(),
            match_text: format!("{title}\n{body}"),
            answer: title.to_string(),
            example: false,
        }
    }

    /// The same answer found through one of the example questions its authority wrote ("how
    /// citizens ask"): the question is the whole match text.
    pub fn asked_as(&self, question: &str) -> Candidate {
        Candidate { match_text: question.to_string(), example: true, ..self.clone() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Greeting,
    Thanks,
    Robot,
    /// The citizen asks for a human: hand over.
    Person,
    /// An index into the candidates as given to [`Answers::new`]; confidence in [0, 1].
    Answer {
        candidate: usize,
        confidence: f32,
    },
    /// An everyday matter ("jeg skal have nyt pas") that an everyday guide of the caller's
    /// municipality matches better than any crisis answer: answered with a link to the guide.
    Everyday {
        candidate: usize,
        confidence: f32,
    },
    /// Below [`THRESHOLD`]: hand over. `about_crisis`: a topic word of the question is one of
    /// the caller's crises' (see [`Answers::about_crisis`]), so the question is worth passing on
    /// to the authority as not covered; otherwise it is about something else (the weather, a
    /// passport) that the crisis guide will never answer.
    NotCovered {
        confidence: f32,
        about_crisis: bool,
    },
}

pub struct Answers {
    candidates: Vec<Candidate>,
    features: Features,
    /// BM25 length normalisation per candidate: long texts match more words by chance.
    norms: Vec<f32>,
    grams: Grams,
    /// Per candidate, the answer it gives (incident, section, row): a row and its example
    /// questions are one answer, so a word counts as common by the answers that have it.
    answer_of: Vec<usize>,
    answers: usize,
    /// Of the answers, those from a crisis (not an everyday guide).
    crisis_answers: usize,
    /// The thesaurus and dictionary a question's words are expanded with, if any.
    resources: Arc<Resources>,
    /// Per municipality, which candidates apply to a caller from it (looked up once a question,
    /// not compared per candidate); a caller from elsewhere gets `unscoped`, an unknown caller all.
    applying: FastMap<String, Vec<bool>>,
    unscoped: Vec<bool>,
    everywhere: Vec<bool>,
}

/// One content word of a question: the features it may match, and how much it counts.
struct Word {
    alts: Vec<(u32, f32)>,
    weight: f32,
    /// The section feature of a strong cue ("nummer", "sker"): it picks the section on its
    /// own, apart from the word's other meanings.
    cue: Option<u32>,
    asks_summary: bool,
    chars: usize,
    text: String,
}

/// A question scored against every candidate.
struct Scored {
    /// Per word, per candidate: the best match, section cue included.
    matches: Vec<Vec<f32>>,
    idf: Vec<f32>,
    rank: Vec<f32>,
    /// The rank from the words alone: the margin is judged on it, as trigrams shared with
    /// every row of a crisis lift the runner-up as much as the best.
    plain: Vec<f32>,
    max_idf: f32,
    /// Per candidate: the character trigram similarity to the question.
    grams: Vec<f32>,
}

impl Word {
    /// Longer words carry more of a question's topic.
    fn len_weight(&self) -> f32 {
        self.weight * (1.0 + 0.15 * self.chars.saturating_sub(6) as f32)
    }
}

/// The best candidate for a question, and how sure the engine is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Best {
    pub candidate: usize,
    pub confidence: f32,
    /// The parts of the confidence: coverage, specificity, margin, head coverage, unknown
    /// words, whether the crisis applies to the caller, and the trigram similarity.
    pub parts: [f32; PARTS],
}

/// How many parts a confidence has.
pub const PARTS: usize = 7;

/// How sure the engine is, in [0, 1], from the parts of [`Answers::parts`]: mostly how much
/// of the question the candidate covers, then the margin over the runner-up (a near tie is a
/// guess), a little whether the candidate's own first line matched, and a penalty when the
/// crisis does not affect the caller. The exponents were chosen on bench/chat-eval.
fn confidence(parts: &[f32; PARTS]) -> f32 {
    let [coverage, _, margin, head, _, applies, _] = *parts;
    let head = (0.3 + head) / 1.3;
    let margin = (0.2 + margin) / 1.2;
    let applies = if applies > 0.0 { 1.0 } else { OTHER_MUNICIPALITY_DOUBT };
    (coverage.powf(0.6) * head.powf(0.15) * margin.powf(0.3) * applies).clamp(0.0, 1.0)
}

impl Answers {
    pub fn new(candidates: Vec<Candidate>) -> Self {
        Answers::with_resources(candidates, Resources::none())
    }

    /// The engine over `candidates`, expanding questions with `resources`.
    pub fn with_resources(candidates: Vec<Candidate>, resources: Arc<Resources>) -> Self {
        let features = Features::new(&candidates);
        // Example questions are questions, not texts that match by chance: no length normalisation.
        // Everyday guides are long pages: measured partly against each other, not only the rows.
        let average = |everyday: bool| {
            let texts =
                || features.lengths.iter().zip(&candidates).filter(|(_, c)| !c.example && (c.section == Section::Everyday) == everyday);
            (texts().map(|(&l, _)| l).sum::<usize>() as f32 / texts().count().max(1) as f32).max(1.0)
        };
        let (avg, avg_everyday) = (average(false), average(true));
        let norms = features
            .lengths
            .iter()
            .zip(&candidates)
            .map(|(&l, c)| {
                let avg = if c.section == Section::Everyday { avg + EVERYDAY_LENGTH * (avg_everyday - avg) } else { avg };
                if c.example { 1.0 } else { 1.0 - LENGTH_B + LENGTH_B * l.max(1) as f32 / avg }
            })
            .collect();
        let texts: Vec<(Vec<String>, Vec<String>)> = candidates
            .iter()
            .map(|c| {
                let (head, body) = head_and_body(c);
                (content_words(head), content_words(body))
            })
            .collect();
        let mut seen = std::collections::HashMap::new();
        let answer_of: Vec<usize> = candidates
            .iter()
            .map(|c| {
                let next = seen.len();
                *seen.entry((c.incident.as_str(), c.section.clone(), c.situation)).or_insert(next)
            })
            .collect();
        let answers = seen.len();
        let crisis_answers = seen.keys().filter(|k| k.1 != Section::Everyday).count();
        let unscoped: Vec<bool> = candidates.iter().map(|c| c.municipalities.is_empty()).collect();
        let mut applying: FastMap<String, Vec<bool>> = FastMap::default();
        for (i, c) in candidates.iter().enumerate() {
            for m in &c.municipalities {
                applying.entry(m.clone()).or_insert_with(|| unscoped.clone())[i] = true;
            }
        }
        let everywhere = vec![true; candidates.len()];
        Answers {
            candidates,
            features,
            norms,
            grams: Grams::new(&texts),
            answer_of,
            answers,
            crisis_answers,
            resources,
            applying,
            unscoped,
            everywhere,
        }
    }

    pub fn candidate(&self, i: usize) -> &Candidate {
        &self.candidates[i]
    }

    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// Answers one chat message from a caller of `municipality` (if known). Never panics.
    pub fn respond(&self, message: &str, municipality: Option<&str>) -> Reply {
        let message: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
        let words: Vec<String> = tokenize(&message).into_iter().take(MAX_WORDS).map(|t| t.word).collect();
        let social = intents::social(&words);
        if social == Some(Social::Robot) {
            return Reply::Robot;
        }
        // Read once: the best answer and, if none, whether it is about the crisis.
        let read = self.question(&words);
        let best = self.best_of(&read, municipality);
        let confidence = best.map_or(0.0, |b| b.confidence);
        if social == Some(Social::Person) && confidence < PERSON_OVERRIDE {
            return Reply::Person;
        }
        // An everyday guide that beats every crisis answer: a link to it when it is the caller's
        // own municipality's and sure enough, else a person; never the crisis text below it.
        let everyday = best.filter(|b| self.candidates[b.candidate].section == Section::Everyday);
        if let Some(b) = everyday {
            let own = municipality.is_some_and(|m| self.candidates[b.candidate].municipalities.iter().any(|x| x == m));
            if own && b.confidence >= THRESHOLD {
                return Reply::Everyday { candidate: b.candidate, confidence };
            }
        }
        match best {
            Some(b) if everyday.is_none() && b.confidence >= THRESHOLD => Reply::Answer { candidate: b.candidate, confidence },
            _ if intents::is_thanks(&words) => Reply::Thanks,
            _ if intents::is_greeting(&words) => Reply::Greeting,
            _ if everyday.is_some() => Reply::NotCovered { confidence, about_crisis: false },
            _ => Reply::NotCovered { confidence, about_crisis: self.about_crisis(&read, municipality) },
        }
    }

    /// Whether the question is about a crisis that applies to the caller. Of its content words
    /// (not everyday words, section cues or places), those matching a word of such a crisis at
    /// least as strongly as [`TOPIC`] must weigh at least [`KNOWN_SHARE`] of those the crisis
    /// does not know, longer words weighing more as in the confidence (a word matched only weakly, by a
    /// compound part or a typo, counts [`WEAK`]). "hvem står bag angrebet" is about a
    /// cyber attack even if no row answers it; "hvad er vejrudsigten for weekenden" is not.
    fn about_crisis(&self, (question, named): &(Vec<Word>, Option<String>), municipality: Option<&str>) -> bool {
        let scope = named.as_deref().or(municipality);
        // Words and synonyms only: a section ("er der nyt" asks for the status) or a place is no topic.
        let sections = self.features.layout.summary();
        let applies = self.applying(scope);
        let (mut on, mut off) = (0.0, 0.0);
        for w in question.iter().filter(|w| w.weight >= 1.0 && w.cue.is_none()) {
            let topic: Vec<(u32, f32)> = w.alts.iter().copied().filter(|&(f, _)| f < sections).collect();
            let best = |alts: &[(u32, f32)]| {
                self.match_alts(alts)
                    .iter()
                    .enumerate()
                    .filter(|&(c, _)| self.candidates[c].section != Section::Everyday && applies[c])
                    .map(|(_, &m)| m)
                    .fold(0.0, f32::max)
            };
            // The word itself or a synonym, not a compound's part or a typo ("skraldebil" is no car).
            let whole: Vec<(u32, f32)> = topic.iter().copied().filter(|&(_, x)| x >= SYNONYM).collect();
            if best(&whole) >= TOPIC {
                on += w.len_weight();
            } else {
                // Known only by a part or a typo: half a word the crisis does not know.
                off += if best(&topic) == 0.0 { 1.0 } else { WEAK } * w.len_weight();
            }
        }
        on > 0.0 && on >= KNOWN_SHARE * off
    }

    /// The best candidate for a message whatever the threshold, with its confidence; social
    /// intents are not considered. For agents' suggestions and for tuning.
    pub fn best_match(&self, message: &str, municipality: Option<&str>) -> Option<(usize, f32)> {
        let message: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
        let words: Vec<String> = tokenize(&message).into_iter().take(MAX_WORDS).map(|t| t.word).collect();
        self.best(&words, municipality).map(|b| (b.candidate, b.confidence))
    }

    /// A human-readable account of how a message was matched: its words, their features,
    /// and the best candidates. For tuning only.
    #[doc(hidden)]
    pub fn explain(&self, message: &str, municipality: Option<&str>) -> String {
        let words: Vec<String> = tokenize(message).into_iter().take(MAX_WORDS).map(|t| t.word).collect();
        let (question, named) = self.question(&words);
        let mut out = format!("named={named:?}\n");
        let feature = |f: u32| self.features.name(f);
        let matches: Vec<Vec<f32>> = question.iter().map(|w| self.match_alts(&w.alts)).collect();
        for (w, m) in question.iter().zip(&matches) {
            let alts: Vec<String> = w.alts.iter().map(|&(f, x)| format!("{}:{x:.1}", feature(f))).collect();
            let cue = w.cue.map(|f| format!(" cue {}", feature(f))).unwrap_or_default();
            out += &format!("  w={:.1}{cue} df={} {}\n", w.weight, m.iter().filter(|&&x| x > 0.0).count(), alts.join(" "));
        }
        if let Some(b) = self.best(&words, municipality) {
            let c = &self.candidates[b.candidate];
            let per: Vec<String> = matches.iter().map(|m| format!("{:.2}", m[b.candidate])).collect();
            out +=
                &format!("  best {} {:?} {:?} conf {:.2} per-word [{}]\n", c.incident, c.section, c.situation, b.confidence, per.join(" "));
        }
        out
    }

    /// The best candidate for the lower-cased `words`, if any matches at all.
    pub(crate) fn best(&self, words: &[String], municipality: Option<&str>) -> Option<Best> {
        self.best_of(&self.question(words), municipality)
    }

    /// [`Answers::best`] for a question already read into words and features.
    fn best_of(&self, (question, named): &(Vec<Word>, Option<String>), municipality: Option<&str>) -> Option<Best> {
        if question.is_empty() || self.candidates.is_empty() {
            return None;
        }
        // A municipality named in the question beats the caller's own.
        let scope = named.as_deref().or(municipality);
        let scored = self.score(question, scope);
        let rank = &scored.rank;
        let best = (0..rank.len()).max_by(|&a, &b| rank[a].total_cmp(&rank[b]).then(b.cmp(&a)))?;
        if rank[best] <= 0.0 {
            return None;
        }
        let answer = self.answer_of[best];
        let plain = &scored.plain;
        let applies = self.applying(scope);
        // Another municipality's everyday guide is no alternative for this caller.
        let alternative = |c: usize| self.answer_of[c] != answer && (self.candidates[c].section != Section::Everyday || applies[c]);
        let second = (0..rank.len()).filter(|&c| alternative(c)).map(|c| plain[c]).fold(0.0f32, f32::max);
        let margin = if plain[best] > 0.0 { (1.0 - second / plain[best]).max(0.0) } else { 0.0 };
        let mut parts = [0.0; PARTS];
        parts[..5].copy_from_slice(&self.parts(question, &scored, best, margin));
        parts[5] = if applies[best] { 1.0 } else { 0.0 };
        parts[6] = scored.grams[best];
        let confidence = confidence(&parts);
        Some(Best { candidate: best, confidence, parts })
    }

    /// Every candidate's rank for a question: per word the idf-weighted, length-saturated
    /// match, summed; then the summary prior and the municipality factor.
    fn score(&self, question: &[Word], scope: Option<&str>) -> Scored {
        let n = self.candidates.len();
        let matches: Vec<Vec<f32>> = question.iter().map(|w| self.match_alts(&w.alts)).collect();
        let cues: Vec<Vec<f32>> = question.iter().map(|w| w.cue.map_or_else(Vec::new, |f| self.match_alts(&[(f, 1.0)]))).collect();
        // How common a word is, by the crisis answers only: the everyday guides are measured
        // against the crisis, not part of it.
        let answers = self.crisis_answers as f32;
        let max_idf = (1.0 + answers).ln();
        let mut per_answer = vec![0f32; self.answers];
        let idf: Vec<f32> = question
            .iter()
            .zip(&matches)
            .map(|(w, m)| {
                // Weak matches (compound parts, typos) count partly towards how common a word is.
                per_answer.fill(0.0);
                for (c, &x) in m.iter().enumerate().filter(|&(c, _)| self.candidates[c].section != Section::Everyday) {
                    let a = &mut per_answer[self.answer_of[c]];
                    *a = a.max(x);
                }
                let df: f32 = per_answer.iter().sum();
                let idf = (1.0 + answers / df.max(1.0)).ln();
                // An everyday word that happens to be rare in the guides decides nothing.
                if w.weight < 1.0 { idf.min(1.0) } else { idf }
            })
            .collect();
        let asks_summary = question.iter().any(|w| w.asks_summary);
        let applies = self.applying(scope);
        // Section cues ("ringe", "sker") ask for a section, not about a topic: no trigrams.
        let topic = || question.iter().zip(&idf).filter(|(w, _)| w.cue.is_none());
        let grams = self.grams.similarity(topic().map(|(w, _)| w.text.as_str()));
        let potential: f32 = topic().map(|(w, idf)| w.weight * idf).sum();
        let (rank, plain): (Vec<f32>, Vec<f32>) = (0..n)
            .map(|c| {
                let sat = |m: f32| m * (K1 + 1.0) / (m + K1 * self.norms[c]);
                let words = question.iter().enumerate().map(|(i, w)| {
                    let strength = if w.cue == Some(self.features.layout.summary()) { SUMMARY_CUE } else { CONTACT_CUE };
                    let cue = cues[i].get(c).map_or(0.0, |&m| strength * max_idf * sat(m));
                    w.weight * (idf[i] * sat(matches[i][c])).max(cue)
                });
                let summary = self.candidates[c].section == Section::CitizenSummary && !asks_summary;
                // Another municipality's everyday guide still says the question is an everyday
                // matter, not the crisis: it keeps its rank, a shade below the caller's own.
                let elsewhere = if self.candidates[c].section == Section::Everyday { EVERYDAY_ELSEWHERE } else { OTHER_MUNICIPALITY };
                let factor = if summary { UNASKED_SUMMARY } else { 1.0 } * if applies[c] { 1.0 } else { elsewhere };
                let plain = words.sum::<f32>() * factor;
                (plain + NGRAM * potential * grams[c] * factor, plain)
            })
            .unzip();
        let matches = matches
            .into_iter()
            .zip(cues)
            .map(|(m, cue)| if cue.is_empty() { m } else { m.iter().zip(&cue).map(|(a, b)| a.max(*b)).collect() })
            .collect();
        Scored { matches, idf, rank, plain, max_idf, grams }
    }

    /// The parts of the confidence in `best`: coverage, specificity, margin, head coverage and
    /// the share of unknown words.
    fn parts(&self, question: &[Word], scored: &Scored, best: usize, margin: f32) -> [f32; 5] {
        let matches = &scored.matches;
        // Long words no guide knows are mostly the real topic ("skilsmissesag", "boligstøtte"):
        // they weigh more in what the candidate fails to cover.
        let unmatched = |m: &Vec<f32>| m.iter().all(|&x| x == 0.0);
        let total: f32 = question.iter().zip(matches).map(|(w, m)| if unmatched(m) { w.len_weight() } else { w.weight }).sum();
        let matched = question.iter().zip(matches).map(|(w, m)| w.weight * m[best]).sum::<f32>();
        let mut coverage = matched / total;
        // An example question is a whole question: a message that meets one of its words is not
        // asking it ("goddag" and "hvad skal vi gøre i dag"), so it must cover the example too.
        if self.candidates[best].example {
            let example = (matched / self.features.lengths[best].max(1) as f32).min(1.0);
            coverage = coverage.min(example);
        }
        let specific = matches.iter().zip(&scored.idf).map(|(m, idf)| m[best] * idf).fold(0.0f32, f32::max) / scored.max_idf;
        // How much of the question the candidate's first line (its own topic) answers.
        // A section cue is the first line of the summary and the contacts.
        let head = question
            .iter()
            .map(|w| {
                let cue = w.cue.map_or(0.0, |f| self.match_alts(&[(f, 1.0)])[best]);
                w.weight * self.match_head(&w.alts)[best].max(cue)
            })
            .sum::<f32>()
            / total;
        let unknown = question.iter().zip(matches).filter(|(_, m)| unmatched(m)).map(|(w, _)| w.len_weight()).sum::<f32>() / total;
        [coverage, specific, margin, head, unknown]
    }

    /// Per candidate, whether it applies to a caller from `municipality` (unknown: all do).
    fn applying(&self, municipality: Option<&str>) -> &[bool] {
        match municipality {
            None => &self.everywhere,
            Some(m) => self.applying.get(m).unwrap_or(&self.unscoped),
        }
    }

    /// How well alternatives match each candidate's first line, in [0, 1].
    fn match_head(&self, alts: &[(u32, f32)]) -> Vec<f32> {
        let mut out = vec![0f32; self.candidates.len()];
        let municipalities = self.features.layout.municipality(0);
        for &(f, weight) in alts.iter().filter(|&&(f, _)| f < municipalities) {
            for &(c, strength) in self.features.postings[f as usize].iter().filter(|&&(_, s)| s >= 1.0) {
                let m = &mut out[c as usize];
                *m = m.max(weight * strength);
            }
        }
        out
    }

    /// Diagnostics for tuning: the best candidate and the parts of its confidence.
    #[doc(hidden)]
    pub fn diagnose(&self, message: &str, municipality: Option<&str>) -> Option<(usize, f32, [f32; PARTS])> {
        let words: Vec<String> = tokenize(message).into_iter().take(MAX_WORDS).map(|t| t.word).collect();
        self.best(&words, municipality).map(|b| (b.candidate, b.confidence, b.parts))
    }

    /// How well alternatives match each candidate, in [0, 1].
    fn match_alts(&self, alts: &[(u32, f32)]) -> Vec<f32> {
        let mut out = vec![0f32; self.candidates.len()];
        for &(f, weight) in alts {
            for &(c, strength) in &self.features.postings[f as usize] {
                let m = &mut out[c as usize];
                *m = m.max(weight * strength);
            }
        }
        out
    }

    /// The question's content words with their features, and a municipality it names.
    fn question(&self, words: &[String]) -> (Vec<Word>, Option<String>) {
        let lx = lexicon();
        let (layout, codes) = (self.features.layout, &self.features.codes);
        let mut named = None;
        let mut out = Vec::new();
        // "hvem skal jeg ringe til", "hvor ringer jeg hen": asking whom to call.
        let asks_whom = words.iter().any(|w| ["hvem", "hvilket", "hvilken", "hvor", "who", "which"].contains(&w.as_str()));
        for (i, alts) in self.features.vocab.expand(words) {
            let word = &words[i];
            if lx.filler.contains(word) {
                continue;
            }
            let term = term_of(word);
            let mut alts: Vec<(u32, f32)> = alts.into_iter().map(|(t, via)| (t, via.weight())).collect();
            for &g in lx.groups(word, &term) {
                alts.push((layout.group(g), SYNONYM));
            }
            for &g in lx.head_groups(word) {
                alts.push((layout.group(g), SYNONYM * Via::Head.weight()));
            }
            // The thesaurus' synonyms count for less than the word (see `thesaurus`).
            for (t, weight) in self.resources.synonyms(&term) {
                alts.extend(self.features.vocab.get(t).map(|id| (id, *weight)));
            }
            // A form the stemmer cuts differently from its dictionary word ("børnene", "gik").
            // The dictionary's spelling corrections are not asked: they cost up to 2 ms a word
            // and changed no answer of bench/chat-eval (the one-edit typo match finds them).
            if !alts.iter().any(|&(f, x)| f < layout.terms && x >= 1.0) {
                for lemma in self.resources.lemmas(word) {
                    alts.extend(self.features.vocab.get(&term_of(lemma)).map(|id| (id, LEMMA)));
                }
            }
            let summary_cue = lx.summary_cues.contains(&term);
            let contact_cue = lx.contact_cues.contains(&term) || (asks_whom && lx.contact_hints.contains(&term));
            let cue = (summary_cue.then(|| layout.summary())).or(contact_cue.then(|| layout.contacts()));
            let asks_summary = summary_cue || lx.summary_hints.contains(&term);
            if asks_summary && !summary_cue {
                alts.push((layout.summary(), 1.0));
            }
            if !contact_cue && lx.contact_hints.contains(&term) {
                alts.push((layout.contacts(), 1.0));
            }
            if let Some(code) = lx.municipalities.get(&term)
                && let Ok(k) = codes.binary_search_by(|c| c.as_str().cmp(code))
            {
                alts.push((layout.municipality(k), 1.0));
                named = Some(code.to_string());
            }
            // Negations matter for the meaning but say nothing about the topic.
            let weight = if lx.generic.contains(&term) || term == NEGATION { GENERIC } else { 1.0 };
            out.push(Word { alts, weight, cue, asks_summary, chars: word.chars().count(), text: word.clone() });
        }
        (out, named)
    }
}

#[cfg(test)]
mod tests;
