//! The SMS gateway's callbacks: delivery reports and inbound texts. The gateway cannot log in, so
//! the routes are public, guarded by a secret path segment (`--sms-webhook-secret`): a wrong one
//! is an unknown page. The body is JSON or a form, as the configured gateway posts it; a gateway
//! that calls with GET parameters is given the same URL and its parameters are read likewise.

use crate::AppState;
use crate::error::{ApiError, Json, Path};
use axum::extract::{RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ReportsRead {
    /// How many reports named a message we sent.
    matched: usize,
}

#[derive(Serialize, ToSchema)]
pub struct InboundRead {
    /// How many texts acknowledged a call-out.
    acknowledged: usize,
}

/// The callback's text: the body, or the query string when the body is empty.
fn callback(query: Option<String>, body: &[u8]) -> Result<String, ApiError> {
    let body = std::str::from_utf8(body).map_err(|_| ApiError::bad_request("the callback is not UTF-8 text"))?;
    Ok(if body.trim().is_empty() { query.unwrap_or_default() } else { body.to_string() })
}

/// A delivery report from the SMS gateway
#[utoipa::path(post, path = "/api/v1/sms/delivery-report/{secret}", security(()),
    params(("secret" = String, Path, description = "The secret path segment the gateway is configured with")),
    request_body(content = String, description = "The gateway's delivery report, JSON or a form", content_type = "application/json"),
    responses((status = OK, body = ReportsRead)))]
pub async fn delivery_report(
    State(s): State<AppState>,
    Path(secret): Path<String>,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Result<Json<ReportsRead>, ApiError> {
    let text = callback(query, &body)?;
    Ok(Json(ReportsRead { matched: s.app.sms_delivery_reports(&secret, &text).await? }))
}

/// An inbound SMS from the gateway: the keyword acknowledges the sender's call-out
#[utoipa::path(post, path = "/api/v1/sms/inbound/{secret}", security(()),
    params(("secret" = String, Path, description = "The secret path segment the gateway is configured with")),
    request_body(content = String, description = "The gateway's inbound message, JSON or a form", content_type = "application/json"),
    responses((status = OK, body = InboundRead)))]
pub async fn inbound(
    State(s): State<AppState>,
    Path(secret): Path<String>,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Result<Json<InboundRead>, ApiError> {
    let text = callback(query, &body)?;
    Ok(Json(InboundRead { acknowledged: s.app.sms_inbound(&secret, &text).await?.len() }))
}
