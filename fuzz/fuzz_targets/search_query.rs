//! Fuzzes the search query parser and what runs behind it (`search::parse`, `Index::search`,
//! `Answers::respond`, with the thesaurus and dictionary expansions) with any UTF-8 text, as the search box and the chatbot receive it.
//!
//! Nothing may panic; a refused query says why with one of the three error codes; an accepted one
//! is searched over a small Danish index whose snippets must hold escaped text and no markup but
//! `<mark>`/`</mark>`; the chatbot must answer with a candidate that exists and a confidence in [0, 1].

#![no_main]

use libfuzzer_sys::fuzz_target;
use search::{Answers, Candidate, Doc, DocKind, Index, Reply, Section, parse};
use std::sync::OnceLock;

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut ix = Index::new();
        let docs = [
            ("Strømafbrydelse – ingen strøm", "Netselskabet forventer strøm i aften. Hold køleskabet lukket. <b>Ikke</b> & \"citat\"."),
            ("Drikkevand skal koges", "Kog vandet i ét minut før du drikker det. Hanevand til tandbørstning skal også koges."),
            ("Pas og kørekort", "Bestil tid i Borgerservice. Husk det gamle pas og et foto."),
        ];
        for (i, (title, body)) in docs.iter().enumerate() {
            let group = format!("g{i}");
            let doc = Doc {
                id: group.clone(),
                group: group.clone(),
                kind: if i == 2 { DocKind::Everyday } else { DocKind::Crisis },
                municipalities: vec!["0250".into()],
                title: title.to_string(),
                body: body.to_string(),
                url: format!("/x/{i}"),
            };
            ix.replace_group(&group, vec![doc]);
        }
        ix
    })
}

fn answers() -> &'static Answers {
    static ANSWERS: OnceLock<Answers> = OnceLock::new();
    ANSWERS.get_or_init(|| {
        let c = |section, situation, text: &str| Candidate {
            incident: "i".into(),
            version: 1,
            section,
            situation,
            municipalities: vec!["0250".into()],
            incident_title: "Strømafbrydelse".into(),
            match_text: text.into(),
            answer: text.into(),
            example: false,
        };
        let row = c(Section::Situation, Some(0), "Hvornår kommer strømmen igen? Netselskabet forventer strøm i aften.");
        // The expansions too: Debian's thesaurus and dictionary where installed, as the server reads them.
        let (resources, _) = search::Resources::load(&search::resources::Paths::default());
        Answers::with_resources(
            vec![
                c(Section::CitizenSummary, None, "Der er strømafbrydelse i kommunen."),
                row.asked_as("hvornår får vi elektricitet"),
                row,
                c(Section::Contacts, None, "Alarmcentralen: 112"),
                Candidate::everyday("0250", "pas", "Pas", "Bestil tid til nyt pas i Borgerservice."),
            ],
            std::sync::Arc::new(resources),
        )
    })
}

/// Snippets are text with `<mark>` around matches: nothing else may look like markup.
fn check_snippet(s: &str) {
    let rest = s.replace("<mark>", "").replace("</mark>", "");
    assert!(!rest.contains('<') && !rest.contains('>') && !rest.contains('"'), "markup in snippet: {s:?}");
    for (i, _) in rest.match_indices('&') {
        let tail = &rest[i..];
        assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x27;"].iter().any(|e| tail.starts_with(e)), "raw & in snippet: {s:?}");
    }
}

fuzz_target!(|text: &str| {
    match parse(text) {
        Ok(q) => {
            for m in [None, Some("0250"), Some("0101")] {
                for hit in index().search(&q, m, 10) {
                    check_snippet(&hit.snippet);
                }
            }
        }
        Err(e) => assert!(["query_empty", "query_too_long", "query_invalid"].contains(&e.code()), "unknown code {}", e.code()),
    }
    let a = answers();
    match a.respond(text, Some("0250")) {
        Reply::Answer { candidate, confidence } => {
            assert!(candidate < a.len() && (0.0..=1.0).contains(&confidence), "{candidate} {confidence}");
            assert!(a.candidate(candidate).section != Section::Everyday, "an everyday guide is never a crisis answer");
        }
        Reply::Everyday { candidate, confidence } => {
            assert!(a.candidate(candidate).section == Section::Everyday && (0.0..=1.0).contains(&confidence), "{candidate} {confidence}");
        }
        Reply::NotCovered { confidence, .. } => assert!((0.0..=1.0).contains(&confidence), "{confidence}"),
        _ => {}
    }
});
