use crate::AppState;
use crate::auth::{self, ApiCaller};
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
}

#[derive(Serialize, ToSchema)]
pub struct LoggedIn {
    user: User,
    /// Send it as `X-CSRF-Token` with every write made with the session cookie.
    csrf: String,
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
#[utoipa::path(post, path = "/api/v1/session", security(()),
    responses((status = OK, body = LoggedIn, headers(("set-cookie" = String)))))]
pub async fn login(
    State(s): State<AppState>,
    auth::ClientIp(ip): auth::ClientIp,
    Json(r): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let user = s.app.login(&r.email, &r.password, ip).await?;
    let (cookie, csrf) = auth::start_session(&s, &user).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(LoggedIn { user, csrf })).into_response())
}

/// Log out
#[utoipa::path(delete, path = "/api/v1/session", responses((status = OK, body = LoggedOut)))]
pub async fn logout(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Response, ApiError> {
    if c.via == auth::Via::Session {
        s.app.logout(&c.credential_hash).await?;
    }
    Ok(([(header::SET_COOKIE, auth::clear_cookie(s.config.secure_cookies))], Json(LoggedOut { logged_out: true })).into_response())
}

/// The caller and their permissions
#[utoipa::path(get, path = "/api/v1/me", responses((status = OK, body = Me)))]
pub async fn me(ApiCaller(c): ApiCaller) -> Json<Me> {
    let permissions = domain::permission::TABLE.iter().filter(|(_, roles)| roles.contains(&c.user.role)).map(|(a, _)| *a).collect();
    Json(Me { user: c.user, permissions })
}
