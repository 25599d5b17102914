//! `Idempotency-Key` on the JSON API's POSTs: a client that lost the answer to a request sends it
//! again under the same key and gets the kept answer instead of a second write.
//!
//! The key belongs to the authenticated caller; a request's identity is its method, path and a
//! SHA-256 of its body. The same key with another request is refused (422
//! `idempotency_key_reused`); while the first request is served, a retry is refused (409
//! `idempotency_key_in_flight`). Only success is kept: a refused or failed request wrote nothing,
//! so it is served afresh. Keys are kept for 24 hours.
//!
//! Log appends keep their answer in the append's own transaction (`IN_TRANSACTION`): the key
//! travels to the handler as a request extension. Every other POST claims the key in a
//! transaction of its own before the write and keeps the answer after it.

use crate::AppState;
use crate::auth::{ApiCaller, Caller};
use crate::error::ApiError;
use crate::pages::public::hex;
use app::{IdempotencyKey, StoredReply};
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub const HEADER: &str = "idempotency-key";
/// Sent with an answer that was kept from an earlier request under the same key.
pub const REPLAYED: &str = "idempotent-replayed";
/// The longest key accepted.
pub const KEY_MAX: usize = 200;

/// Routes whose handler keeps the answer in the write's own transaction.
const IN_TRANSACTION: &[&str] = &["/api/v1/incidents/{id}/log"];
/// The login's answer sets a cookie, which a kept answer would not.
const NEVER: &[&str] = &["/api/v1/session"];

/// The caller the middleware authenticated, so that the handler's `ApiCaller` does not ask again.
#[derive(Clone)]
pub(crate) struct Authenticated(pub Caller);

pub async fn keep(State(s): State<AppState>, matched: Option<MatchedPath>, req: Request, next: Next) -> Response {
    let route = matched.as_ref().map(MatchedPath::as_str).unwrap_or_default();
    let Some(sent) = req.headers().get(HEADER) else { return next.run(req).await };
    if req.method() != Method::POST || !route.starts_with("/api/v1/") || NEVER.contains(&route) {
        return next.run(req).await;
    }
    let key = match sent.to_str().ok().filter(|k| valid(k)) {
        Some(k) => k.to_string(),
        None => return ApiError::bad_request(format!("an Idempotency-Key is 1 to {KEY_MAX} visible ASCII characters")).into_response(),
    };
    let in_transaction = IN_TRANSACTION.contains(&route);
    let (mut parts, body) = req.into_parts();
    // Without a caller the key is not anyone's: the handler answers (401, or serves the anonymous).
    let Ok(ApiCaller(caller)) = ApiCaller::from_request_parts(&mut parts, &s).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let bytes = match to_bytes(body, crate::CSV_LIMIT).await {
        Ok(b) => b,
        Err(_) => return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the request body is too large").into_response(),
    };
    let target = parts.uri.path_and_query().map_or(parts.uri.path(), |p| p.as_str());
    let request = format!("{} {}", parts.method, target);
    let hash = Sha256::new().chain_update(request.as_bytes()).chain_update(b"\n").chain_update(&bytes).finalize();
    let key = IdempotencyKey { user_id: caller.user.id, key, request, request_hash: hex(&hash) };
    let actor = caller.actor();
    parts.extensions.insert(Authenticated(caller));
    if in_transaction {
        parts.extensions.insert(key);
        return next.run(Request::from_parts(parts, Body::from(bytes))).await;
    }
    match s.app.claim_key(&actor, &key).await {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Some(kept)) => replay(kept),
        Ok(None) => {
            let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            finish(&s, &key, res).await
        }
    }
}

/// Keeps a successful answer with its key; gives the key up after anything else.
async fn finish(s: &AppState, key: &IdempotencyKey, res: Response) -> Response {
    if !res.status().is_success() {
        if let Err(e) = s.app.release_key(key).await {
            tracing::warn!(error = %e, "an idempotency key could not be given up: its retries are refused as in flight until it expires");
        }
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the answer could not be read").into_response();
    };
    let reply = StoredReply { status: parts.status.as_u16(), body: String::from_utf8_lossy(&bytes).into_owned() };
    if let Err(e) = s.app.keep_answer(key, &reply).await {
        tracing::warn!(error = %e, "the answer to an idempotent request was not kept: its retries are refused as in flight until it expires");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The answer kept for an earlier request under the same key.
pub fn replay(kept: StoredReply) -> Response {
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
    let mut res = (status, kept.body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(REPLAYED, HeaderValue::from_static("true"));
    res
}

fn valid(key: &str) -> bool {
    !key.is_empty() && key.len() <= KEY_MAX && key.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_one_to_two_hundred_visible_characters() {
        assert!(super::valid("a") && super::valid(&"k".repeat(200)));
        assert!(!super::valid("") && !super::valid(&"k".repeat(201)) && !super::valid("to ord"));
    }
}
