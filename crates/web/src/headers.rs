//! The security headers every response carries: a Content-Security-Policy that runs only our own
//! script and style files (ASVS 14.4.3), HSTS when served over TLS, and `no-store` on whatever an
//! authenticated request gets back, so that no shared or browser cache keeps personal data.

use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

macro_rules! policy {
    ($frame_ancestors:literal) => {
        concat!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; ",
            "base-uri 'self'; form-action 'self'; frame-ancestors ",
            $frame_ancestors
        )
    };
}

/// The policy of every page: nothing inline, nothing from elsewhere, never in a frame.
pub const CSP: &str = policy!("'none'");
/// The same policy for what a municipality embeds on its own site (the public page's embed, the chat).
pub const CSP_EMBEDDABLE: &str = policy!("*");

const HSTS: &str = "max-age=31536000";

/// Adds the headers; a handler that set its own policy (the embeddable pages) keeps it.
pub async fn secure(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let authenticated =
        req.headers().contains_key(header::AUTHORIZATION) || cookie(req.headers(), SESSION_COOKIE).is_some_and(|t| !t.is_empty());
    let mut res = next.run(req).await;
    let busy = matches!(res.status(), StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS);
    let h = res.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if s.config.secure_cookies {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    // Every 503 and 429 says when to try again, whichever layer answered it.
    if busy && !h.contains_key(header::RETRY_AFTER) {
        h.insert(header::RETRY_AFTER, HeaderValue::from(crate::error::RETRY_AFTER_UNAVAILABLE));
    }
    if authenticated {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
