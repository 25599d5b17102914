//! The API end to end on the real router and store: the happy path, and bad input that must get a
//! precise 4xx and leave nothing half-written.

mod common;

use axum::http::{StatusCode, header};
use common::{Kit, PASSWORD};
use domain::Role;
use serde_json::json;

#[tokio::test]
async fn incident_lifecycle_roles_and_log_over_http() {
    let kit = Kit::sqlite().await;
    let leader = kit.token(Role::CrisisLeader);
    let keeper = kit.token(Role::LogKeeper);

    let (status, v) = kit
        .call("POST", "/api/v1/incidents", leader, Some(json!({ "title": "IT-nedbrud", "kind": "it_breakdown", "affected": ["0250"], "channels": ["phone", "chat", "voice"], "exercise": false })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "prepared");
    let id = v["id"].as_str().unwrap().to_string();

    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}"), kit.token(Role::Agent), None).await;
    assert_eq!(v["status"], "prepared");
    assert_eq!(v["next_status"], "active");

    let (status, v) =
        kit.call("POST", &format!("/api/v1/incidents/{id}/status"), leader, Some(json!({ "status": "closed", "note": "x" }))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(v["error"]["code"], "conflict");
    assert!(v["error"]["message"].as_str().unwrap().contains("from 'prepared' the next status is 'active'"));

    kit.activate(&id).await;
    let (_, list) = kit.call("GET", "/api/v1/incidents?status=active", leader, None).await;
    assert_eq!(list["incidents"].as_array().unwrap().len(), 1);
    let (_, list) = kit.call("GET", "/api/v1/incidents?status=prepared", leader, None).await;
    assert!(list["incidents"].as_array().unwrap().is_empty());

    let roles = format!("/api/v1/incidents/{id}/roles/crisis_leader");
    let (status, v) = kit
        .call("PUT", &roles, leader, Some(json!({ "primary": "crisis_leader@test.invalid", "deputy": "log_keeper@test.invalid" })))
        .await;
    assert_eq!(
        (status, v["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("deputy")),
        "a log keeper cannot deputise as crisis leader: {v}"
    );
    let (status, _) = kit
        .call("POST", "/api/v1/users", kit.token(Role::Secretariat), Some(json!({ "email": "leder2@test.invalid", "name": "Anden Leder", "org": "DDH", "role": "crisis_leader", "password": PASSWORD })))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, v) =
        kit.call("PUT", &roles, leader, Some(json!({ "primary": "crisis_leader@test.invalid", "deputy": "leder2@test.invalid" }))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["roles"][0]["primary"]["email"], "crisis_leader@test.invalid");
    assert_eq!(v["roles"][0]["deputy"]["org"], "DDH");

    let (status, e) = kit
        .call(
            "POST",
            &format!("/api/v1/incidents/{id}/log"),
            keeper,
            Some(json!({ "category": "decision", "text": "Vi åbner kriselinjen kl. 8" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    assert_eq!(e["hash"].as_str().unwrap().len(), 64);
    let seq = e["seq"].as_i64().unwrap();
    assert_eq!(e["author"]["role"], "log_keeper");
    let (status, c) = kit
        .call(
            "POST",
            &format!("/api/v1/incidents/{id}/log"),
            keeper,
            Some(json!({ "category": "decision", "text": "Rettelse: kl. 9", "corrects": seq })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(c["corrects"], seq);
    assert_eq!(c["prev_hash"], e["hash"]);

    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/log/verify"), kit.token(Role::SteeringGroup), None).await;
    assert_eq!(v, json!({ "valid": true, "entries": seq + 1, "first_invalid": null }));
    let (status, _) = kit.call("GET", &format!("/api/v1/incidents/{id}/log"), kit.token(Role::Agent), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "agents do not read the official log");

    let (status, csv, headers) = kit.raw("GET", &format!("/api/v1/incidents/{id}/log.csv"), leader, None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("seq,time_utc,time_copenhagen,author,role,organisation,category,text,corrects,hash\r\n"));
    assert_eq!(csv.lines().count() as i64, 1 + seq + 1);
    assert!(csv.contains("Rettelse: kl. 9"));

    let path = format!("/api/v1/incidents/{id}/status");
    let (status, v) = kit.call("POST", &path, leader, Some(json!({ "status": "standing_down" }))).await;
    assert_eq!(
        (status, &v["error"]["fields"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("note")),
        "every step gives its reason: {v}"
    );
    kit.call("POST", &path, leader, Some(json!({ "status": "standing_down", "note": "Færre opkald." }))).await;
    let (status, v) = kit.call("POST", &path, leader, Some(json!({ "status": "closed" }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "closing needs a note and an all-clear: {v}");
    let fields: Vec<_> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["note", "all_clear"]);
    // The old body (a note only) is still read; closing now also asks for the all-clear.
    let (status, v) = kit.call("POST", &path, leader, Some(json!({ "status": "closed", "note": "Omstillingen virker igen." }))).await;
    assert_eq!((status, &v["error"]["fields"][0]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("all_clear")), "{v}");
    let all_clear = "Krisen er ovre. Kommunens telefoner virker igen.";
    let (status, v) = kit
        .call("POST", &path, leader, Some(json!({ "status": "closed", "note": "Omstillingen virker igen.", "all_clear": all_clear })))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["closed_at"].is_string());
    assert_eq!(v["all_clear"], all_clear);
}

#[tokio::test]
async fn checklist_and_action_cards_over_http() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/checklist"), kit.token(Role::AuthorityEditor), None).await;
    let items = v["items"].as_array().unwrap();
    let staff_item = items.iter().find(|i| i["side"] == "crisis_staff").unwrap()["id"].as_str().unwrap();
    let auth_item = items.iter().find(|i| i["side"] == "authority").unwrap()["id"].as_str().unwrap();

    let editor = kit.token(Role::AuthorityEditor);
    let (status, _) =
        kit.call("POST", &format!("/api/v1/incidents/{id}/checklist/{staff_item}"), editor, Some(json!({ "done": true }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) =
        kit.call("POST", &format!("/api/v1/incidents/{id}/checklist/{auth_item}"), editor, Some(json!({ "done": true }))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["done_by"], "Test authority_editor");
    let (status, _) =
        kit.call("POST", &format!("/api/v1/incidents/{id}/checklist/{auth_item}"), editor, Some(json!({ "done": true }))).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (_, incident) = kit.call("GET", &format!("/api/v1/incidents/{id}"), editor, None).await;
    assert_eq!(incident["checklist"]["done"], 1);

    let (_, cards) = kit.call("GET", "/api/v1/action-cards", kit.token(Role::CrisisLeader), None).await;
    let card = &cards["action_cards"][0];
    let (status, _) = kit
        .call(
            "POST",
            &format!("/api/v1/incidents/{id}/action-cards"),
            kit.token(Role::CrisisLeader),
            Some(json!({ "card_id": card["id"] })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = kit
        .call(
            "POST",
            &format!("/api/v1/incidents/{id}/action-cards"),
            kit.token(Role::CrisisLeader),
            Some(json!({ "card_id": card["id"] })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, attached) = kit.call("GET", &format!("/api/v1/incidents/{id}/action-cards"), editor, None).await;
    assert_eq!(attached["action_cards"][0]["title"], card["title"]);
    let detach = format!("/api/v1/incidents/{id}/action-cards/{}", card["id"].as_str().unwrap());
    let (status, v) = kit.call("DELETE", &detach, kit.token(Role::CrisisLeader), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{v}");
    let (_, attached) = kit.call("GET", &format!("/api/v1/incidents/{id}/action-cards"), editor, None).await;
    assert_eq!(attached["action_cards"], json!([]), "detached");
    let (status, _) = kit.call("DELETE", &detach, kit.token(Role::CrisisLeader), None).await;
    assert!(status == StatusCode::NOT_FOUND || status == StatusCode::CONFLICT, "a card not attached: {status}");
}

#[tokio::test]
async fn bad_input_gets_a_precise_error_and_writes_nothing() {
    let kit = Kit::sqlite().await;
    let leader = kit.token(Role::CrisisLeader);
    let id = kit.incident(&["0250"]).await;
    let log = format!("/api/v1/incidents/{id}/log");
    let events_before = kit.store.last_event_seq().await.unwrap();

    let cases: Vec<(&str, String, Option<&str>, StatusCode, &str)> = vec![
        ("malformed JSON", "/api/v1/incidents".into(), Some("{\"title\": "), StatusCode::BAD_REQUEST, "invalid_json"),
        (
            "wrong type",
            "/api/v1/incidents".into(),
            Some(r#"{"title": 5, "kind": "flood", "affected": ["0250"], "channels": ["phone"]}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            "unknown kind",
            "/api/v1/incidents".into(),
            Some(r#"{"title": "Jordskælv", "kind": "earthquake", "affected": ["0250"], "channels": ["phone"]}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            "missing field",
            "/api/v1/incidents".into(),
            Some(r#"{"title": "Brand", "kind": "fire", "channels": ["phone"]}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            "unknown field",
            "/api/v1/incidents".into(),
            Some(r#"{"title": "Brand", "kind": "fire", "affected": ["0250"], "channels": ["phone"], "severity": 5}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            "unknown organisation",
            "/api/v1/incidents".into(),
            Some(r#"{"title": "Brand", "kind": "fire", "affected": ["9999"], "channels": ["phone"]}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "unknown category",
            log.clone(),
            Some(r#"{"category": "gossip", "text": "x"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            "empty text",
            log.clone(),
            Some(r#"{"category": "information", "text": "   "}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "correction of nothing",
            log.clone(),
            Some(r#"{"category": "information", "text": "ret", "corrects": 99}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ];
    for (what, path, body, status, code) in cases {
        let (s, bytes, _) = kit.raw("POST", &path, leader, body.map(String::from), &[]).await;
        let v: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|_| panic!("{what}: not JSON: {}", String::from_utf8_lossy(&bytes)));
        assert_eq!((s, v["error"]["code"].as_str().unwrap()), (status, code), "{what}: {v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty(), "{what}");
    }

    let (s, v) =
        kit.call("POST", &log, kit.token(Role::LogKeeper), Some(json!({ "category": "information", "text": "før\u{0}efter" }))).await;
    assert_eq!(
        (s, v["error"]["fields"][0]["message"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("must not contain control characters"))
    );

    let long = "å".repeat(domain::log::TEXT_MAX + 1);
    let (s, v) = kit.call("POST", &log, kit.token(Role::LogKeeper), Some(json!({ "category": "information", "text": long }))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["fields"][0]["field"], "text");
    assert!(v["error"]["message"].as_str().unwrap().contains("at most 4000"));

    let huge = format!(r#"{{"category": "information", "text": "{}"}}"#, "a".repeat(web::BODY_LIMIT + 1));
    let (s, bytes, _) = kit.raw("POST", &log, leader, Some(huge), &[]).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{}", String::from_utf8_lossy(&bytes));

    let (s, _, _) = kit.raw("POST", &log, leader, None, &[]).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let ghost = uuid::Uuid::new_v4();
    let (s, v) =
        kit.call("POST", &format!("/api/v1/incidents/{ghost}/log"), leader, Some(json!({ "category": "information", "text": "x" }))).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (s, v) = kit.call("GET", "/api/v1/incidents/not-a-uuid", leader, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
    let (s, v) = kit.call("GET", "/api/v1/incidents?status=exploded", leader, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")));
    assert!(v["error"]["message"].as_str().unwrap().contains("unknown status 'exploded'"));
    let (s, v) = kit.call("PUT", &format!("/api/v1/incidents/{id}/roles/janitor"), leader, Some(json!({}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = kit
        .call("PUT", &format!("/api/v1/incidents/{id}/roles/log_keeper"), leader, Some(json!({ "primary": "nobody@test.invalid" })))
        .await;
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("primary")));
    let (s, _) = kit.call("DELETE", "/api/v1/incidents", leader, None).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    let (s, v) = kit.call("GET", "/api/v1/nothing-here", leader, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (s, v) = kit.call("GET", "/api/v1/incidents", Some("forged-token"), None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));

    // Nothing above wrote anything: one incident, its one creation entry, no new events.
    let (_, v) = kit.call("GET", "/api/v1/incidents", leader, None).await;
    assert_eq!(v["incidents"].as_array().unwrap().len(), 1);
    let (_, v) = kit.call("GET", &log, leader, None).await;
    assert_eq!(v["entries"].as_array().unwrap().len(), 1);
    assert_eq!(kit.store.last_event_seq().await.unwrap(), events_before);
}

#[tokio::test]
async fn sessions_need_csrf_for_writes_and_logins_are_throttled() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let email = kit.emails[&Role::LogKeeper].clone();
    let (s, body, headers) =
        kit.raw("POST", "/api/v1/session", None, Some(json!({ "email": email, "password": PASSWORD }).to_string()), &[]).await;
    assert_eq!(s, StatusCode::OK);
    let cookie = headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_string();
    let csrf = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["csrf"].as_str().unwrap().to_string();

    let entry = json!({ "category": "information", "text": "via cookie" }).to_string();
    let path = format!("/api/v1/incidents/{id}/log");
    let (s, v, _) = kit.raw("POST", &path, None, Some(entry.clone()), &[("cookie", &session)]).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{}", String::from_utf8_lossy(&v));
    let (s, _, _) = kit.raw("POST", &path, None, Some(entry.clone()), &[("cookie", &session), ("x-csrf-token", "wrong")]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = kit.raw("POST", &path, None, Some(entry), &[("cookie", &session), ("x-csrf-token", &csrf)]).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, _) = kit.raw("GET", &path, None, None, &[("cookie", &session)]).await;
    assert_eq!(s, StatusCode::OK, "reads need no CSRF token");

    let (s, _, _) = kit.raw("DELETE", "/api/v1/session", None, None, &[("cookie", &session), ("x-csrf-token", &csrf)]).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = kit.raw("GET", &path, None, None, &[("cookie", &session)]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "logged out");

    for _ in 0..5 {
        let (s, v) = kit.call("POST", "/api/v1/session", None, Some(json!({ "email": email, "password": "forkert forkert" }))).await;
        assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_credentials")));
    }
    let login = json!({ "email": email, "password": PASSWORD }).to_string();
    let (s, v, h) = kit.raw("POST", "/api/v1/session", None, Some(login), &[]).await;
    let v: serde_json::Value = serde_json::from_slice(&v).unwrap();
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")),
        "even the right password waits"
    );
    let wait: u64 = h[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((800..=900).contains(&wait), "Retry-After is the rest of the quarter hour: {wait}");
}

#[tokio::test]
async fn pages_ask_for_login_and_permission() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let (s, _, h) = kit.raw("GET", &format!("/incidents/{id}"), None, None, &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(h[header::LOCATION].to_str().unwrap().starts_with("/login?next=/incidents/"));

    let (s, _, h) = kit.raw("GET", &format!("/incidents/{id}"), kit.token(Role::Agent), None, &[]).await;
    assert_eq!(
        (s, h[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, format!("/agent/{id}").as_str()),
        "agents get the summary"
    );
    let (s, page, _) = kit.raw("GET", &format!("/incidents/{id}"), kit.token(Role::SteeringGroup), None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("<html lang=\"da\"") && page.contains("Logbog"));
    assert!(!page.contains("id=\"log-form\""), "the steering group reads the log but does not write it");
    let (_, page, _) = kit.raw("GET", &format!("/incidents/{id}"), kit.token(Role::LogKeeper), None, &[]).await;
    assert!(String::from_utf8(page).unwrap().contains("id=\"log-form\""));

    for path in ["/admin/organisations", "/admin/users", "/admin/roster", "/admin/templates"] {
        let (s, _, _) = kit.raw("GET", path, kit.token(Role::Agent), None, &[]).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        let (s, _, _) = kit.raw("GET", path, kit.token(Role::Secretariat), None, &[]).await;
        assert_eq!(s, StatusCode::OK, "{path}");
    }
    let (s, page, _) = kit.raw("GET", &format!("/incidents/{id}/log/print"), kit.token(Role::CrisisLeader), None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8(page).unwrap().contains("ICS 214"));

    let (s, _, _) = kit.raw("GET", "/metrics", None, None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    // Ready once the channels have loaded the published guides: a moment on a busy machine.
    let start = std::time::Instant::now();
    loop {
        let (s, _, _) = kit.raw("GET", "/readyz", None, None, &[]).await;
        if s == StatusCode::OK {
            break;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "/readyz: {s}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
