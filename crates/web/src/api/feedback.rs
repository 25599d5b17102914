use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::feedback::{FeedbackState, NewFeedback};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

pub async fn send(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(f): Json<NewFeedback>,
) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, Json(json!(s.app.send_feedback(&c.actor(), id, f).await?))).into_response())
}

pub async fn list(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "feedback": s.app.feedback(&c.actor(), id).await? })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handle {
    state: FeedbackState,
    resolved_by_version: Option<i64>,
}

pub async fn handle(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, fid)): Path<(Uuid, Uuid)>,
    Json(h): Json<Handle>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.handle_feedback(&c.actor(), id, fid, h.state, h.resolved_by_version).await?)))
}
