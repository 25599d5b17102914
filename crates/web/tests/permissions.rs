//! Walks every API endpoint as every role and as nobody, and checks the answer against the
//! permission table: 401 without credentials, 403 exactly when the table denies, never a 404
//! for an endpoint the OpenAPI document promises. The endpoints, the permission each asks
//! (`x-permission`) and whether it needs a login (`security`) are read from the document the
//! router serves, which the router's own registration builds.

mod common;

use axum::http::StatusCode;
use common::Kit;
use domain::Role;
use domain::permission::allows;
use serde_json::{Value, json};

/// One operation of the served document.
struct Endpoint {
    method: String,
    path: String,
    /// The permission the endpoint asks; `None` for public endpoints and for "any logged-in user".
    action: Option<domain::Permission>,
    authenticated: bool,
}

async fn endpoints(kit: &Kit) -> Vec<Endpoint> {
    let (status, doc) = kit.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let action = op.get("x-permission").map(|w| w.as_str().unwrap().parse().unwrap());
            // An empty requirement among the operation's own `security` lets anyone call it.
            let security = op.get("security").or(doc.get("security")).and_then(Value::as_array).cloned().unwrap_or_default();
            let authenticated = !security.iter().any(|r| r.as_object().is_some_and(|r| r.is_empty()));
            out.push(Endpoint { method: method.clone(), path: path.clone(), action, authenticated });
        }
    }
    out
}

async fn fill(kit: &Kit, path: &str, incident: &str, item: &str) -> String {
    let user_id = kit.store.user_by_email(&kit.emails[&Role::Agent]).await.unwrap().unwrap().0.id;
    let template = kit.store.checklist_templates().await.unwrap()[0].0;
    let card = kit.store.action_cards().await.unwrap()[0].0;
    let id = if path.starts_with("/api/v1/scenarios/") {
        "energinet-cyberangreb".to_string()
    } else if path.starts_with("/api/v1/users/") {
        user_id.to_string()
    } else if path.starts_with("/api/v1/checklist-templates/") {
        template.to_string()
    } else if path.starts_with("/api/v1/action-cards/") {
        card.to_string()
    } else {
        incident.to_string()
    };
    // A shift contact's calendar is its own municipality's (0253); others may read any.
    path.replace("{id}", &id)
        .replace("{item}", item)
        .replace("{role}", "log_keeper")
        .replace("{code}", "0250")
        // The authority editor's own organisation: it reads that list, and only that one.
        .replace("{org}", "0250")
        .replace("{file}", "0253.ics")
        .replace("{card}", &card.to_string())
        .replace("{callout}", &uuid::Uuid::new_v4().to_string())
        .replace("{number}", "1")
        .replace("{seq}", "1")
        .replace("{token}", "0123456789abcdef0123456789abcdef")
        .replace("{action}", &uuid::Uuid::new_v4().to_string())
}

/// A new day each call (of 336), for the tariffs' valid-from dates.
fn rand_day() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 336
}

fn body(kit: &Kit, method: &str, path: &str) -> Option<Value> {
    let staff = &kit.emails[&Role::LogKeeper];
    let other = &kit.emails[&Role::CrisisLeader];
    let b = match (method, path) {
        ("post", "/api/v1/incidents") => {
            json!({ "title": "Oversvømmelse", "kind": "flood", "affected": ["0250"], "channels": ["phone"] })
        }
        ("post", "/api/v1/incidents/{id}/status") => json!({ "status": "standing_down", "note": "Opkaldene er faldet" }),
        ("put", "/api/v1/incidents/{id}/roles/{role}") | ("put", "/api/v1/roster/{role}") => {
            json!({ "primary": staff, "deputy": other })
        }
        ("put", "/api/v1/incidents/{id}/guide") => json!({ "banner": "Kort status kommer" }),
        ("post", "/api/v1/incidents/{id}/log") => {
            json!({ "category": "information", "text": "Statusmøde holdt" })
        }
        ("post", "/api/v1/incidents/{id}/checklist/{item}") => json!({ "done": true }),
        ("post", "/api/v1/incidents/{id}/callout") => json!({ "message": "Mød på Teams kl. 7.00" }),
        ("post", "/api/v1/incidents/{id}/callout/{callout}/acknowledgement") => json!({ "role": "log_keeper" }),
        ("post", "/api/v1/callout/acknowledgement") => json!({ "token": "0123456789abcdef0123456789abcdef" }),
        ("post", "/api/v1/incidents/{id}/staffing-call") => json!({ "need": "12 agenter 14.00–22.00" }),
        ("post", "/api/v1/account/contact-methods") => {
            json!({ "channel": "email", "address": format!("m-{}@test.invalid", uuid::Uuid::new_v4()) })
        }
        ("post", "/api/v1/account/contact-methods/{id}/verify") => json!({ "code": "123456" }),
        ("post", "/api/v1/contact-methods/verification") => json!({ "token": "0123456789abcdef0123456789abcdef" }),
        ("put", "/api/v1/callout-policy") => {
            json!({ "stale_after_days": 90, "policies": [{ "role": "log_keeper", "wait_seconds": 300, "rounds": 2 }] })
        }
        ("post", "/api/v1/incidents/{id}/feedback") => {
            json!({ "version": 1, "section": "contacts", "category": "contact_details", "text": "Nummeret er forkert" })
        }
        ("put", "/api/v1/incidents/{id}/feedback/{item}") => json!({ "state": "acknowledged" }),
        ("post", "/api/v1/incidents/{id}/inquiries") => json!({ "version": 1, "situation": 0, "municipality": "0250" }),
        // Version 0 is refused once the permission is granted: nothing is published mid-test.
        ("post", "/api/v1/incidents/{id}/inquiries/handovers") => json!({ "question": "Må jeg grille?", "version": 0, "row": 0 }),
        ("post", "/api/v1/incidents/{id}/callbacks") => {
            json!({ "name": "Birthe Borger", "phone": "20304050", "reason": "Vil ringes op", "municipality": "0250" })
        }
        ("post", "/api/v1/incidents/{id}/action-cards") => Value::Null,
        ("put", "/api/v1/organisations/{code}") => json!({ "member": true }),
        ("post", "/api/v1/contact-lists/{org}") | ("put", "/api/v1/contact-lists/{org}/entries/{id}") => {
            json!({ "kind": "authority_crisis", "name": "Mette Holm", "function": "Beredskabschef", "phone": "33 44 55 66" })
        }
        ("post", "/api/v1/users") => {
            json!({ "email": format!("ny-{}@test.invalid", uuid::Uuid::new_v4()), "name": "Ny Bruger", "org": "0250", "role": "agent", "password": "gule roser i vindueskarmen" })
        }
        ("put", "/api/v1/users/{id}") => json!({ "active": true }),
        ("post", "/api/v1/account/totp/confirm") => json!({ "code": "000000" }),
        ("put", "/api/v1/security") => json!({ "totp_required": [] }),
        ("post", "/api/v1/checklist-templates") => {
            json!({ "side": "authority", "title": "Nyt punkt", "responsible": "authority_editor" })
        }
        ("post", "/api/v1/action-cards") => {
            json!({ "kind": "fire", "title": "Brand", "problem": "p", "solution": "s", "communication": "c", "responsible": "process_lead", "steps": [] })
        }
        ("post", "/api/v1/chat") => json!({ "message": "hvornår virker telefonerne igen?", "municipality": "0250" }),
        ("post", "/api/v1/chat/callback") => {
            json!({ "conversation": uuid::Uuid::new_v4(), "name": "Birthe Borger", "phone": "20304050", "reason": "Vil ringes op" })
        }
        ("post", "/api/v1/incidents/{id}/call-stats") => json!({ "intervals": [{ "start": "2026-11-23T13:00:00Z", "length_s": 1800,
            "offered": 100, "answered": 95, "abandoned": 5, "answered_within_target": 80, "avg_handle_s": 180.0, "avg_wait_s": 10.0 }] }),
        ("put", "/api/v1/incidents/{id}/staffing/settings") => {
            json!({ "interval_s": 1800, "target_answer_s": 20, "target_service_level": 0.8,
            "shrinkage": 0.3, "max_occupancy": 0.85 })
        }
        ("put", "/api/v1/incidents/{id}/staffing/overrides") => json!({ "start": "2026-11-23T15:00:00Z", "calls": 150 }),
        ("post", "/api/v1/incidents/{id}/shifts/plan") => {
            json!({ "shifts": [{ "start": "2026-11-23T06:00:00Z", "end": "2026-11-23T14:00:00Z", "agents": 20 }] })
        }
        ("post", "/api/v1/incidents/{id}/shifts/bids") => json!({ "shift": uuid::Uuid::new_v4(), "agents": 1 }),
        ("post", "/api/v1/staffing/erlang") => {
            json!({ "calls": 100, "interval_s": 1800, "aht_s": 180, "target_answer_s": 20, "target_service_level": 0.8 })
        }
        ("post", "/api/v1/scenarios") => json!({ "id": "rettighedstest", "title": "Rettighedstest", "kind": "flood",
            "affected": ["0250"], "duration": "T+01:00", "injects": [{ "number": 1, "at": "T+00:00", "to": "agents", "channel": "app", "message": "Vandet stiger" }] }),
        ("post", "/api/v1/scenarios/{id}/run") => json!({ "speed": 60 }),
        ("put", "/api/v1/scenarios/{id}/msel.csv") => json!("number,at,from,to,channel,message,expected_action,objective"),
        ("post", "/api/v1/incidents/{id}/exercise/clock") => json!({ "action": "pause" }),
        ("put", "/api/v1/incidents/{id}/exercise/injects/{number}") => {
            json!({ "at": "T+00:10", "to": "agents", "channel": "app", "message": "Vandet stiger" })
        }
        ("put", "/api/v1/incidents/{id}/exercise/parts") => json!({ "email": staff, "part": "player" }),
        ("post", "/api/v1/incidents/{id}/exercise/observations") => json!({ "rating": "performed", "text": "Godt" }),
        ("post", "/api/v1/session") => {
            json!({ "email": "nobody@test.invalid", "password": "wrong password" })
        }
        ("put", "/api/v1/kpi-targets") => json!({ "targets": { "service_level": 0.8 } }),
        ("post", "/api/v1/evaluation-templates") => json!({ "audience": "agents", "title": "Evaluering for agenter",
            "questions": [{ "kind": "likert", "text": "I hvor høj grad var guiden opdateret?" }] }),
        ("post", "/api/v1/evaluation-forms/{token}") => json!({ "answers": [4] }),
        ("put", "/api/v1/incidents/{id}/report/notes") => json!({ "strengths": "Hurtig aktivering", "improvements": "" }),
        ("put", "/api/v1/incidents/{id}/log/{seq}/pin") => json!({ "pinned": true }),
        ("post", "/api/v1/incidents/{id}/actions") | ("put", "/api/v1/incidents/{id}/actions/{action}") => {
            json!({ "text": "Øv IVR-omstilling", "owner": "Frederikssund Kommune", "due": "2027-02-01" })
        }
        // A date per call: a second version on one date is refused (409), not forbidden.
        ("post", "/api/v1/tariffs") => {
            let d = rand_day();
            json!({ "valid_from": format!("2026-{:02}-{:02}", 1 + d / 28, 1 + d % 28),
            "activation_fee_dkk": 25000, "hour_rate_dkk": 450, "outside_surcharge_dkk": 225, "bid_compensation_dkk": 400 })
        }
        _ => return None,
    };
    Some(b)
}

#[tokio::test]
async fn every_endpoint_as_every_role_follows_the_permission_table() {
    let kit = Kit::sqlite().await;
    let incident = kit.incident(&["0250"]).await;
    kit.activate(&incident).await;
    kit.publish(&incident, "Leverandøren arbejder på fejlen.").await;
    // The shift contact's municipality and one more are members, so shifts can be planned and bid for.
    for code in ["0253", "0250"] {
        kit.store.set_member(code, true, "test", domain::time::now()).await.unwrap();
    }
    let items = kit.store.checklist(incident.parse().unwrap()).await.unwrap();
    let item = items.iter().find(|i| i.side == domain::checklist::Side::Authority).unwrap().id.to_string();
    let card = kit.store.action_cards().await.unwrap()[0].0;

    let endpoints = endpoints(&kit).await;
    assert!(endpoints.len() >= 50, "only {} endpoints in the document", endpoints.len());
    let mut checked = 0;
    for e in &endpoints {
        let (method, path) = (e.method.as_str(), e.path.as_str());
        let path = fill(&kit, path, &incident, &item).await;
        let mut b = body(&kit, method, &e.path);
        if e.path == "/api/v1/incidents/{id}/action-cards" && e.method == "post" {
            b = Some(json!({ "card_id": card }));
        }
        let method = e.method.to_uppercase();

        let (status, v) = kit.call(&method, &path, None, b.clone()).await;
        if e.authenticated {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {method} {path}: {v}");
            assert_eq!(v["error"]["code"], "unauthorized");
        } else {
            assert_ne!(v["error"]["code"], "unauthorized", "anonymous {method} {path} is public: {status} {v}");
        }

        for role in Role::ALL {
            let b = if e.path == "/api/v1/users" && e.method == "post" { body(&kit, &e.method, &e.path) } else { b.clone() };
            let (status, v) = kit.call(&method, &path, kit.token(*role), b).await;
            let allowed = e.action.is_none_or(|a| allows(*role, a));
            if allowed {
                assert!(
                    status != StatusCode::FORBIDDEN && v["error"]["code"] != "unauthorized",
                    "{role} {method} {path} should be allowed, got {status}: {v}"
                );
                assert!(
                    status != StatusCode::NOT_FOUND
                        || v["error"]["message"] != "no such API endpoint; see /api/v1/openapi.json for the list not found",
                    "{method} {path} is not routed"
                );
                assert!(!status.is_server_error(), "{role} {method} {path}: {status} {v}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} {method} {path} should be denied: {v}");
                assert_eq!(v["error"]["code"], "forbidden");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, endpoints.len() * Role::ALL.len());
}

#[tokio::test]
async fn an_authority_acts_only_on_its_own_incidents() {
    let kit = Kit::sqlite().await;
    let own = kit.incident(&["0250"]).await;
    let other = kit.incident(&["0101"]).await;
    let editor = kit.token(Role::AuthorityEditor);

    let (status, v) = kit.call("GET", "/api/v1/incidents", editor, None).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = v["incidents"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [own.as_str()], "the list shows only the editor's own incidents");

    for path in
        [format!("/api/v1/incidents/{other}"), format!("/api/v1/incidents/{other}/log"), format!("/api/v1/incidents/{other}/checklist")]
    {
        let (status, v) = kit.call("GET", &path, editor, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {v}");
    }
    let (status, _) = kit.call("GET", &format!("/api/v1/incidents/{own}/log"), editor, None).await;
    assert_eq!(status, StatusCode::OK);

    let (status, v) = kit
        .call(
            "POST",
            "/api/v1/incidents",
            editor,
            Some(json!({ "title": "Brand i rådhuset", "kind": "fire", "affected": ["0101"], "channels": ["phone"] })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an authority cannot open an incident for another: {v}");
    let (status, v) = kit
        .call(
            "POST",
            "/api/v1/incidents",
            editor,
            Some(json!({ "title": "Brand", "kind": "fire", "affected": ["0250", "0101"], "channels": ["phone"] })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor for itself and others: {v}");
}

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint() {
    let kit = Kit::sqlite().await;
    let (status, doc) = kit.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for name in ["Incident", "LogEntry", "Verification", "IncidentView", "Error"] {
        assert!(doc["components"]["schemas"][name].is_object(), "schema {name}");
    }
    assert_eq!(doc["paths"]["/api/v1/incidents/{id}"]["get"]["parameters"][0]["schema"]["format"], "uuid");
    for e in endpoints(&kit).await {
        let op = &doc["paths"][&e.path][&e.method];
        assert!(op.is_object(), "{} {} missing from the document", e.method, e.path);
        if let Some(content) = op["requestBody"]["content"].as_object() {
            for (media, c) in content {
                let schema = &c["schema"];
                if let Some(r) = schema["$ref"].as_str() {
                    let name = r.rsplit('/').next().unwrap();
                    assert!(doc["components"]["schemas"][name].is_object(), "{} {}: schema {name} missing", e.method, e.path);
                } else {
                    assert!(media != "application/json" || schema.is_object(), "{} {}: {media} has no schema", e.method, e.path);
                }
            }
        }
        // Every JSON success answer names its schema.
        for (status, r) in op["responses"].as_object().unwrap() {
            if status.starts_with('2') && status != "204" {
                assert!(r["content"].is_object(), "{} {} {status}: no content", e.method, e.path);
            }
        }
    }
}
