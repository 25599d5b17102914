//! `GET /api/v1/search?q=…&municipality=…`: one query box for agents over the live crisis guides
//! and the everyday guides, crisis guides of the caller's municipality first.

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Query};
use axum::extract::State;
use axum::http::StatusCode;
use domain::{Action, Actor};
use serde::Deserialize;
use serde_json::{Value, json};

pub const LIMIT_MAX: usize = 50;

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    pub municipality: Option<String>,
    pub limit: Option<usize>,
}

/// Runs a search for `actor`: checks the query and the municipality, and leaves out crisis hits
/// of incidents the actor may not see.
pub fn run(s: &AppState, actor: &Actor, p: &SearchParams) -> Result<Vec<search::Hit>, ApiError> {
    actor.may(Action::SearchGuides)?;
    let q = search::parse(&p.q).map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string()))?;
    let municipality = p.municipality.as_deref().map(str::trim).filter(|m| !m.is_empty());
    let crises = s.live.crises();
    if let Some(m) = municipality
        && crises.name(m).is_none()
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_municipality",
            format!("'{m}' is not a known municipality code (e.g. 0250)"),
        ));
    }
    let limit = p.limit.unwrap_or(20).clamp(1, LIMIT_MAX);
    // Hits the actor may not see are left out after ranking: ask for enough to still fill the list.
    let hits = s.live.search(&q, municipality, if actor.role == domain::Role::AuthorityEditor { LIMIT_MAX * 2 } else { limit });
    Ok(hits.into_iter().filter(|h| visible(&crises, actor, h)).take(limit).collect())
}

fn visible(crises: &crate::live::Crises, actor: &Actor, hit: &search::Hit) -> bool {
    if hit.kind != search::DocKind::Crisis {
        return true;
    }
    let incident = hit.id.split(':').nth(1).and_then(|i| i.parse().ok());
    incident.and_then(|i| crises.get(i)).is_some_and(|p| actor.sees(&p.incident.affected))
}

pub async fn search(State(s): State<AppState>, ApiCaller(c): ApiCaller, Query(p): Query<SearchParams>) -> Result<Json<Value>, ApiError> {
    let started = std::time::Instant::now();
    let hits = run(&s, &c.actor(), &p)?;
    Ok(Json(json!({ "query": p.q, "municipality": p.municipality, "hits": hits, "took_ms": started.elapsed().as_secs_f64() * 1000.0 })))
}
