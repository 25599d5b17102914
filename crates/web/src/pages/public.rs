//! The public crisis pages for citizens: `/krise` lists the municipalities with an active
//! crisis, `/krise/{code}` shows the approved citizen wording of each live crisis there. Never a
//! draft, the purpose, the agents' actions or anything internal. No login; cacheable (ETag,
//! short max-age), rendered once per change and served from memory, live with JavaScript by
//! revalidating, readable and printable without it, and embeddable on the municipality's site.

use super::guide_view::{contacts, md};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::{Lang, t, tf};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::event::EventKind;
use domain::guide::Version;
use domain::incident::{Incident, Status};
use maud::{DOCTYPE, Markup, html};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a rendering is served without asking the database; events clear it sooner.
const TTL: Duration = Duration::from_secs(1);
const CACHE_CONTROL: &str = "public, max-age=10, stale-while-revalidate=30";
/// Citizens get Danish: the pages are the same for everyone, cached and embedded as they are.
const LANG: Lang = Lang::Da;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/krise", get(index))
        .route("/krise/{code}", get(|s, p, h| crisis(s, p, h, false)))
        .route("/krise/{code}/embed", get(|s, p, h| crisis(s, p, h, true)))
}

/// A rendered public page.
#[derive(Clone)]
struct Rendered {
    at: Instant,
    etag: String,
    body: axum::body::Bytes,
}

/// Renderings by path, dropped when the TTL runs out or an event changes what citizens see.
#[derive(Default)]
pub struct PublicCache(RwLock<HashMap<String, Rendered>>);

impl PublicCache {
    fn get(&self, key: &str) -> Option<Rendered> {
        self.0.read().expect("cache lock").get(key).filter(|r| r.at.elapsed() < TTL).cloned()
    }

    fn put(&self, key: String, body: String) -> Rendered {
        let etag = format!("\"{}\"", &hex(&Sha256::digest(body.as_bytes()))[..32]);
        let r = Rendered { at: Instant::now(), etag, body: axum::body::Bytes::from(body) };
        self.0.write().expect("cache lock").insert(key, r.clone());
        r
    }

    pub fn clear(&self) {
        self.0.write().expect("cache lock").clear();
    }

    /// Clears the cache whenever a published guide, its freshness or an incident's status changes.
    pub fn follow(cache: Arc<PublicCache>, mut bus: tokio::sync::broadcast::Receiver<domain::event::Committed>) {
        tokio::spawn(async move {
            loop {
                match bus.recv().await {
                    Ok(e) if matches!(e.kind, EventKind::GuidePublished | EventKind::GuideOverdue | EventKind::IncidentStatus) => {
                        cache.clear()
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => cache.clear(),
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        });
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

fn crisis_article(i: &Incident, v: &Version, crisis_line: Option<&str>) -> Markup {
    let g = &v.guide;
    // The situations are worded for agents; citizens get only the answers written for them.
    let answers: Vec<_> = g.situations.iter().map(|s| s.citizen_text.trim()).filter(|t| !t.is_empty()).collect();
    html! {
        article.public-crisis aria-labelledby={ "c-" (i.id) } {
            h2 id={ "c-" (i.id) } { (i.title) @if i.exercise { " " span.badge.exercise { (t(LANG, "exercise")) } } }
            p { span class={ "badge status-" (i.status) } { (status_text(i.status)) } }
            div.citizen-summary { (md(&g.citizen_summary)) }
            @if let Some(line) = crisis_line {
                p.crisis-line { (t(LANG, "public.crisis_line")) " " a href={ "tel:" (line.replace(' ', "")) } { strong { (line) } } }
            }
            dl.facts {
                @if let Some(at) = g.started_at { dt { (t(LANG, "public.started")) } dd { (super::local_time(at)) } }
                dt { (t(LANG, "public.expected_duration")) } dd { (g.expected_duration) }
                @if let Some(at) = g.next_update_at { dt { (t(LANG, "public.next_update")) } dd { (super::local_time(at)) } }
                dt { (t(LANG, "public.updated")) } dd { (super::local_time(v.published_at)) }
            }
            @if !answers.is_empty() {
                h3 { (t(LANG, "public.answers")) }
                ul.answers { @for a in answers { li { (md(a)) } } }
            }
            h3 { (t(LANG, "public.contacts")) }
            (contacts(LANG, &g.contacts))
        }
    }
}

async fn crisis(State(s): State<AppState>, Path(code): Path<String>, headers: HeaderMap, embed: bool) -> Result<Response, ApiError> {
    let key = format!("{code}{}", if embed { "/embed" } else { "" });
    if let Some(r) = s.public.get(&key) {
        return Ok(respond(&r, &headers, embed));
    }
    // One row, not the list: every cached page expires each second, and the requests that arrive
    // while it is rendered again all wait for that rendering.
    let org = s.app.public_organisation(&code).await?.ok_or_else(|| ApiError::not_found("municipality"))?;
    let guides = s.app.public_guides(Some(&code)).await?;
    let crisis_line = s.app.config().crisis_line.as_deref();
    let title = tf(LANG, "public.crisis_in", &[("name", &org.name)]);
    let body = html! {
        h1 { @if guides.is_empty() { (org.name) } @else { (title) } }
        @if guides.is_empty() {
            p { (tf(LANG, "public.no_crisis_in", &[("name", &org.name)])) }
        }
        @for (i, v) in &guides { (crisis_article(i, v, crisis_line)) }
        @if !embed {
            p.noprint { a href="/krise" { (t(LANG, "public.all")) } " · " button.link type="button" data-print { (t(LANG, "public.print")) } }
        }
    };
    let r = s.public.put(key, frame(&title, body, embed));
    Ok(respond(&r, &headers, embed))
}

async fn index(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(r) = s.public.get("") {
        return Ok(respond(&r, &headers, false));
    }
    let guides = s.app.public_guides(None).await?;
    let orgs = s.app.public_organisations().await?;
    let mut codes: Vec<&str> = guides.iter().flat_map(|(i, _)| i.affected.iter().map(String::as_str)).collect();
    codes.sort_unstable();
    codes.dedup();
    let body = html! {
        h1 { (t(LANG, "public.index_title")) }
        @if codes.is_empty() { p { (t(LANG, "public.none")) } }
        ul.cards {
            @for code in &codes {
                @let name = orgs.iter().find(|o| o.code == *code).map_or(*code, |o| o.name.as_str());
                li.card { a href={ "/krise/" (code) } { (name) } }
            }
        }
    };
    let r = s.public.put(String::new(), frame(t(LANG, "public.index_title"), body, false));
    Ok(respond(&r, &headers, false))
}
