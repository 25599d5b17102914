//! `GET /api/v1/search?q=…&municipality=…`: one query box for agents over the live crisis guides
//! and the everyday guides, crisis guides of the caller's municipality first.

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Query};
use axum::extract::State;
use domain::Actor;
use domain::Permission as P;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// What to look for.
    #[serde(default)]
    pub q: String,
    /// The caller's municipality code: its crisis guides come first.
    pub municipality: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchReply {
    query: String,
    municipality: Option<String>,
    /// Whether the chosen municipality has an everyday guide among the hits (none when no
    /// municipality was chosen): when not, the agent is told so plainly, and every hit is
    /// another municipality's or a crisis guide's.
    municipality_has_guide: Option<bool>,
    /// The caller's municipality first; every other hit names its municipality in its title.
    hits: Vec<search::Hit>,
    took_ms: f64,
}

/// Runs a search for `actor`.
pub fn run(s: &AppState, actor: &Actor, p: &SearchParams) -> Result<Vec<search::Hit>, ApiError> {
    Ok(s.app.search(actor, &p.q, p.municipality.as_deref(), p.limit)?)
}

/// The chosen municipality (trimmed), if any.
pub fn chosen(p: &SearchParams) -> Option<&str> {
    p.municipality.as_deref().map(str::trim).filter(|m| !m.is_empty())
}

/// Whether the chosen municipality has an everyday guide among the hits.
pub fn has_guide(p: &SearchParams, hits: &[search::Hit]) -> Option<bool> {
    chosen(p).map(|_| search::caller_has_guide(hits))
}

/// Search the live crisis guides and the everyday guides (?q=…&municipality=…&limit=…)
#[utoipa::path(get, path = "/api/v1/search", extensions(("x-permission" = json!(P::SearchGuides))),
    params(SearchParams), responses((status = OK, body = SearchReply)))]
pub async fn search(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(p): Query<SearchParams>,
) -> Result<Json<SearchReply>, ApiError> {
    let started = std::time::Instant::now();
    let hits = run(&s, &c.actor(), &p)?;
    let took_ms = started.elapsed().as_secs_f64() * 1000.0;
    let municipality_has_guide = has_guide(&p, &hits);
    Ok(Json(SearchReply { query: p.q, municipality: p.municipality, municipality_has_guide, hits, took_ms }))
}
