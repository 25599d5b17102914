//! Pieces of a published guide shared by the agent console, the editing page and the public page.

use crate::i18n::{Lang, t};
use domain::guide::{Contact, Freshness};
use maud::{Markup, PreEscaped, html};

/// The guide's Markdown subset as sanitised HTML.
pub fn md(text: &str) -> Markup {
    PreEscaped(domain::markdown::to_html(text))
}

/// "Next update expected 23.11.2026 14:00" with a live countdown, or the overdue warning.
pub fn freshness(lang: Lang, f: Option<&Freshness>) -> Markup {
    html! {
        @match f {
            Some(f) if f.is_overdue() => {
                p.freshness.overdue role="alert" {
                    strong { (t(lang, "guide.overdue")) } " "
                    (t(lang, "guide.was_due")) " " (super::local_time(f.next_update_at)) "."
                }
            }
            Some(f) => {
                p.freshness {
                    (t(lang, "guide.next_update")) " " (super::local_time(f.next_update_at))
                    " " span.countdown data-countdown=(domain::time::rfc3339(f.next_update_at)) {}
                }
            }
            None => p.freshness { (t(lang, "guide.unpublished")) }
        }
    }
}

/// Contacts, urgent ones first, phone numbers as tap-to-call links.
pub fn contacts(lang: Lang, list: &[Contact]) -> Markup {
    let mut sorted: Vec<&Contact> = list.iter().collect();
    sorted.sort_by_key(|c| !c.urgent);
    html! {
        ul.contacts {
            @for c in sorted {
                li class=[c.urgent.then_some("urgent")] {
                    strong { (c.name) } " "
                    a href={ "tel:" (c.phone.replace(' ', "")) } { (c.phone) }
                    @if c.urgent { " " span.badge.urgent-badge { (t(lang, "guide.urgent")) } }
                    @if !c.note.is_empty() { br; span.meta { (c.note) } }
                }
            }
        }
    }
}
