//! The public chatbot's endpoints: no login, rate-limited per client.

use crate::AppState;
use crate::auth::ClientIp;
use crate::error::{ApiError, Json};
use app::chat::ChatReply;
use axum::extract::State;
use axum::http::StatusCode;
use domain::chat::ChatRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The public chatbot: approved citizen wording only, or a handover; rate-limited per client
#[utoipa::path(post, path = "/api/v1/chat", security(()), responses((status = OK, body = ChatReply)))]
pub async fn message(State(s): State<AppState>, ClientIp(ip): ClientIp, Json(req): Json<ChatRequest>) -> Result<Json<ChatReply>, ApiError> {
    Ok(Json(s.app.chat(ip, req).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatCallback {
    pub conversation: Uuid,
    #[schema(min_length = 1, max_length = 120, pattern = r"\S")]
    pub name: String,
    #[schema(max_length = 40)]
    pub phone: String,
    #[serde(default)]
    #[schema(format = Email)]
    pub email: String,
    #[schema(min_length = 3, max_length = 500, pattern = r"\S")]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Received {
    received: bool,
}

/// Request a callback from the chatbot's handover
///
/// Answers with nothing but the receipt: the citizen's details are not echoed.
#[utoipa::path(post, path = "/api/v1/chat/callback", security(()), responses((status = CREATED, body = Received)))]
pub async fn callback(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(c): Json<ChatCallback>,
) -> Result<(StatusCode, Json<Received>), ApiError> {
    let new = domain::inquiry::NewCallback { name: c.name, phone: c.phone, email: c.email, reason: c.reason, municipality: String::new() };
    s.app.chat_callback(ip, c.conversation, new).await?;
    Ok((StatusCode::CREATED, Json(Received { received: true })))
}
