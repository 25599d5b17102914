//! Search-result snippets: about 200 characters of the body around the densest cluster of
//! matched words, HTML-escaped, matches wrapped in `<mark>`, "…" where the text is cut.

use domain::markdown::escape;

/// Characters of context shown; the window starts a little before the best match.
const WINDOW: usize = 200;
const LEAD: usize = 60;
/// Looking at more candidate anchors only costs time; the first matches are the telling ones.
const MAX_ANCHORS: usize = 64;

/// One word of the text: its byte span, and the query word it answers, if any (so several
/// hits on one query word do not outweigh two different ones).
#[derive(Debug, Clone, Copy)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub hit: Option<u32>,
}

/// Builds the snippet of `text` from its words in order (see [`crate::analysis::word_spans`]).
pub fn snippet(text: &str, words: &[Word]) -> String {
    let hits: Vec<(usize, u32)> = words.iter().enumerate().filter_map(|(i, w)| w.hit.map(|m| (i, m))).collect();
    let anchor = best_anchor(text, words, &hits);
    let (start, end) = window(text, words, anchor);
    let mut out = String::with_capacity(WINDOW + 64);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(i, _) in hits.iter().filter(|&&(i, _)| words[i].start >= start && words[i].end <= end) {
        let t = &words[i];
        out.push_str(&escape(&text[at..t.start]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[t.start..t.end]));
        out.push_str("</mark>");
        at = t.end;
    }
    out.push_str(&escape(&text[at..end]));
    if end < text.len() {
        out.push('…');
    }
    out
}

/// The byte offset `n` characters before `at` (or 0).
fn chars_back(text: &str, at: usize, n: usize) -> usize {
    text[..at].char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i)
}

/// The byte offset `n` characters after `at` (or the end).
fn chars_forward(text: &str, at: usize, n: usize) -> usize {
    text[at..].char_indices().nth(n).map_or(text.len(), |(i, _)| at + i)
}

/// The byte offset of the match whose window holds the most distinct matched terms.
fn best_anchor(text: &str, tokens: &[Word], hits: &[(usize, u32)]) -> usize {
    let mut best = (0, 0);
    for (k, &(i, _)) in hits.iter().enumerate().take(MAX_ANCHORS) {
        let from = tokens[i].start;
        let to = chars_forward(text, from, WINDOW - LEAD);
        let mut seen: Vec<u32> = Vec::new();
        for &(j, m) in &hits[k..] {
            if tokens[j].end > to {
                break;
            }
            if !seen.contains(&m) {
                seen.push(m);
            }
        }
        if seen.len() > best.1 {
            best = (from, seen.len());
        }
    }
    best.0
}

/// The window around `anchor`, snapped to whole words.
fn window(text: &str, tokens: &[Word], anchor: usize) -> (usize, usize) {
    let mut start = chars_back(text, anchor, LEAD);
    if start > 0 {
        start = tokens.iter().map(|t| t.start).find(|&s| s >= start).unwrap_or(anchor);
    }
    let limit = chars_forward(text, start, WINDOW);
    if limit >= text.len() {
        return (start, text.len());
    }
    let end = tokens.iter().take_while(|t| t.end <= limit).map(|t| t.end).last().unwrap_or(limit).max(start);
    // Never split a UTF-8 character, even when no word ends inside the window.
    let end = (end..=text.len()).find(|&e| text.is_char_boundary(e)).unwrap_or(text.len());
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(text: &str, marked: &[&str]) -> String {
        let words: Vec<Word> = crate::analysis::word_spans(text)
            .map(|(start, end)| {
                let w = text[start..end].to_lowercase();
                Word { start, end, hit: marked.iter().position(|m| *m == w).map(|p| p as u32) }
            })
            .collect();
        snippet(text, &words)
    }

    #[test]
    fn escapes_and_marks() {
        let s = marks("Vandet er <script>alert('x')</script> & kan drikkes", &["vandet", "script"]);
        assert_eq!(s, "<mark>Vandet</mark> er &lt;<mark>script</mark>&gt;alert(&#39;x&#39;)&lt;/<mark>script</mark>&gt; &amp; kan drikkes");
    }

    #[test]
    fn long_text_is_cut_around_the_best_cluster() {
        let filler = "lorem ipsum dolor sit amet ".repeat(30);
        let text = format!("strøm {filler} her er både strøm og vand nævnt {filler} slut");
        let s = marks(&text, &["strøm", "vand"]);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>strøm</mark> og <mark>vand</mark>"), "{s}");
        let visible = s.replace("<mark>", "").replace("</mark>", "");
        assert!(visible.chars().count() <= WINDOW + 2, "{} chars", visible.chars().count());
    }

    #[test]
    fn no_match_shows_the_start() {
        let text = "æøå ".repeat(100);
        let s = marks(&text, &["vand"]);
        assert!(s.starts_with("æøå") && s.ends_with('…') && !s.contains("<mark>"), "{s}");
        assert_eq!(marks("kort tekst", &[]), "kort tekst");
        assert_eq!(marks("", &["x"]), "");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,600}") {
            let words: Vec<Word> = crate::analysis::word_spans(&s)
                .map(|(start, end)| Word { start, end, hit: ((end - start) % 3 == 0).then_some((end - start) as u32) })
                .collect();
            let out = snippet(&s, &words);
            proptest::prop_assert!(!out.contains('<') || out.contains("<mark>"));
        }
    }
}
