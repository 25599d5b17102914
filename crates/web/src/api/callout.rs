//! The call-out of the crisis staff: its status, starting it again with a message, the
//! acknowledgement (by the signed-in person, or by the token of a message's link), and the
//! staffing lead's call to the member municipalities' shift contacts.

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use app::Acknowledged;
use axum::extract::State;
use axum::http::StatusCode;
use domain::Permission as P;
use domain::callout::CalloutStatus;
use domain::role::StaffRole;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct Callouts {
    /// Newest first.
    callouts: Vec<CalloutStatus>,
}

/// Every call-out of the incident: per role who was notified, on which channel, when, whether delivered, who acknowledged
#[utoipa::path(get, path = "/api/v1/incidents/{id}/callout", extensions(("x-permission" = json!(P::ViewCallout))),
    responses((status = OK, body = Callouts)))]
pub async fn callout_status(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Callouts>, ApiError> {
    Ok(Json(Callouts { callouts: s.app.callouts(&c.actor(), id).await? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalloutRequest {
    /// Added to every message ("Mød på Teams kl. 7.00").
    #[serde(default)]
    #[schema(max_length = 500)]
    message: String,
}

#[derive(Serialize, ToSchema)]
pub struct Started {
    id: Uuid,
}

/// Call the crisis staff out (again), with a message; activation does it by itself
#[utoipa::path(post, path = "/api/v1/incidents/{id}/callout", extensions(("x-permission" = json!(P::StartCallout))),
    responses((status = CREATED, body = Started)))]
pub async fn start_callout(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<CalloutRequest>,
) -> Result<(StatusCode, Json<Started>), ApiError> {
    let id = s.app.start_callout(&c.actor(), id, &r.message).await?;
    Ok((StatusCode::CREATED, Json(Started { id })))
}

#[derive(Serialize, ToSchema)]
pub struct Acknowledgement {
    incident_id: Uuid,
    callout_id: Uuid,
    role: StaffRole,
    /// Who acknowledged the role: the caller, or someone before.
    by: String,
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    /// The role had been acknowledged already; nothing changed.
    already: bool,
}

impl From<Acknowledged> for Acknowledgement {
    fn from(a: Acknowledged) -> Self {
        Acknowledgement { incident_id: a.incident_id, callout_id: a.callout_id, role: a.role, by: a.by, at: a.at, already: a.before }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckRequest {
    role: StaffRole,
}

/// Acknowledge your own call-out in a role (you must have been notified in it)
#[utoipa::path(post, path = "/api/v1/incidents/{id}/callout/{callout}/acknowledgement", extensions(("x-permission" = json!(P::ViewIncidents))),
    params(("id" = Uuid, Path), ("callout" = Uuid, Path)), responses((status = OK, body = Acknowledgement)))]
pub async fn acknowledge_callout(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, callout)): Path<(Uuid, Uuid)>,
    Json(r): Json<AckRequest>,
) -> Result<Json<Acknowledgement>, ApiError> {
    Ok(Json(s.app.acknowledge(&c.actor(), id, callout, r.role).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenAck {
    /// The token of a call-out message's link (`/kvittering/{token}`).
    #[schema(min_length = 32, max_length = 32, pattern = "^[0-9a-f]{32}$")]
    token: String,
}

/// Acknowledge with the token of a message's link: once, for its own person and call-out, until it expires
#[utoipa::path(post, path = "/api/v1/callout/acknowledgement", security(()), responses((status = OK, body = Acknowledgement)))]
pub async fn acknowledge_callout_link(State(s): State<AppState>, Json(r): Json<TokenAck>) -> Result<Json<Acknowledgement>, ApiError> {
    Ok(Json(s.app.acknowledge_link(&r.token).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffingCallRequest {
    /// What is needed, as the shift contacts read it: "12 agenter 14.00–22.00".
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    need: String,
}

#[derive(Serialize, ToSchema)]
pub struct StaffingCall {
    id: Uuid,
    /// How many shift contacts were called.
    recipients: usize,
}

/// Ask the member municipalities' shift contacts for agents; the message links to the shift bidding page
#[utoipa::path(post, path = "/api/v1/incidents/{id}/staffing-call", extensions(("x-permission" = json!(P::SendStaffingCall))),
    responses((status = CREATED, body = StaffingCall)))]
pub async fn staffing_call(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<StaffingCallRequest>,
) -> Result<(StatusCode, Json<StaffingCall>), ApiError> {
    let (id, recipients) = s.app.staffing_call(&c.actor(), id, &r.need).await?;
    Ok((StatusCode::CREATED, Json(StaffingCall { id, recipients })))
}
