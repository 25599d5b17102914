use crate::AppState;
use crate::auth::{self, ApiCaller};
use crate::error::{ApiError, Json};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    email: String,
    password: String,
}

pub async fn login(
    State(s): State<AppState>,
    auth::ClientIp(ip): auth::ClientIp,
    Json(r): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let user = s.app.login(&r.email, &r.password, ip).await?;
    let (cookie, csrf) = auth::start_session(&s, &user).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(json!({ "user": user, "csrf": csrf }))).into_response())
}

pub async fn logout(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Response, ApiError> {
    if c.via == auth::Via::Session {
        s.app.logout(&c.credential_hash).await?;
    }
    Ok(([(header::SET_COOKIE, auth::clear_cookie(s.config.secure_cookies))], Json(json!({ "logged_out": true }))).into_response())
}

pub async fn me(ApiCaller(c): ApiCaller) -> Json<serde_json::Value> {
    Json(
        json!({ "user": c.user, "permissions": domain::permission::TABLE.iter().filter(|(_, roles)| roles.contains(&c.user.role)).map(|(a, _)| a.as_str()).collect::<Vec<_>>() }),
    )
}
