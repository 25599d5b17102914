//! Character trigram similarity between a question and each candidate. Word features miss
//! what a citizen writes differently from the guide — two typos, an unusual inflection, a
//! compound split another way ("frysern", "hjemmedialyse") — while most of the word's
//! trigrams still match. Trigrams are taken per word, padded with a space at either end, so
//! a word's start and end count as much as its middle.

use crate::fasthash::{FastMap, key_of};

/// Trigrams of words below a candidate's first line count less, like the words do.
const BODY: f32 = 0.6;
/// Words this short carry too few trigrams to mean anything on their own.
const MIN_CHARS: usize = 3;

pub struct Grams {
    /// Trigram → (candidate, strength): the strongest occurrence in the candidate.
    postings: FastMap<u64, Vec<(u32, f32)>>,
    /// How rare a trigram the candidates never use is: like one found once.
    max_idf: f32,
    candidates: usize,
}

/// The distinct trigrams of lower-cased words, each padded " word ".
fn trigrams<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<u64> {
    let mut out = Vec::new();
    for w in words {
        if w.chars().count() < MIN_CHARS {
            continue;
        }
        let chars: Vec<char> = std::iter::once(' ').chain(w.chars()).chain(std::iter::once(' ')).collect();
        out.extend(chars.windows(3).map(|g| key_of(g.iter().copied())));
    }
    out.sort_unstable();
    out.dedup();
    out
}

impl Grams {
    /// `texts`: per candidate, the content words of its first line and of the rest.
    pub fn new(texts: &[(Vec<String>, Vec<String>)]) -> Self {
        let mut postings: FastMap<u64, Vec<(u32, f32)>> = FastMap::default();
        for (c, (head, body)) in texts.iter().enumerate() {
            let head_grams = trigrams(head.iter().map(String::as_str));
            for (grams, weight) in [(&head_grams, 1.0), (&trigrams(body.iter().map(String::as_str)), BODY)] {
                for &g in grams {
                    let list = postings.entry(g).or_default();
                    match list.last_mut() {
                        Some((last, w)) if *last == c as u32 => *w = w.max(weight),
                        _ => list.push((c as u32, weight)),
                    }
                }
            }
        }
        let candidates = texts.len();
        Grams { postings, max_idf: (1.0 + candidates as f32).ln(), candidates }
    }

    /// Per candidate, the idf-weighted share of the question's trigrams it contains, in [0, 1].
    pub fn similarity<'a>(&self, words: impl IntoIterator<Item = &'a str>) -> Vec<f32> {
        let mut out = vec![0f32; self.candidates];
        let mut total = 0.0;
        for g in trigrams(words) {
            let Some(list) = self.postings.get(&g) else {
                total += self.max_idf;
                continue;
            };
            let idf = (1.0 + self.candidates as f32 / list.len() as f32).ln();
            total += idf;
            for &(c, w) in list {
                out[c as usize] += idf * w;
            }
        }
        if total > 0.0 {
            out.iter_mut().for_each(|x| *x /= total);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn misspelt_and_inflected_words_still_share_most_trigrams() {
        let g = Grams::new(&[
            (words("borgeren er bekymret for maden i fryseren"), vec![]),
            (words("borgeren spørger om vandet kan drikkes"), vec![]),
        ]);
        let sim = g.similarity(["frysern"]);
        assert!(sim[0] > 0.5 && sim[1] == 0.0, "{sim:?}");
        let sim = g.similarity(["drikke", "vand"]);
        assert!(sim[1] > sim[0], "{sim:?}");
        assert!(g.similarity(["xqzt"]).iter().all(|&x| x == 0.0));
        assert!(g.similarity([]).iter().all(|&x| x == 0.0));
    }
}
