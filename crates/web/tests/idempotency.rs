//! `Idempotency-Key` over HTTP, on SQLite and on PostgreSQL: a retry under the same key gets the
//! kept answer and writes nothing; the key with another request, or a malformed key, is refused.

mod common;

use axum::http::StatusCode;
use common::Kit;
use domain::Role;
use serde_json::{Value, json};

async fn postgres_kit() -> Kit {
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    Kit::with(common::postgres_store(&schema).await, None).await
}

async fn post(kit: &Kit, path: &str, role: Role, key: &str, body: Value) -> (StatusCode, Value, bool) {
    let (status, bytes, headers) = kit.raw("POST", path, kit.token(role), Some(body.to_string()), &[("Idempotency-Key", key)]).await;
    let replayed = headers.get("idempotent-replayed").is_some_and(|v| v == "true");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), replayed)
}

async fn log_len(kit: &Kit, id: &str) -> usize {
    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/log"), kit.token(Role::LogKeeper), None).await;
    v["entries"].as_array().unwrap().len()
}

async fn a_retried_append_is_answered_from_the_key_and_written_once(kit: Kit) {
    let id = kit.incident(&["0250"]).await;
    let path = format!("/api/v1/incidents/{id}/log");
    let entry = json!({ "category": "decision", "text": "Kriselinjen åbner kl. 8" });
    let before = log_len(&kit, &id).await;
    let (status, first, replayed) = post(&kit, &path, Role::LogKeeper, "log-1", entry.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
    let (status, again, replayed) = post(&kit, &path, Role::LogKeeper, "log-1", entry.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true), "{again}");
    assert_eq!(again, first, "the kept answer is the first answer");
    assert_eq!(log_len(&kit, &id).await, before + 1);

    let (status, v, _) = post(&kit, &path, Role::LogKeeper, "log-1", json!({ "category": "decision", "text": "Noget andet" })).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("idempotency_key_reused")), "{v}");
    // The key is the caller's own: the crisis leader's "log-1" is another key.
    let (status, v, replayed) = post(&kit, &path, Role::CrisisLeader, "log-1", entry.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{v}");
    for bad in ["", &"k".repeat(201)] {
        let (status, v, _) = post(&kit, &path, Role::LogKeeper, bad, entry.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    }
    assert_eq!(post(&kit, &path, Role::LogKeeper, &"k".repeat(200), entry).await.0, StatusCode::CREATED);
    assert_eq!(log_len(&kit, &id).await, before + 3);
    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/log/verify"), kit.token(Role::LogKeeper), None).await;
    assert_eq!(v["valid"], true, "{v}");
}

async fn other_posts_keep_their_answer_and_refusals_are_not_kept(kit: Kit) {
    let body = json!({ "title": "Vandforsyning", "kind": "other", "affected": ["0250"], "channels": ["phone"] });
    let (status, first, _) = post(&kit, "/api/v1/incidents", Role::CrisisLeader, "opret-vand", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, again, replayed) = post(&kit, "/api/v1/incidents", Role::CrisisLeader, "opret-vand", body.clone()).await;
    assert_eq!((status, replayed, &again["id"]), (StatusCode::CREATED, true, &first["id"]));
    let (_, list) = kit.call("GET", "/api/v1/incidents", kit.token(Role::CrisisLeader), None).await;
    assert_eq!(list["incidents"].as_array().unwrap().len(), 1, "one incident for two tries");

    // A refused request wrote nothing and is not kept: the same key serves the corrected request.
    let (status, v, _) = post(
        &kit,
        "/api/v1/incidents",
        Role::CrisisLeader,
        "opret-2",
        json!({ "title": "" , "kind": "other", "affected": ["0250"], "channels": ["phone"] }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (status, v, replayed) = post(&kit, "/api/v1/incidents", Role::CrisisLeader, "opret-2", body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{v}");
    // Without permission: refused, and nothing kept.
    let (status, _, _) = post(&kit, "/api/v1/incidents", Role::Agent, "opret-vand", json!({ "title": "x" })).await;
    assert!(status.is_client_error());
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod on_sqlite {
            $(#[tokio::test]
            async fn $name() { super::$name(super::Kit::sqlite().await).await })*
        }
        mod on_postgres {
            $(#[tokio::test]
            async fn $name() { super::$name(super::postgres_kit().await).await })*
        }
    };
}

on_both!(a_retried_append_is_answered_from_the_key_and_written_once, other_posts_keep_their_answer_and_refusals_are_not_kept);
