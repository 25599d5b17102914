//! Similar questions, grouped: what the chatbot handed over or answered with low confidence,
//! counted per group so the authority sees what is asked most.
//!
//! The similarity is deliberately simple and explainable: two questions are compared by their
//! content terms (stop words dropped, Danish stems, every negation one term), as the Jaccard
//! index — shared terms over all terms. "Kan jeg drikke vandet" and "kan vi drikke vandet nu"
//! share {kan, drik, vand} and nothing else: 1.0. Grouping is leader clustering: the wordings,
//! most asked first, each join the first group whose leader they resemble at least
//! [`SIMILAR`], or lead a group of their own.

use crate::analysis::{content_words, term_of};
use domain::handover::{ChatOrigin, QuestionGroup, adoptable, chatbot_question};
use domain::inquiry::{Inquiry, mask_personal};
use std::collections::{BTreeSet, HashMap};

/// More than half of the two questions' terms shared: "hvornår kommer strømmen" and "hvornår
/// kommer varmen" (2 of 4) stay apart.
pub const SIMILAR: f32 = 0.6;

/// A question's content terms.
pub fn terms(text: &str) -> BTreeSet<String> {
    content_words(text).iter().map(|w| term_of(w)).collect()
}

/// Shared terms over all terms; 0 when either has none (such questions group only with their
/// own wording).
pub fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f32 {
    let union = a.union(b).count();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    a.intersection(b).count() as f32 / union as f32
}

/// Leader clustering of `texts` in their order: the indices of each group, the leader first.
pub fn leader_clusters(texts: &[&str], threshold: f32) -> Vec<Vec<usize>> {
    let mut leaders: Vec<BTreeSet<String>> = Vec::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let own = terms(t);
        let best = leaders
            .iter()
            .enumerate()
            .map(|(g, l)| (g, jaccard(l, &own)))
            .filter(|(_, s)| *s >= threshold)
            .fold(None, |best: Option<(usize, f32)>, x| if best.is_none_or(|b| x.1 > b.1) { Some(x) } else { best });
        match best {
            Some((g, _)) => groups[g].push(i),
            None => {
                leaders.push(own);
                groups.push(vec![i]);
            }
        }
    }
    groups
}

/// One wording as asked: its text as first written, how often and why, and its latest asking.
struct Wording<'a> {
    text: String,
    count: usize,
    by: HashMap<ChatOrigin, usize>,
    last: &'a Inquiry,
}

/// The chatbot's questions among `inquiries`, masked and grouped, most asked first (then the
/// most recently asked). Agents' inquiries are left out.
pub fn group_chatbot_questions(inquiries: &[Inquiry]) -> Vec<QuestionGroup> {
    let mut wordings: Vec<Wording> = Vec::new();
    let mut by_text: HashMap<String, usize> = HashMap::new();
    for i in inquiries {
        let Some((origin, q)) = chatbot_question(&i.text) else { continue };
        let q = mask_personal(q);
        let w = *by_text.entry(q.to_lowercase()).or_insert_with(|| {
            wordings.push(Wording { text: q.clone(), count: 0, by: HashMap::new(), last: i });
            wordings.len() - 1
        });
        let w = &mut wordings[w];
        w.count += 1;
        *w.by.entry(origin).or_default() += 1;
        if i.at > w.last.at {
            w.last = i;
        }
    }
    // Most asked first, so that each group is led by its most common wording.
    wordings.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.last.at.cmp(&b.last.at)));
    let texts: Vec<&str> = wordings.iter().map(|w| w.text.as_str()).collect();
    let mut groups: Vec<QuestionGroup> = leader_clusters(&texts, SIMILAR)
        .into_iter()
        .map(|members| {
            let of = |o| members.iter().map(|&m| wordings[m].by.get(&o).copied().unwrap_or(0)).sum();
            let leader = &wordings[members[0]];
            QuestionGroup {
                question: leader.text.clone(),
                count: members.iter().map(|&m| wordings[m].count).sum(),
                handed_over: of(ChatOrigin::HandedOver),
                low_confidence: of(ChatOrigin::LowConfidence),
                variants: members.iter().map(|&m| (wordings[m].text.clone(), wordings[m].count)).collect(),
                last_asked: members.iter().map(|&m| wordings[m].last.at).max().unwrap_or(leader.last.at),
                adoptable: adoptable(&leader.text),
            }
        })
        .collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| b.last_asked.cmp(&a.last_asked)));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::handover::inquiry_text;

    fn asked(origin: ChatOrigin, text: &str, minute: u64) -> Inquiry {
        Inquiry {
            id: Default::default(),
            incident_id: Default::default(),
            version: 1,
            situation: None,
            text: inquiry_text(origin, text),
            municipality: "0250".into(),
            at: domain::time::now() + std::time::Duration::from_secs(60 * minute),
        }
    }

    #[test]
    fn the_similarity_is_shared_content_terms_over_all() {
        let (a, b) = (terms("Kan jeg drikke vandet"), terms("kan vi drikke vandet nu"));
        assert_eq!(jaccard(&a, &b), 1.0, "{a:?} / {b:?}");
        let (c, d) = (terms("hvornår kommer strømmen"), terms("hvornår kommer varmen"));
        assert_eq!(jaccard(&c, &d), 0.5);
        assert!(jaccard(&c, &d) < SIMILAR, "two of four terms is not the same question");
        assert_eq!(jaccard(&terms("hvad nu"), &terms("hvad nu")), 0.0, "no content terms: never similar by terms");
        assert!(jaccard(&terms("drik ikke vandet"), &terms("drik vandet")) < 1.0, "a negation is a term");
    }

    #[test]
    fn leaders_collect_their_like_and_the_rest_lead_their_own() {
        let texts = ["Kan jeg drikke vandet", "hvornår kommer strømmen", "kan vi drikke vandet nu", "hvornår kommer strømmen tilbage"];
        assert_eq!(leader_clusters(&texts, SIMILAR), vec![vec![0, 2], vec![1, 3]]);
        assert_eq!(leader_clusters(&texts, 1.01), vec![vec![0], vec![1], vec![2], vec![3]], "nothing joins above 1");
    }

    #[test]
    fn chatbot_questions_are_grouped_counted_and_masked() {
        let all = vec![
            asked(ChatOrigin::HandedOver, "kan vi drikke vandet nu", 0),
            asked(ChatOrigin::HandedOver, "Kan jeg drikke vandet", 1),
            asked(ChatOrigin::LowConfidence, "kan jeg drikke vandet", 2),
            asked(ChatOrigin::HandedOver, "Må jeg grille i haven? ring 20 30 40 50", 3),
            asked(ChatOrigin::HandedOver, "mit cpr er 010203-1234", 4),
            // An agent's inquiry is not the chatbot's.
            Inquiry { text: "Kan jeg drikke vandet".into(), ..asked(ChatOrigin::HandedOver, "", 5) },
        ];
        let groups = group_chatbot_questions(&all);
        assert_eq!(groups.len(), 3, "{groups:#?}");
        let water = &groups[0];
        assert_eq!((water.question.as_str(), water.count, water.handed_over, water.low_confidence), ("Kan jeg drikke vandet", 3, 2, 1));
        assert_eq!(water.variants, vec![("Kan jeg drikke vandet".to_string(), 2), ("kan vi drikke vandet nu".to_string(), 1)]);
        assert_eq!(water.last_asked, all[2].at);
        assert!(water.adoptable);
        let texts: Vec<&str> = groups.iter().map(|g| g.question.as_str()).collect();
        assert!(texts.contains(&"Må jeg grille i haven? ring [tal]"), "{texts:?}");
        let cpr = groups.iter().find(|g| g.question == domain::chat::CPR_LEFT_OUT).expect("left out, still counted");
        assert!(!cpr.adoptable, "a text left out for personal data cannot become an example");
        assert!(groups.iter().all(|g| !g.question.contains("1234") && !g.question.contains("20 30")));
    }
}
