//! The agents' one query box: `/agent/search` over the live crisis guides and the everyday
//! guides, and `/agent/guides/{code}/{slug}` to read an everyday guide.

use super::{Ctx, PageError, PageResult, Path, page};
use crate::AppState;
use crate::api::search::{SearchParams, chosen, has_guide, run};
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use domain::Permission;
use maud::{Markup, PreEscaped, html};

pub fn routes() -> Router<AppState> {
    Router::new().route("/agent/search", get(results)).route("/agent/guides/{code}/{slug}", get(everyday))
}

/// The search box; the municipality defaults to the agent's own.
pub fn search_form(ctx: &Ctx, q: &str, municipality: Option<&str>) -> Markup {
    let municipality = municipality.unwrap_or(&ctx.caller.user.org);
    html! {
        form.search role="search" method="get" action="/agent/search" {
            label for="search-q" { (ctx.t("search.label")) }
            div.search-bar {
                input #search-q type="search" name="q" value=(q) required maxlength="500" autocomplete="off";
                label.visually-hidden for="search-municipality" { (ctx.t("agent.caller_municipality")) }
                // Chosen by name: an agent knows "Greve", not 0253.
                select #search-municipality name="municipality" title=(ctx.t("agent.caller_municipality")) data-remember="municipality" {
                    @for (code, name) in municipalities() {
                        option value=(code) selected[code == municipality] { (name) }
                    }
                }
                button type="submit" { (ctx.t("search.button")) }
            }
        }
    }
}

/// The municipalities by name, from the reference data (their names and codes do not change).
fn municipalities() -> &'static [(String, String)] {
    static ALL: std::sync::LazyLock<Vec<(String, String)>> = std::sync::LazyLock::new(|| {
        let mut all: Vec<(String, String)> =
            domain::org::reference().into_iter().filter(|o| domain::org::is_municipality_code(&o.code)).map(|o| (o.code, o.name)).collect();
        all.sort_by(|a, b| a.1.cmp(&b.1));
        all
    });
    &ALL
}

async fn results(State(s): State<AppState>, ctx: Ctx, Query(p): Query<SearchParams>) -> PageResult {
    let err = PageError::from(ctx.lang);
    ctx.caller.actor().may(Permission::SearchGuides).map_err(&err)?;
    let outcome = run(&s, &ctx.caller.actor(), &p);
    let body = html! {
        p.crumbs { a href="/agent" { (ctx.t("agent.title")) } }
        h1 { (ctx.t("search.title")) }
        (search_form(&ctx, &p.q, p.municipality.as_deref()))
        @match &outcome {
            // The query's problems in the caller's language, by their code.
            Err(e) => p.error role="alert" {
                (match e.code {
                    "query_empty" => ctx.t("search.query_empty"),
                    "query_too_long" => ctx.t("search.query_too_long"),
                    _ => ctx.t("search.invalid"),
                })
            }
            Ok(hits) if hits.is_empty() => p role="status" { (ctx.t("search.none")) }
            Ok(hits) => {
                p role="status" { (crate::i18n::counted(ctx.lang, "search.hits", hits.len())) }
                @let own = hits.iter().take_while(|h| h.for_caller).count();
                @if own > 0 { ol.hits { @for h in &hits[..own] { (hit(&ctx, h)) } } }
                @if has_guide(&p, hits) == Some(false) {
                    p.notice.no-guide { (no_guide(&s, &ctx, chosen(&p).unwrap_or_default())) }
                }
                @if own < hits.len() { ol.hits start=(own + 1) { @for h in &hits[own..] { (hit(&ctx, h)) } } }
            }
        }
    };
    Ok(page(&ctx, ctx.t("search.title"), body, None))
}

/// "Greve Kommune har ingen guide om dette": said before the other municipalities' hits.
fn no_guide(s: &AppState, ctx: &Ctx, code: &str) -> String {
    let name = s.app.live().crises().name(code).map_or_else(|| code.to_string(), |n| domain::org::display_name(code, n));
    crate::i18n::tf(ctx.lang, "search.no_guide", &[("name", &name)])
}

fn hit(ctx: &Ctx, h: &search::Hit) -> Markup {
    html! {
        li.hit {
            h2 { a href=(h.url) { (h.title) } " " span class={ "badge kind-" (kind(h.kind)) } { (kind_label(ctx, h.kind)) } }
            // Plain text (the Markdown stripped), escaped by the search crate; only <mark> is added.
            p.snippet { (PreEscaped(&h.snippet)) }
        }
    }
}

fn kind_label(ctx: &Ctx, k: search::DocKind) -> &'static str {
    match k {
        search::DocKind::Crisis => ctx.t("search.kind.crisis"),
        search::DocKind::Everyday => ctx.t("search.kind.everyday"),
    }
}

fn kind(k: search::DocKind) -> &'static str {
    match k {
        search::DocKind::Crisis => "crisis",
        search::DocKind::Everyday => "everyday",
    }
}

async fn everyday(State(s): State<AppState>, ctx: Ctx, Path((code, slug)): Path<(String, String)>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let g = s.app.everyday_guide(&ctx.caller.actor(), &code, &slug).await.map_err(&err)?;
    let g = g.ok_or_else(|| err(app::Error::not_found("guide")))?;
    let name = s.app.live().crises().name(&code).unwrap_or(&code).to_string();
    let body = html! {
        p.crumbs { a href="/agent" { (ctx.t("agent.title")) } }
        h1 { (g.title) }
        p.meta { (ctx.t("search.everyday_for")) " " (name) " (" (code) ")" }
        div.everyday { (PreEscaped(domain::markdown::document_to_html(&g.body))) }
    };
    Ok(page(&ctx, &g.title, body, None))
}
