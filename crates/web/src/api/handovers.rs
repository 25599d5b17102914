//! The chatbot's handed-over and low-confidence questions, grouped, and the one click that adds a
//! group's question to the guide.

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use app::handovers::{AdoptQuestion, Adopted, Handovers};
use axum::extract::State;
use axum::http::StatusCode;
use domain::Permission as P;
use uuid::Uuid;

/// The questions the chatbot handed over or answered with low confidence, grouped by similarity
#[utoipa::path(get, path = "/api/v1/incidents/{id}/inquiries/handovers", operation_id = "chatbot_handovers", extensions(("x-permission" = json!(P::ViewInquiries))),
    responses((status = OK, body = Handovers)))]
pub async fn list(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Handovers>, ApiError> {
    Ok(Json(s.app.handovers(&c.actor(), id).await?))
}

/// Add a group's question to the guide: as an example question of a published row (published at
/// once, or kept in the draft when the draft has other unpublished changes), or as a new row in
/// the draft
#[utoipa::path(post, path = "/api/v1/incidents/{id}/inquiries/handovers", operation_id = "adopt_chatbot_question", extensions(("x-permission" = json!(P::EditGuide))),
    responses((status = CREATED, body = Adopted)))]
pub async fn adopt(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(cmd): Json<AdoptQuestion>,
) -> Result<(StatusCode, Json<Adopted>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.adopt_question(&c.actor(), id, cmd).await?)))
}
