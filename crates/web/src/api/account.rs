//! The second factor over JSON: a person enrols an authenticator app (TOTP) for their own
//! account; the secretariat requires it of roles and removes a lost one.

use crate::AppState;
use crate::auth::{ApiCaller, Enrolling};
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use domain::Permission as P;
use domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A secret for an authenticator app: type it in, or open the URI (or a QR code of it).
#[derive(Serialize, ToSchema)]
pub struct TotpSecret {
    /// Base32 (RFC 4648), as authenticator apps take it.
    secret: String,
    /// `otpauth://totp/Kriseservice:{email}?secret=…&issuer=Kriseservice`
    otpauth_uri: String,
}

impl From<app::TotpSecret> for TotpSecret {
    fn from(s: app::TotpSecret) -> TotpSecret {
        TotpSecret { secret: s.secret, otpauth_uri: s.uri }
    }
}

/// The caller's second factor.
#[derive(Serialize, ToSchema)]
pub struct TotpStatus {
    enrolled: bool,
    /// The caller's role requires it (the secretariat's setting).
    required: bool,
    /// An enrolment started and not yet confirmed.
    pending: Option<TotpSecret>,
}

impl From<app::TotpStatus> for TotpStatus {
    fn from(s: app::TotpStatus) -> TotpStatus {
        TotpStatus { enrolled: s.enrolled, required: s.required, pending: s.pending.map(Into::into) }
    }
}

/// The caller's second factor
#[utoipa::path(get, path = "/api/v1/account/totp", extensions(("x-permission" = json!(P::UseSecondFactor))),
    responses((status = OK, body = TotpStatus)))]
pub async fn totp_status(State(s): State<AppState>, Enrolling(c): Enrolling) -> Result<Json<TotpStatus>, ApiError> {
    Ok(Json(s.app.totp_status(&c.actor()).await?.into()))
}

/// Start enrolling an authenticator app: a new secret, confirmed by its first code
///
/// Starting again replaces a pending secret; a confirmed second factor keeps working until the
/// new one is confirmed.
#[utoipa::path(post, path = "/api/v1/account/totp", extensions(("x-permission" = json!(P::UseSecondFactor))),
    responses((status = CREATED, body = TotpSecret)))]
pub async fn start_totp(State(s): State<AppState>, Enrolling(c): Enrolling) -> Result<(StatusCode, Json<TotpSecret>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.start_totp(&c.actor()).await?.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TotpCode)]
pub struct CodeRequest {
    /// The 6 digits the app shows (spaces allowed).
    #[schema(max_length = 16, example = "123456")]
    code: String,
}

/// Confirm the enrolment with the app's current code
///
/// 422 `invalid_totp` for a code that does not match the new secret; 409 `no_enrolment` when
/// none was started.
#[utoipa::path(post, path = "/api/v1/account/totp/confirm", extensions(("x-permission" = json!(P::UseSecondFactor))),
    responses((status = OK, body = TotpStatus)))]
pub async fn confirm_totp(
    State(s): State<AppState>,
    Enrolling(c): Enrolling,
    Json(r): Json<CodeRequest>,
) -> Result<Json<TotpStatus>, ApiError> {
    Ok(Json(s.app.confirm_totp(&c.actor(), &r.code).await?.into()))
}

/// Which roles must use a second factor, which may, and who has one.
#[derive(Serialize, ToSchema)]
pub struct Security {
    totp_required: Vec<Role>,
    /// The roles that can enrol (and so can be required to).
    totp_roles: Vec<Role>,
    /// The users with a confirmed second factor.
    totp_enrolled: Vec<Uuid>,
}

impl From<app::SecondFactorSettings> for Security {
    fn from(s: app::SecondFactorSettings) -> Security {
        Security { totp_required: s.required, totp_roles: s.eligible, totp_enrolled: s.enrolled }
    }
}

/// The second-factor settings
#[utoipa::path(get, path = "/api/v1/security", extensions(("x-permission" = json!(P::ManageUsers))),
    responses((status = OK, body = Security)))]
pub async fn security(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Security>, ApiError> {
    Ok(Json(s.app.second_factor_settings(&c.actor()).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SecurityUpdate)]
pub struct SecurityRequest {
    /// Exactly the roles to require a second factor of; each must be one of `totp_roles`.
    #[schema(max_items = 9)]
    totp_required: Vec<Role>,
}

/// Require a second factor of these roles
///
/// Their people who have not enrolled reach only the enrolment until they do. Each change is
/// kept in the administration trail.
#[utoipa::path(put, path = "/api/v1/security", extensions(("x-permission" = json!(P::ManageUsers))),
    responses((status = OK, body = Security)))]
pub async fn set_security(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(r): Json<SecurityRequest>,
) -> Result<Json<Security>, ApiError> {
    Ok(Json(s.app.set_totp_required(&c.actor(), r.totp_required).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct Removed {
    pub(super) removed: bool,
}

/// Remove a user's second factor (a lost phone); they enrol again
#[utoipa::path(delete, path = "/api/v1/users/{id}/totp", extensions(("x-permission" = json!(P::ManageUsers))),
    responses((status = OK, body = Removed)))]
pub async fn remove_totp(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Removed>, ApiError> {
    s.app.remove_totp(&c.actor(), id).await?;
    Ok(Json(Removed { removed: true }))
}
