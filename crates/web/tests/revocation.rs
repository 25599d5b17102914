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

#[tokio::test]
async fn a_deactivated_users_event_stream_closes_within_a_second() {
    let kit = Kit::sqlite().await;
    let req = Request::get("/api/v1/events")
        .header(header::AUTHORIZATION, format!("Bearer {}", kit.token(Role::Agent).unwrap()))
        .body(Body::empty())
        .unwrap();
    let res = kit.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut stream = res.into_body().into_data_stream();

    let agent = kit.store.user_by_email(&kit.emails[&Role::Agent]).await.unwrap().unwrap().0.id;
    let started = Instant::now();
    let (s, v) = kit.call("PUT", &format!("/api/v1/users/{agent}"), kit.token(Role::Secretariat), Some(json!({ "active": false }))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ended = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(chunk) = stream.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream was still open after {:?}", started.elapsed());
}
