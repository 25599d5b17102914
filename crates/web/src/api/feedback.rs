use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use domain::Permission as P;
use domain::feedback::{Feedback, FeedbackState, NewFeedback};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Feedback on a guide version and section
#[utoipa::path(post, path = "/api/v1/incidents/{id}/feedback", extensions(("x-permission" = json!(P::SendFeedback))),
    responses((status = CREATED, body = Feedback)))]
pub async fn send(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(f): Json<NewFeedback>,
) -> Result<(StatusCode, Json<Feedback>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.send_feedback(&c.actor(), id, f).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackList {
    feedback: Vec<Feedback>,
}

/// Feedback on the guide, what is routed to the caller first
#[utoipa::path(get, path = "/api/v1/incidents/{id}/feedback", operation_id = "list_feedback",
    extensions(("x-permission" = json!(P::HandleFeedback))), responses((status = OK, body = FeedbackList)))]
pub async fn list(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<FeedbackList>, ApiError> {
    Ok(Json(FeedbackList { feedback: s.app.feedback(&c.actor(), id).await? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FeedbackUpdate)]
pub struct Handle {
    state: FeedbackState,
    /// With `resolved`: the version that resolved it.
    resolved_by_version: Option<i64>,
}

/// Acknowledge feedback, or resolve it by a newer version
#[utoipa::path(put, path = "/api/v1/incidents/{id}/feedback/{item}", extensions(("x-permission" = json!(P::HandleFeedback))),
    responses((status = OK, body = Feedback)))]
pub async fn handle(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, item)): Path<(Uuid, Uuid)>,
    Json(h): Json<Handle>,
) -> Result<Json<Feedback>, ApiError> {
    Ok(Json(s.app.handle_feedback(&c.actor(), id, item, h.state, h.resolved_by_version).await?))
}
