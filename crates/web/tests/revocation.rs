//! Revocation: the secretariat revokes one bearer token by its id and it stops at once; a
//! deactivated user's open event stream closes within a second.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::Kit;
use domain::Role;
use futures_util::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[tokio::test]
async fn one_token_is_revoked_by_its_id_and_stops_at_once() {
    let kit = Kit::sqlite().await;
    let secretariat = kit.token(Role::Secretariat);
    let agent = kit.token(Role::Agent);
    let (s, v) = kit.call("GET", "/api/v1/tokens", agent, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the secretariat sees the tokens: {v}");

    let (s, v) = kit.call("GET", "/api/v1/tokens", secretariat, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let tokens = v["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), Role::ALL.len());
    let agent_hash = web::auth::secret_hash(agent.unwrap());
    let listed = tokens.iter().find(|t| t["owner"] == kit.emails[&Role::Agent].as_str()).unwrap();
    assert_eq!(listed["id"], &agent_hash[..12], "the id is the hash's first characters, never the token");
    assert!(listed["expires_at"].is_string() && !v.to_string().contains(agent.unwrap()), "{v}");

    let (s, _) = kit.call("GET", "/api/v1/incidents", agent, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = kit.raw("DELETE", &format!("/api/v1/tokens/{}", &agent_hash[..12]), secretariat, None, &[]).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = kit.call("GET", "/api/v1/incidents", agent, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "revoked: {v}");
    let (s, v) = kit.call("GET", "/api/v1/incidents", kit.token(Role::LogKeeper), None).await;
    assert_eq!(s, StatusCode::OK, "the others hold: {v}");

    let (s, v) = kit.call("DELETE", &format!("/api/v1/tokens/{}", &agent_hash[..12]), secretariat, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{v}");
    let (s, v) = kit.call("DELETE", "/api/v1/tokens/not-an-id", secretariat, None).await;
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("token_id")), "{v}");
}

/// An open event stream of `role`'s token.
async fn stream(kit: &Kit, role: Role) -> axum::body::BodyDataStream {
    let req = Request::get("/api/v1/events")
        .header(header::AUTHORIZATION, format!("Bearer {}", kit.token(role).unwrap()))
        .body(Body::empty())
        .unwrap();
    let res = kit.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.into_body().into_data_stream()
}

/// Whether the stream ends within `within`.
async fn ends(stream: &mut axum::body::BodyDataStream, within: Duration) -> bool {
    tokio::time::timeout(within, async {
        while let Some(chunk) = stream.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn a_deactivated_users_event_stream_closes_within_a_second() {
    let kit = Kit::sqlite().await;
    let mut agent_stream = stream(&kit, Role::Agent).await;
    let mut others = stream(&kit, Role::LogKeeper).await;
    let agent = kit.store.user_by_email(&kit.emails[&Role::Agent]).await.unwrap().unwrap().0.id;
    let started = Instant::now();
    let (s, v) = kit.call("PUT", &format!("/api/v1/users/{agent}"), kit.token(Role::Secretariat), Some(json!({ "active": false }))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(ends(&mut agent_stream, Duration::from_secs(1)).await, "the stream was still open after {:?}", started.elapsed());
    assert!(!ends(&mut others, Duration::from_millis(200)).await, "another user's stream stays open");
}

#[tokio::test]
async fn a_revoked_tokens_event_stream_closes_within_a_second() {
    let kit = Kit::sqlite().await;
    let mut agent_stream = stream(&kit, Role::Agent).await;
    let id = &web::auth::secret_hash(kit.token(Role::Agent).unwrap())[..12];
    let (s, _, _) = kit.raw("DELETE", &format!("/api/v1/tokens/{id}"), kit.token(Role::Secretariat), None, &[]).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(ends(&mut agent_stream, Duration::from_secs(1)).await, "the revoked token's stream is still open");
}
