//! Who is calling: a session cookie (browsers) or a bearer token (API clients).
//! Secrets are random 32-byte values; only their SHA-256 is stored.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use domain::Actor;
use domain::user::User;
use std::net::IpAddr;
use std::time::Duration;

pub const SESSION_COOKIE: &str = "ks_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub use app::accounts::secret_hash;

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The `Set-Cookie` value for a new session.
pub fn session_cookie(token: &str, secure: bool, max_age: Duration) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", max_age.as_secs())
}

pub fn clear_cookie(secure: bool) -> String {
    session_cookie("", secure, Duration::ZERO)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Bearer,
}

/// The authenticated caller, if any.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub via: Via,
    /// The session's CSRF token (sessions only).
    pub csrf: String,
    /// SHA-256 of the session cookie or bearer token that authenticated this request.
    pub credential_hash: String,
    /// A session whose role requires a second factor the user has not enrolled: it reaches
    /// the enrolment, the caller's own details and logging out, and nothing else.
    pub must_enrol: bool,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }

    /// The caller, unless they must enrol a second factor first.
    pub fn enrolled(self) -> Result<Caller, ApiError> {
        if self.must_enrol {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "totp_enrolment_required",
                "your role requires a second factor: enrol an authenticator app first (POST /api/v1/account/totp)",
            ));
        }
        Ok(self)
    }
}

/// Resolves the caller from a bearer token or the session cookie. A bearer header that does not
/// match a token is an error, not an anonymous request.
pub async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
        let Some(token) = token else {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "the Authorization header must be 'Bearer <token>'"));
        };
        return match state.app.user_by_token(&secret_hash(token)).await? {
            Some(user) => {
                Ok(Some(Caller { user, via: Via::Bearer, csrf: String::new(), credential_hash: secret_hash(token), must_enrol: false }))
            }
            None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "the bearer token is unknown or revoked")),
        };
    }
    if let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) {
        let hash = secret_hash(token);
        if let Some((user, csrf, must_enrol)) = state.app.session(&hash).await? {
            return Ok(Some(Caller { user, via: Via::Session, csrf, credential_hash: hash, must_enrol }));
        }
    }
    Ok(None)
}

/// Whether the credential behind a long-lived request (an SSE stream) still holds: not logged
/// out, not expired, the account not deactivated. A database error counts as still valid.
pub async fn still_valid(state: &AppState, caller: &Caller) -> bool {
    let found = match caller.via {
        Via::Session => state.app.session(&caller.credential_hash).await.map(|s| s.is_some()),
        Via::Bearer => state.app.user_by_token(&caller.credential_hash).await.map(|u| u.is_some()),
    };
    found.unwrap_or(true)
}

/// Extractor for the JSON API: 401 without a caller; a cookie-authenticated write must carry the
/// session's CSRF token in `X-CSRF-Token`; a session that must enrol a second factor first is
/// refused (403 `totp_enrolment_required`), except by [`Enrolling`].
pub struct ApiCaller(pub Caller);

/// [`ApiCaller`], also for a session that must enrol a second factor first: the enrolment, the
/// caller's own details and logging out.
pub struct Enrolling(pub Caller);

async fn api_caller(parts: &Parts, state: &AppState) -> Result<Caller, ApiError> {
    // The idempotency layer has already identified the caller of this request.
    if let Some(crate::idempotency::Authenticated(caller)) = parts.extensions.get() {
        return Ok(caller.clone());
    }
    let caller = identify(state, &parts.headers).await?.ok_or_else(ApiError::unauthorized)?;
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if caller.via == Via::Session && !safe {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !constant_eq(sent, &caller.csrf) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "missing or wrong X-CSRF-Token header for a cookie-authenticated request",
            ));
        }
    }
    Ok(caller)
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(ApiCaller(api_caller(parts, state).await?.enrolled()?))
    }
}

impl FromRequestParts<AppState> for Enrolling {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Enrolling(api_caller(parts, state).await?))
    }
}

/// The client's address, when the server was started with connect info (tests drive the router
/// without it). Behind a trusted proxy (`Config::trusted_proxies`), the address it forwarded.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        Ok(ClientIp(peer.map(|p| client_address(p, forwarded, &state.config.trusted_proxies))))
    }
}

/// The nearest address that is not one of our proxies: from the right of `X-Forwarded-For`,
/// which only a trusted proxy's word makes worth reading (a client can write anything on the left).
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops = forwarded_for.unwrap_or_default().split(',').rev().map(|h| h.trim().parse::<IpAddr>());
    for hop in hops {
        match hop {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // A hop we cannot read: stop at the last address we can vouch for.
            Err(_) => break,
        }
    }
    peer
}

pub fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Starts a session; returns the `Set-Cookie` value and the CSRF token.
pub async fn start_session(state: &AppState, user: &User) -> Result<(String, String), ApiError> {
    let session = state.app.start_session(user).await?;
    Ok((session_cookie(&session.token, state.config.secure_cookies, session.lifetime), session.csrf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_nearest_untrusted_forwarded_address() {
        let lb: IpAddr = "10.0.0.5".parse().unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(client_address(ip("192.0.2.7"), Some("203.0.113.9"), &[lb]), ip("192.0.2.7"), "not from our proxy: ignored");
        assert_eq!(client_address(lb, Some("203.0.113.9"), &[lb]), ip("203.0.113.9"));
        assert_eq!(
            client_address(lb, Some("6.6.6.6, 203.0.113.9, 10.0.0.5"), &[lb]),
            ip("203.0.113.9"),
            "a client-written left part is not believed"
        );
        assert_eq!(client_address(lb, Some("nonsense"), &[lb]), lb);
        assert_eq!(client_address(lb, None, &[lb]), lb);
        assert_eq!(client_address(lb, Some("2001:db8::1"), &[lb]), ip("2001:db8::1"));
    }

    #[test]
    fn cookie_parsing_finds_ours() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; ks_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
    }

    #[test]
    fn session_cookie_is_strict_and_httponly() {
        let c = session_cookie("t", true, Duration::from_secs(60));
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!session_cookie("t", false, Duration::from_secs(60)).contains("Secure"));
    }
}
