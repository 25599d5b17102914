//! Who is calling: a session cookie (browsers) or a bearer token (API clients).
//! Secrets are random 32-byte values; only their SHA-256 is stored.

use crate::AppState;
use crate::error::ApiError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use domain::Actor;
use domain::user::User;
use rand::Rng;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "ks_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn hash_password(password: &str) -> String {
    let bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&bytes).expect("16 bytes is a valid salt length");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with default parameters")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the e-mail is unknown, so timing does not reveal which accounts exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no such user; constant-time decoy"))
}

/// A new random secret, hex-encoded.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
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
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        max_age.as_secs()
    )
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
    pub session_hash: Option<String>,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }
}

/// Resolves the caller from a bearer token or the session cookie. A bearer header that does not
/// match a token is an error, not an anonymous request.
pub async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the Authorization header must be 'Bearer <token>'",
            ));
        };
        return match state.store.user_by_token(&secret_hash(token)).await? {
            Some(user) => Ok(Some(Caller {
                user,
                via: Via::Bearer,
                csrf: String::new(),
                session_hash: None,
            })),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the bearer token is unknown or revoked",
            )),
        };
    }
    if let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) {
        let hash = secret_hash(token);
        if let Some((user, csrf)) = state.store.session(&hash, domain::time::now()).await? {
            return Ok(Some(Caller {
                user,
                via: Via::Session,
                csrf,
                session_hash: Some(hash),
            }));
        }
    }
    Ok(None)
}

/// Extractor for the JSON API: 401 without a caller; a cookie-authenticated write must carry the
/// session's CSRF token in `X-CSRF-Token`.
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = identify(state, &parts.headers)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if caller.via == Via::Session && !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_eq(sent, &caller.csrf) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "missing or wrong X-CSRF-Token header for a cookie-authenticated request",
                ));
            }
        }
        Ok(ApiCaller(caller))
    }
}

/// The client's address, when the server was started with connect info (tests drive the router without it).
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

pub fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Failed logins are counted per e-mail and client address.
type ThrottleKey = (String, Option<IpAddr>);

/// Counts failed logins per (e-mail, address) and refuses further tries for a while.
pub struct Throttle {
    failures: Mutex<HashMap<ThrottleKey, (u32, Instant)>>,
    pub max_failures: u32,
    pub window: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            failures: Mutex::new(HashMap::new()),
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
        }
    }
}

impl Throttle {
    /// `Err(seconds to wait)` when this key has failed too often recently.
    pub fn check(&self, email: &str, ip: Option<IpAddr>) -> Result<(), u64> {
        let map = self.failures.lock().expect("throttle lock");
        match map.get(&(email.to_string(), ip)) {
            Some((n, since)) if *n >= self.max_failures && since.elapsed() < self.window => {
                Err((self.window - since.elapsed()).as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    pub fn failed(&self, email: &str, ip: Option<IpAddr>) {
        let mut map = self.failures.lock().expect("throttle lock");
        let e = map
            .entry((email.to_string(), ip))
            .or_insert((0, Instant::now()));
        if e.1.elapsed() >= self.window {
            *e = (0, Instant::now());
        }
        e.0 += 1;
        // Keep the map small under a spray of random e-mails.
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, (_, since)| since.elapsed() < window);
        }
    }

    pub fn succeeded(&self, email: &str, ip: Option<IpAddr>) {
        self.failures
            .lock()
            .expect("throttle lock")
            .remove(&(email.to_string(), ip));
    }
}

/// Checks a login. Runs Argon2 off the async threads.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> Result<User, ApiError> {
    let email = email.trim().to_lowercase();
    if let Err(wait) = state.throttle.check(&email, ip) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!(
                "too many failed logins; try again in {} minutes",
                wait.div_ceil(60)
            ),
        ));
    }
    let found = state.store.user_by_email(&email).await?;
    let hash = found
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    match found {
        Some((user, _)) if ok && user.active => {
            state.throttle.succeeded(&email, ip);
            Ok(user)
        }
        _ => {
            state.throttle.failed(&email, ip);
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "wrong e-mail or password",
            ))
        }
    }
}

/// Starts a session; returns the `Set-Cookie` value and the CSRF token.
pub async fn start_session(state: &AppState, user: &User) -> Result<(String, String), ApiError> {
    let token = new_secret();
    let csrf = new_secret();
    let expires = domain::time::now()
        + time::Duration::seconds(state.config.session_lifetime.as_secs() as i64);
    state
        .store
        .create_session(&secret_hash(&token), user.id, &csrf, expires)
        .await?;
    Ok((
        session_cookie(
            &token,
            state.config.secure_cookies,
            state.config.session_lifetime,
        ),
        csrf,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("korrekt hest batteri");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("korrekt hest batteri", &h));
        assert!(!verify_password("forkert", &h));
    }

    #[test]
    fn cookie_parsing_finds_ours() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; ks_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
    }

    #[test]
    fn throttle_blocks_after_max_failures_per_key() {
        let t = Throttle::default();
        for _ in 0..5 {
            assert!(t.check("a@b.dk", None).is_ok());
            t.failed("a@b.dk", None);
        }
        assert!(t.check("a@b.dk", None).is_err());
        assert!(
            t.check("c@d.dk", None).is_ok(),
            "other accounts are unaffected"
        );
    }

    #[test]
    fn session_cookie_is_strict_and_httponly() {
        let c = session_cookie("t", true, Duration::from_secs(60));
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!session_cookie("t", false, Duration::from_secs(60)).contains("Secure"));
    }
}
