//! The spoken message as a small model of paragraphs, sentences and phone numbers, so that
//! the plain text, SSML 1.1 and the VoiceXML prompts say exactly the same words.

use crate::text::{self, Links};
use crate::{Published, xml::Writer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    /// A phone number, read digit group by digit group.
    Phone(String),
}

pub(crate) type Sentence = Vec<Piece>;
pub(crate) type Paragraph = Vec<Sentence>;

/// The message a caller hears: what happened, what to do, whom to call, when there is news.
pub(crate) fn message(p: &Published) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut intro = Vec::new();
    if p.incident.exercise {
        intro.push(words("Dette er en øvelse."));
    }
    intro.push(words(&full_stop(&text::bare_title(p))));
    out.push(intro);
    if p.is_closed() {
        out.push(vec![words("Krisen er afsluttet. Du kan kontakte kommunen som normalt.")]);
        return out;
    }
    out.extend(summary(&p.version.guide.citizen_summary));
    let urgent: Vec<Sentence> = text::contacts(p).into_iter().filter(|c| c.urgent).map(contact).collect();
    if !urgent.is_empty() {
        out.push(urgent);
    }
    if let Some(next) = p.version.guide.next_update_at {
        let when = text::danish_time(next, p.version.published_at);
        out.push(vec![words(&format!("Næste opdatering kommer {when}."))]);
    }
    out
}

/// Paragraphs at blank lines; every line a sentence; list bullets are not read out.
fn summary(md: &str) -> Vec<Paragraph> {
    let plain = text::plain(md, Links::WordsOnly);
    plain
        .split("\n\n")
        .map(|para| para.lines().map(|l| l.trim_start_matches("- ")).filter(|l| !l.is_empty()).map(|l| pieces(&full_stop(l))).collect())
        .filter(|para: &Paragraph| !para.is_empty())
        .collect()
}

fn contact(c: &domain::guide::Contact) -> Sentence {
    let name = text::one_line(&text::plain(&c.name, Links::WordsOnly));
    let note = text::one_line(&text::plain(&c.note, Links::WordsOnly));
    let note = note.trim_end_matches(['.', ':', ' ']);
    let lead = if note.is_empty() { format!("Ring til {name} på ") } else { format!("{note}: ring til {name} på ") };
    vec![Piece::Text(lead), Piece::Phone(text::phone(&c.phone)), Piece::Text(".".into())]
}

/// A sentence of plain words, with any phone numbers in it marked.
pub(crate) fn words(s: &str) -> Sentence {
    pieces(s)
}

fn full_stop(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || s.ends_with(['.', '!', '?', ':']) { s.to_string() } else { format!("{s}.") }
}

/// Splits text around the phone numbers in it: 8-digit Danish numbers (grouped by spaces,
/// optionally +45/0045) and 112, 114, 1813, standing alone, not part of a time like 14.30.
fn pieces(s: &str) -> Sentence {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut from, mut i) = (0, 0);
    while i < b.len() {
        let Some((end, alone)) = run_at(b, i) else {
            i += 1;
            continue;
        };
        let number = domain::guide::normalise_phone(&s[i..end]).filter(|n| alone && n != "1850");
        if let Some(n) = number {
            if from < i {
                out.push(Piece::Text(s[from..i].to_string()));
            }
            out.push(Piece::Phone(n));
            from = end;
        }
        i = end;
    }
    if from < s.len() {
        out.push(Piece::Text(s[from..].to_string()));
    }
    out
}

/// A run of digits and spaces (optionally after `+`) starting at `i`: its end, and whether it
/// stands alone rather than touching letters or continuing a number like "14.30" or "1/2".
fn run_at(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let start = if b[i] == b'+' { i + 1 } else { i };
    if start >= b.len() || !b[start].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
        return None;
    }
    let mut end = start;
    for (j, c) in b.iter().enumerate().skip(start) {
        match c {
            c if c.is_ascii_digit() => end = j + 1,
            b' ' => {}
            _ => break,
        }
    }
    let wordy = |c: u8| c.is_ascii_alphanumeric() || c >= 0x80 || c == b'_';
    let joins = |c: u8| matches!(c, b'.' | b',' | b':' | b'/' | b'-');
    let before = i == 0 || !(wordy(b[i - 1]) || (joins(b[i - 1]) && i >= 2 && b[i - 2].is_ascii_digit()));
    let after = end == b.len() || !(wordy(b[end]) || (joins(b[end]) && b.get(end + 1).is_some_and(u8::is_ascii_digit)));
    Some((end, before && after))
}

/// The words as plain text: sentences joined by spaces, paragraphs by line breaks.
pub(crate) fn to_text(paragraphs: &[Paragraph]) -> String {
    let sentence = |s: &Sentence| {
        s.iter()
            .map(|p| match p {
                Piece::Text(t) | Piece::Phone(t) => t.as_str(),
            })
            .collect::<String>()
    };
    paragraphs.iter().map(|para| para.iter().map(sentence).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n")
}

/// Writes `<p>`/`<s>` with `<say-as interpret-as="telephone">` and a short break between
/// paragraphs: the elements SSML 1.0 (inside VoiceXML) and SSML 1.1 share.
pub(crate) fn write(w: &mut Writer, paragraphs: &[Paragraph]) {
    for (i, para) in paragraphs.iter().enumerate() {
        if i > 0 {
            w.empty("break", &[("time", "400ms")]);
        }
        w.open("p", &[]);
        for s in para {
            w.open("s", &[]);
            for piece in s {
                match piece {
                    Piece::Text(t) => w.text(t),
                    Piece::Phone(n) => w.inline("say-as", &[("interpret-as", "telephone")], n),
                }
            }
            w.close_inline();
        }
        w.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones(s: &str) -> Vec<String> {
        pieces(s).into_iter().filter_map(|p| if let Piece::Phone(n) = p { Some(n) } else { None }).collect()
    }

    #[test]
    fn finds_phone_numbers_but_not_times_or_years() {
        assert_eq!(phones("Ring 112 eller 70 00 00 00."), ["112", "70 00 00 00"]);
        assert_eq!(phones("Ring +45 12345678, ellers 1813"), ["12 34 56 78", "1813"]);
        assert!(phones("kl. 14.30 den 23.11.2026, år 1850, 1/112, A112, 12345 og 123456789").is_empty());
        assert!(phones("Ring 1 12 34 56 78").is_empty(), "nine digits are not a number");
        assert_eq!(to_text(&[vec![pieces("Ring 112 nu, æøå 114")]]), "Ring 112 nu, æøå 114");
    }

    #[test]
    fn the_message_speaks_title_summary_urgent_contacts_and_next_update() {
        let p = crate::fixture::published();
        let text = to_text(&message(&p));
        assert_eq!(
            text,
            "IT-nedbrud: omstillingen er nede.\n\
             Kommunens telefoner virker ikke. Ring til kriselinjen, er det akut så ring 112.\n\
             Ved fare for liv: ring til Alarmcentralen på 112.\n\
             Næste opdatering kommer kl. 14.30."
        );
    }

    #[test]
    fn an_exercise_and_a_closed_incident_say_so() {
        let mut p = crate::fixture::published();
        p.incident.exercise = true;
        p.incident.status = domain::incident::Status::Closed;
        let text = to_text(&message(&p));
        assert!(text.starts_with("Dette er en øvelse. IT-nedbrud"), "{text}");
        assert!(text.contains("Krisen er afsluttet") && !text.contains("Næste opdatering"), "{text}");
    }
}
