//! Being reachable when the crisis staff is called out: the signed-in person's own contact
//! methods and their verification, the readiness view of the standing roster, and the call-out
//! settings (each role's escalation, when a verification goes stale).

use super::account::Removed;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use app::StoredMethod;
use axum::extract::State;
use axum::http::StatusCode;
use domain::Permission as P;
use domain::callout::{ContactChannel, Policy, Readiness, Standing};
use domain::role::StaffRole;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct Method {
    id: Uuid,
    channel: ContactChannel,
    address: String,
    standing: Standing,
    #[serde(with = "time::serde::rfc3339::option")]
    verified_at: Option<OffsetDateTime>,
    /// When a verified method goes stale unless it is verified again.
    #[serde(with = "time::serde::rfc3339::option")]
    stale_at: Option<OffsetDateTime>,
}

impl Method {
    fn of(m: StoredMethod, stale_after_days: i64) -> Method {
        Method {
            id: m.id,
            channel: m.method.channel,
            standing: m.method.standing(domain::time::now(), stale_after_days),
            verified_at: m.method.verified_at,
            stale_at: m.method.stale_at(stale_after_days),
            address: m.method.address,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Methods {
    stale_after_days: i64,
    methods: Vec<Method>,
}

/// Your own contact methods for call-outs, and how each stands
#[utoipa::path(get, path = "/api/v1/account/contact-methods", extensions(("x-permission" = json!(P::KeepOwnContactMethods))),
    responses((status = OK, body = Methods)))]
pub async fn my_methods(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Methods>, ApiError> {
    let (methods, stale_after_days) = s.app.my_contact_methods(&c.actor()).await?;
    Ok(Json(Methods { stale_after_days, methods: methods.into_iter().map(|m| Method::of(m, stale_after_days)).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMethod {
    channel: ContactChannel,
    /// An e-mail address, a Danish mobile number, or the Teams team's name as the server's
    /// `--teams-webhook` setting gives it.
    #[schema(min_length = 1, max_length = 254)]
    address: String,
}

/// Add a contact method: a code and a link are sent through it at once
#[utoipa::path(post, path = "/api/v1/account/contact-methods", extensions(("x-permission" = json!(P::KeepOwnContactMethods))),
    responses((status = CREATED, body = Method)))]
pub async fn add_method(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(r): Json<NewMethod>,
) -> Result<(StatusCode, Json<Method>), ApiError> {
    let m = s.app.add_contact_method(&c.actor(), r.channel, &r.address).await?;
    let (_, stale) = s.app.my_contact_methods(&c.actor()).await?;
    Ok((StatusCode::CREATED, Json(Method::of(m, stale))))
}

/// Remove one of your contact methods
#[utoipa::path(delete, path = "/api/v1/account/contact-methods/{id}", extensions(("x-permission" = json!(P::KeepOwnContactMethods))),
    responses((status = OK, body = Removed)))]
pub async fn remove_method(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Removed>, ApiError> {
    s.app.remove_contact_method(&c.actor(), id).await?;
    Ok(Json(Removed { removed: true }))
}

#[derive(Serialize, ToSchema)]
pub struct Sent {
    /// A new code and link went to the method; an earlier one no longer works.
    sent: bool,
}

/// Send a new verification code and link through one of your methods
#[utoipa::path(post, path = "/api/v1/account/contact-methods/{id}/verification", extensions(("x-permission" = json!(P::KeepOwnContactMethods))),
    responses((status = ACCEPTED, body = Sent)))]
pub async fn request_verification(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<Sent>), ApiError> {
    s.app.request_verification(&c.actor(), id).await?;
    Ok((StatusCode::ACCEPTED, Json(Sent { sent: true })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// The 6 digits in the message.
    #[schema(min_length = 6, max_length = 6, pattern = "^[0-9]{6}$")]
    code: String,
}

/// Verify one of your methods with the code it received (30 minutes, 5 tries)
#[utoipa::path(post, path = "/api/v1/account/contact-methods/{id}/verify", extensions(("x-permission" = json!(P::KeepOwnContactMethods))),
    responses((status = OK, body = Method)))]
pub async fn verify_code(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<Code>,
) -> Result<Json<Method>, ApiError> {
    let m = s.app.verify_contact_code(&c.actor(), id, &r.code).await?;
    let (_, stale) = s.app.my_contact_methods(&c.actor()).await?;
    Ok(Json(Method::of(m, stale)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkToken {
    /// The token of a verification message's link (`/bekraeft/{token}`).
    #[schema(min_length = 32, max_length = 32, pattern = "^[0-9a-f]{32}$")]
    token: String,
}

#[derive(Serialize, ToSchema)]
pub struct Verified {
    channel: ContactChannel,
    #[serde(with = "time::serde::rfc3339::option")]
    verified_at: Option<OffsetDateTime>,
}

/// Verify a contact method with the token of its message's link: once, within 7 days
#[utoipa::path(post, path = "/api/v1/contact-methods/verification", security(()), responses((status = OK, body = Verified)))]
pub async fn verify_link(State(s): State<AppState>, Json(r): Json<LinkToken>) -> Result<Json<Verified>, ApiError> {
    let m = s.app.verify_contact_link(&r.token).await?;
    Ok(Json(Verified { channel: m.method.channel, verified_at: m.method.verified_at }))
}

/// For each crisis role of the standing roster: primary and deputy, their methods, when each was last verified, and whether neither can be reached (`at_risk`)
#[utoipa::path(get, path = "/api/v1/readiness", extensions(("x-permission" = json!(P::ViewReadiness))),
    responses((status = OK, body = Readiness)))]
pub async fn readiness(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Readiness>, ApiError> {
    Ok(Json(s.app.readiness(&c.actor()).await?))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolePolicy {
    role: StaffRole,
    /// How long each step waits for an acknowledgement before the next.
    #[schema(minimum = 1, maximum = 7200)]
    wait_seconds: i64,
    /// How many times the chain (primary, deputy, crisis leader) is run through.
    #[schema(minimum = 1, maximum = 5)]
    rounds: u32,
}

#[derive(Serialize, ToSchema)]
pub struct CalloutPolicy {
    /// A verified method goes stale this many days after it was verified.
    stale_after_days: i64,
    /// Every crisis role, in order.
    policies: Vec<RolePolicy>,
}

impl From<app::CalloutSettings> for CalloutPolicy {
    fn from(s: app::CalloutSettings) -> Self {
        let policies = StaffRole::ALL
            .iter()
            .map(|&role| {
                let p = s.policies.get(&role).copied().unwrap_or_default();
                RolePolicy { role, wait_seconds: p.wait.whole_seconds(), rounds: p.rounds }
            })
            .collect();
        CalloutPolicy { stale_after_days: s.stale_after_days, policies }
    }
}

/// How each role's call-out escalates, and when a verification goes stale
#[utoipa::path(get, path = "/api/v1/callout-policy", extensions(("x-permission" = json!(P::ViewReadiness))),
    responses((status = OK, body = CalloutPolicy)))]
pub async fn callout_policy(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<CalloutPolicy>, ApiError> {
    Ok(Json(s.app.callout_settings(&c.actor()).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyChange {
    #[schema(minimum = 14, maximum = 730)]
    stale_after_days: Option<i64>,
    /// The roles to change; the others keep theirs.
    #[serde(default)]
    policies: Vec<RolePolicy>,
}

/// Set how roles' call-outs escalate and when a verification goes stale; all is checked before anything is saved
#[utoipa::path(put, path = "/api/v1/callout-policy", extensions(("x-permission" = json!(P::ManageCalloutPolicy))),
    responses((status = OK, body = CalloutPolicy)))]
pub async fn set_callout_policy(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(r): Json<PolicyChange>,
) -> Result<Json<CalloutPolicy>, ApiError> {
    let policies: Vec<(StaffRole, Policy)> =
        r.policies.iter().map(|p| (p.role, Policy { wait: time::Duration::seconds(p.wait_seconds), rounds: p.rounds })).collect();
    Ok(Json(s.app.set_callout_settings(&c.actor(), r.stale_after_days, &policies).await?.into()))
}
