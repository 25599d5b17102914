use crate::AppState;
use crate::auth::{self, Enrolling};
use crate::error::{ApiError, Json};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::Permission;
use domain::user::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Login)]
pub struct LoginRequest {
    #[schema(format = Email)]
    email: String,
    #[schema(max_length = 256)]
    password: String,
    /// The 6-digit code from the authenticator app, for an account with a second factor.
    #[schema(max_length = 16, example = "123456")]
    #[serde(default)]
    totp: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LoggedIn {
    user: User,
    /// Send it as `X-CSRF-Token` with every write made with the session cookie.
    csrf: String,
    /// The role requires a second factor this account has not enrolled: until it is
    /// (`POST /api/v1/account/totp`), the session reaches only the enrolment, `GET /api/v1/me`
    /// and logging out.
    must_enrol_totp: bool,
}

#[derive(Serialize, ToSchema)]
pub struct LoggedOut {
    logged_out: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    user: User,
    permissions: Vec<Permission>,
}

/// Log in; sets the session cookie and returns the CSRF token
///
/// An account with a second factor sends the authenticator app's code as `totp`: without it the
/// answer is 401 `totp_required`, with a wrong or used one 401 `invalid_totp`. Failed codes count
/// in the login throttle as wrong passwords do.
#[utoipa::path(post, path = "/api/v1/session", security(()),
    responses((status = OK, body = LoggedIn, headers(("set-cookie" = String)))))]
pub async fn login(
    State(s): State<AppState>,
    auth::ClientIp(ip): auth::ClientIp,
    Json(r): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let done = s.app.login(&r.email, &r.password, r.totp.as_deref(), ip).await?;
    let (cookie, csrf) = auth::start_session(&s, &done.user).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(LoggedIn { user: done.user, csrf, must_enrol_totp: done.must_enrol })).into_response())
}

/// Log out
#[utoipa::path(delete, path = "/api/v1/session", responses((status = OK, body = LoggedOut)))]
pub async fn logout(State(s): State<AppState>, Enrolling(c): Enrolling) -> Result<Response, ApiError> {
    if c.via == auth::Via::Session {
        s.app.logout(&c.credential_hash).await?;
    }
    Ok(([(header::SET_COOKIE, auth::clear_cookie(s.config.secure_cookies))], Json(LoggedOut { logged_out: true })).into_response())
}

/// The caller and their permissions
#[utoipa::path(get, path = "/api/v1/me", responses((status = OK, body = Me)))]
pub async fn me(Enrolling(c): Enrolling) -> Json<Me> {
    let permissions = domain::permission::TABLE.iter().filter(|(_, roles)| roles.contains(&c.user.role)).map(|(a, _)| *a).collect();
    Json(Me { user: c.user, permissions })
}
