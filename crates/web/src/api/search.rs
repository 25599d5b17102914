//! `GET /api/v1/search?q=…&municipality=…`: one query box for agents over the live crisis guides
//! and the everyday guides, crisis guides of the caller's municipality first.

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Query};
use axum::extract::State;
use domain::Actor;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    pub municipality: Option<String>,
    pub limit: Option<usize>,
}

/// Runs a search for `actor`.
pub fn run(s: &AppState, actor: &Actor, p: &SearchParams) -> Result<Vec<search::Hit>, ApiError> {
    Ok(s.app.search(actor, &p.q, p.municipality.as_deref(), p.limit)?)
}

pub async fn search(State(s): State<AppState>, ApiCaller(c): ApiCaller, Query(p): Query<SearchParams>) -> Result<Json<Value>, ApiError> {
    let started = std::time::Instant::now();
    let hits = run(&s, &c.actor(), &p)?;
    Ok(Json(json!({ "query": p.q, "municipality": p.municipality, "hits": hits, "took_ms": started.elapsed().as_secs_f64() * 1000.0 })))
}
