//! The public chatbot's endpoints: no login, rate-limited per client.

use crate::AppState;
use crate::auth::ClientIp;
use crate::error::{ApiError, Json};
use app::chat::ChatReply;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::chat::ChatRequest;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

pub async fn message(State(s): State<AppState>, ClientIp(ip): ClientIp, Json(req): Json<ChatRequest>) -> Result<Json<ChatReply>, ApiError> {
    Ok(Json(s.app.chat(ip, req).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatCallback {
    pub conversation: Uuid,
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
    pub reason: String,
}

/// Answers with nothing but the receipt: the citizen's details are not echoed.
pub async fn callback(State(s): State<AppState>, ClientIp(ip): ClientIp, Json(c): Json<ChatCallback>) -> Result<Response, ApiError> {
    let new = domain::inquiry::NewCallback { name: c.name, phone: c.phone, email: c.email, reason: c.reason, municipality: String::new() };
    s.app.chat_callback(ip, c.conversation, new).await?;
    Ok((StatusCode::CREATED, Json(json!({ "received": true }))).into_response())
}
