//! The public crisis pages for citizens: `/krise` lists the municipalities with an active
//! crisis, `/krise/{code}` shows the approved citizen wording of each live crisis there. Never a
//! draft, the purpose, the agents' actions or anything internal. No login; cacheable (ETag,
//! short max-age), rendered once per change and served from memory, live with JavaScript by
//! revalidating, readable and printable without it, and embeddable on the municipality's site.

use super::guide_view::{contacts, md};
use crate::AppState;
use crate::i18n::{Lang, t, tf};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use channels::Published;
use domain::guide::Version;
use domain::incident::{Incident, Status};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::RwLock;

const CACHE_CONTROL: &str = "public, max-age=10, stale-while-revalidate=30, stale-if-error=86400";
/// Citizens get Danish: the pages are the same for everyone, cached and embedded as they are.
const LANG: Lang = Lang::Da;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/krise", get(index))
        .route("/krise/{code}", get(|s, p, h| crisis(s, p, h, false)))
        .route("/krise/{code}/embed", get(|s, p, h| crisis(s, p, h, true)))
        .route("/vejledning/{code}/{slug}", get(everyday))
}

/// A municipality's everyday guide, where the chatbot sends a citizen with an everyday matter.
async fn everyday(State(s): State<AppState>, Path((code, slug)): Path<(String, String)>) -> Response {
    match s.app.public_everyday_guide(&code, &slug).await {
        Ok(Some(g)) => {
            let body = html! {
                h1 { (g.title) }
                div.everyday { (PreEscaped(domain::markdown::document_to_html(&g.body))) }
            };
            super::callout::public_page(LANG, &g.title, body)
        }
        Ok(None) => super::PageError::Api(crate::error::ApiError::not_found("guide"), LANG).into_response(),
        Err(e) => super::PageError::from(LANG)(e).into_response(),
    }
}

/// A rendered public page, and the snapshot of the published guides it was rendered from.
#[derive(Clone)]
struct Rendered {
    generation: u64,
    etag: String,
    body: axum::body::Bytes,
}

/// Renderings by path. They are made from the live snapshot that the chatbot, the IVR and CAP
/// answer from (never from the database), and stay current until the event bus brings a new
/// snapshot: so a page answers from memory while the database is away, with the last published
/// words, and is rendered once per change.
#[derive(Default)]
pub struct PublicCache(RwLock<HashMap<String, Rendered>>);

impl PublicCache {
    fn get(&self, key: &str, generation: u64) -> Option<Rendered> {
        self.0.read().expect("cache lock").get(key).filter(|r| r.generation == generation).cloned()
    }

    fn put(&self, key: String, generation: u64, body: String) -> Rendered {
        let etag = format!("\"{}\"", &hex(&Sha256::digest(body.as_bytes()))[..32]);
        let r = Rendered { generation, etag, body: axum::body::Bytes::from(body) };
        let mut all = self.0.write().expect("cache lock");
        // Municipalities are few; this bounds what requests for unknown paths could add.
        if all.len() > 1000 {
            all.retain(|_, r| r.generation == generation);
        }
        all.insert(key, r.clone());
        r
    }
}

/// Lowercase hex, for hashes sent or kept as text.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn respond(r: &Rendered, headers: &HeaderMap, embed: bool) -> Response {
    let policy = if embed { crate::headers::CSP_EMBEDDABLE } else { crate::headers::CSP };
    let common = [
        (header::ETAG, r.etag.clone()),
        (header::CACHE_CONTROL, CACHE_CONTROL.to_string()),
        (header::CONTENT_SECURITY_POLICY, policy.to_string()),
    ];
    let matches =
        headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == r.etag));
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (common, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], r.body.clone()).into_response()
}

fn frame(title: &str, body: Markup, embed: bool) -> String {
    html! {
        (DOCTYPE)
        html lang=(LANG.code()) {
            head {
                (super::head_start(title))
                @if embed { base target="_top"; }
                script src="/static/public.js" defer {}
            }
            body.public {
                @if !embed {
                    a.skip href="#main" { (t(LANG, "skip")) }
                    header.top { a.brand href="/krise" { (t(LANG, "public.title")) } }
                }
                main #main tabindex="-1" data-refresh="10" { (body) }
            }
        }
    }
    .into_string()
}

fn status_text(s: Status) -> &'static str {
    match s {
        Status::StandingDown => t(LANG, "public.standing_down"),
        _ => t(LANG, "public.active"),
    }
}

/// "Call the crisis line", with the number to tap.
fn crisis_line_text(line: &str) -> Markup {
    html! { p.crisis-line { (t(LANG, "public.crisis_line")) " " a href={ "tel:" (line.replace(' ', "")) } { strong { (line) } } } }
}

/// An update due at `at` that has not come.
fn late(at: time::OffsetDateTime) -> bool {
    at <= domain::time::now()
}

/// The renderings of a page differ by whether each of its crises' updates is late yet: that
/// changes with the clock, not with the snapshot.
fn lateness<'a>(guides: impl IntoIterator<Item = &'a Published>) -> String {
    guides.into_iter().map(|p| if p.version.guide.next_update_at.is_some_and(late) { '1' } else { '0' }).collect()
}

fn crisis_article(i: &Incident, v: &Version, crisis_line: Option<&str>) -> Markup {
    let g = &v.guide;
    // The situations are worded for agents; citizens get the answers written for them, each
    // under the question it answers.
    let answers: Vec<_> = g.situations.iter().filter(|s| !s.citizen_text.trim().is_empty()).collect();
    html! {
        article.public-crisis aria-labelledby={ "c-" (i.id) } {
            h2 id={ "c-" (i.id) } { (i.title) }
            p { span class={ "badge status-" (i.status) } { (status_text(i.status)) } }
            @if !g.affected_area.is_empty() {
                p.area { strong { (t(LANG, "public.area")) ": " } (g.affected_area) }
            }
            div.citizen-summary { (md(&g.citizen_summary)) }
            @if let Some(line) = crisis_line {
                (crisis_line_text(line))
            }
            dl.facts {
                @if let Some(at) = g.started_at { dt { (t(LANG, "public.started")) } dd { (super::local_time(at)) } }
                dt { (t(LANG, "public.expected_duration")) } dd { (g.expected_duration) }
                @if let Some(at) = g.next_update_at {
                    dt { (t(LANG, "public.next_update")) }
                    // Past its time, the page says the update is late rather than show a time gone by.
                    @if late(at) { dd.late { (t(LANG, "public.update_late")) } } @else { dd { (super::local_time(at)) } }
                }
                dt { (t(LANG, "public.updated")) } dd { (super::local_time(v.published_at)) }
            }
            @if !answers.is_empty() {
                h3 { (t(LANG, "public.answers")) }
                div.answers {
                    @for a in answers {
                        // Versions published before rows had a question show the answer alone.
                        @if !a.question.is_empty() { h4 { (a.question) } }
                        div.answer { (md(&a.citizen_text)) }
                    }
                }
            }
            h3 { (t(LANG, "public.contacts")) }
            (contacts(LANG, &g.contacts))
        }
    }
}

/// A page that cannot be shown, as a Danish page that still gives the crisis line: never JSON.
fn unavailable(s: &AppState, status: StatusCode, message: &str) -> Response {
    let crisis_line = s.app.config().crisis_line.as_deref();
    let body = html! {
        h1 { (t(LANG, "public.title")) }
        div.notice role="alert" { p { (message) } }
        @if let Some(line) = crisis_line {
            (crisis_line_text(line))
        }
        p { a href="/krise" { (t(LANG, "public.all")) } }
    };
    let retry = (status == StatusCode::SERVICE_UNAVAILABLE).then_some(crate::error::RETRY_AFTER_UNAVAILABLE);
    let headers = [(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")];
    (status, crate::error::retry_header(retry), headers, frame(t(LANG, "public.title"), body, false)).into_response()
}

/// Before the live snapshot is first read, "no crisis" must not be said.
fn loading(s: &AppState) -> Response {
    unavailable(s, StatusCode::SERVICE_UNAVAILABLE, t(LANG, "public.loading"))
}

async fn crisis(State(s): State<AppState>, Path(code): Path<String>, headers: HeaderMap, embed: bool) -> Response {
    let Ok(crises) = s.app.live().loaded_crises() else { return loading(&s) };
    // An exercise is practice for the staff: citizens never read it here.
    let guides: Vec<&Published> = crises.published.iter().filter(|p| !p.incident.exercise && p.incident.affected.contains(&code)).collect();
    let over = all_clears(&crises, &code);
    let key = format!("{code}{}#{}#{}", if embed { "/embed" } else { "" }, lateness(guides.iter().copied()), over.len());
    if let Some(r) = s.public.get(&key, crises.generation) {
        return respond(&r, &headers, embed);
    }
    let Some(name) = crises.name(&code) else {
        return unavailable(&s, StatusCode::NOT_FOUND, &tf(LANG, "public.unknown", &[("code", &code)]));
    };
    let crisis_line = s.app.config().crisis_line.as_deref();
    let title = tf(LANG, "public.crisis_in", &[("name", name)]);
    let body = html! {
        h1 { @if guides.is_empty() { (name) } @else { (title) } }
        @if guides.is_empty() {
            p { (tf(LANG, "public.no_crisis_in", &[("name", name)])) }
        }
        @for p in &guides { (crisis_article(&p.incident, &p.version, crisis_line)) }
        (all_clear_section(&over))
        @if !embed {
            p.noprint { a href="/krise" { (t(LANG, "public.all")) } " · " button.link type="button" data-print { (t(LANG, "public.print")) } }
        }
    };
    let r = s.public.put(key, crises.generation, frame(&title, body, embed));
    respond(&r, &headers, embed)
}

/// The crises here that closed within the day, with the all-clear they closed with: from the
/// same snapshot as the live ones. The clock ends them, so the count is part of the page's key.
fn all_clears<'a>(crises: &'a app::live::Crises, code: &str) -> Vec<(&'a Incident, &'a str)> {
    let now = domain::time::now();
    let here = crises.closed.iter().filter(|p| !p.incident.exercise && p.incident.affected.iter().any(|c| c == code));
    here.filter_map(|p| p.incident.all_clear_shown(now).map(|text| (&p.incident, text))).collect()
}

/// "Krisen er ovre": each all-clear under the crisis it ends, with when it closed.
fn all_clear_section(over: &[(&Incident, &str)]) -> Markup {
    html! {
        @for (i, text) in over {
            article.public-crisis.all-clear aria-labelledby={ "over-" (i.id) } {
                h2 id={ "over-" (i.id) } { (i.title) }
                p { span.badge.status-closed { (t(LANG, "public.closed")) } }
                div.all-clear-text { (super::paragraphs(text)) }
                @if let Some(at) = i.closed_at { p.meta { (t(LANG, "public.closed_at")) " " (super::local_time(at)) } }
            }
        }
    }
}

async fn index(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let Ok(crises) = s.app.live().loaded_crises() else { return loading(&s) };
    // A crisis closed within the day stays listed, for its all-clear; the clock ends that.
    let now = domain::time::now();
    let over: Vec<&Incident> =
        crises.closed.iter().map(|p| &p.incident).filter(|i| !i.exercise && i.all_clear_shown(now).is_some()).collect();
    let key = format!("#{}", over.len());
    if let Some(r) = s.public.get(&key, crises.generation) {
        return respond(&r, &headers, false);
    }
    let real = || crises.published.iter().map(|p| &p.incident).filter(|i| !i.exercise);
    let live = |code: &str| real().any(|i| i.affected.iter().any(|c| c == code));
    let mut codes: Vec<&str> = real().chain(over.iter().copied()).flat_map(|i| i.affected.iter().map(String::as_str)).collect();
    codes.sort_unstable();
    codes.dedup();
    let body = html! {
        h1 { (t(LANG, "public.index_title")) }
        @if codes.is_empty() { p { (t(LANG, "public.none")) } }
        ul.cards {
            @for code in &codes {
                li.card {
                    a href={ "/krise/" (code) } { (crises.name(code).unwrap_or(code)) }
                    @if !live(code) { " " span.badge.status-closed { (t(LANG, "public.closed")) } }
                }
            }
        }
    };
    let r = s.public.put(key, crises.generation, frame(t(LANG, "public.index_title"), body, false));
    respond(&r, &headers, false)
}
