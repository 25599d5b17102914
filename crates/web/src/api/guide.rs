use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::guide::Guide;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

pub async fn save(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(g): Json<Guide>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "draft": s.app.save_guide_draft(&c.actor(), id, g).await? })))
}

pub async fn draft(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "draft": s.app.guide_draft(&c.actor(), id).await? })))
}

pub async fn publish(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let v = s.app.publish_guide(&c.actor(), id).await?;
    Ok((StatusCode::CREATED, Json(json!({ "version": v.version, "published_at": domain::time::rfc3339(v.published_at) }))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    version: Option<i64>,
}

pub async fn published(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<Value>, ApiError> {
    let (v, changes) = s.app.published_guide(&c.actor(), id, q.version).await?;
    let mut out = json!(v);
    out["changes"] = json!(changes);
    out["freshness"] = json!(s.app.guide_state(&c.actor(), id).await?.1);
    Ok(Json(out))
}
