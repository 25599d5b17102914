//! The OpenAPI document: the router serves exactly what it describes, it is valid OpenAPI 3.1,
//! the error body is on every 4xx, and it is snapshotted so that a change to the API shows in
//! review.

mod common;

use axum::http::StatusCode;
use common::Kit;
use serde_json::Value;
use std::collections::BTreeSet;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];
const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

async fn served(kit: &Kit) -> Value {
    let (status, doc) = kit.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    doc
}

/// Every (method, path) of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            assert!(METHODS.contains(&method.as_str()), "{method} {path}: unexpected key in a path item");
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

/// A path with its parameters filled in with values that route (not necessarily that exist).
fn concrete(path: &str) -> String {
    path.replace("{id}", &uuid::Uuid::new_v4().to_string())
        .replace("{item}", &uuid::Uuid::new_v4().to_string())
        .replace("{role}", "log_keeper")
        .replace("{code}", "0250")
        .replace("{file}", "0250.ics")
}

/// What the router answers for a route it does not have: the catch-all's 404 or the 405.
fn is_fallback(status: StatusCode, v: &Value) -> bool {
    (status == StatusCode::NOT_FOUND && v["error"]["message"] == "no such API endpoint; see /api/v1/openapi.json for the list not found")
        || (status == StatusCode::METHOD_NOT_ALLOWED && v["error"]["code"] == "method_not_allowed")
}

/// Both directions, from the router itself: each documented operation reaches a handler (not
/// the fallback), and on each documented path every other method is the router's 405. A route
/// registered around `routes!` is also refused by clippy (`OpenApiRouter::route` is a disallowed
/// method) and answered 500 in debug builds (`api::documented_only`, checked below).
#[tokio::test]
async fn the_router_serves_exactly_the_documented_operations() {
    let kit = Kit::sqlite().await;
    let doc = served(&kit).await;
    let ops = operations(&doc);
    assert!(ops.len() >= 50, "only {} operations documented", ops.len());
    let documented: BTreeSet<(String, String)> = ops.iter().map(|(m, p, _)| (m.clone(), p.clone())).collect();
    let paths: BTreeSet<&String> = ops.iter().map(|(_, p, _)| p).collect();
    for path in paths {
        let url = concrete(path);
        for method in METHODS {
            let (status, v) = kit.call(&method.to_uppercase(), &url, None, None).await;
            if documented.contains(&(method.to_string(), path.clone())) {
                assert!(!is_fallback(status, &v), "{method} {path} is documented but not routed: {status} {v}");
                assert_ne!(v["error"]["code"], "undocumented_route", "{method} {path}: {v}");
            } else {
                assert!(is_fallback(status, &v), "{method} {path} is routed but not documented: {status} {v}");
            }
        }
    }
    // The guard itself: a path the document lacks reaches the catch-all, not the guard.
    let (status, v) = kit.call("GET", "/api/v1/no-such-thing", None, None).await;
    assert!(is_fallback(status, &v), "{status} {v}");
}

/// The guard answers 500 for a route under /api/v1 that bypassed the document.
#[tokio::test]
async fn a_route_around_the_document_is_refused_in_debug_builds() {
    use tower::ServiceExt;
    let undocumented = axum::Router::new()
        .route("/api/v1/undocumented", axum::routing::get(|| async { "hidden" }))
        .route("/api/v1/openapi.json", axum::routing::get(|| async { "documented" }))
        .layer(axum::middleware::from_fn(web::api_guard));
    let call = |path: &'static str| {
        let app = undocumented.clone();
        async move {
            let res = app.oneshot(axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap()).await.unwrap();
            let status = res.status();
            let body = axum::body::to_bytes(res.into_body(), 1 << 16).await.unwrap();
            (status, String::from_utf8_lossy(&body).to_string())
        }
    };
    let (status, body) = call("/api/v1/undocumented").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(body.contains("undocumented_route"), "{body}");
    assert_eq!(call("/api/v1/openapi.json").await, (StatusCode::OK, "documented".to_string()));
}

/// Resolves a local `$ref` (`#/components/schemas/X`) in `doc`.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    let kit = Kit::sqlite().await;
    let doc = served(&kit).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    for key in doc.as_object().unwrap().keys() {
        assert!(["openapi", "info", "servers", "paths", "components", "security"].contains(&key.as_str()), "unexpected {key}");
    }

    // Every $ref resolves.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 50, "only {} references", all.len());
    for r in all {
        assert!(r.starts_with("#/"), "{r}: only local references");
        assert!(resolve(&doc, r).is_some_and(Value::is_object), "{r} does not resolve");
    }

    let schemes: BTreeSet<&str> = doc["components"]["securitySchemes"].as_object().unwrap().keys().map(String::as_str).collect();
    let mut ids = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: no operationId"));
        assert!(ids.insert(id.to_string()), "{method} {path}: operationId {id} twice");
        assert!(op["summary"].is_string(), "{method} {path}: no summary");
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.keys().any(|k| k.starts_with('2')), "{method} {path}: no success response");
        for (status, r) in responses {
            assert!(r["description"].as_str().is_some_and(|d| !d.is_empty()), "{method} {path} {status}: a response needs a description");
        }
        // The path's template parameters are the operation's path parameters, each required.
        let template: BTreeSet<&str> =
            path.split('/').flat_map(|s| s.split('.')).filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect();
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let in_path: BTreeSet<&str> = params.iter().filter(|p| p["in"] == "path").map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(template, in_path, "{method} {path}: path parameters");
        for p in params.iter().filter(|p| p["in"] == "path") {
            assert_eq!(p["required"], true, "{method} {path}: {p}");
            assert!(p["schema"].is_object(), "{method} {path}: {p}");
        }
        for requirement in op["security"].as_array().into_iter().flatten() {
            for name in requirement.as_object().unwrap().keys() {
                assert!(schemes.contains(name.as_str()), "{method} {path}: unknown security scheme {name}");
            }
        }
        if let Some(word) = op.get("x-permission") {
            let word = word.as_str().unwrap();
            assert!(word.parse::<domain::Permission>().is_ok(), "{method} {path}: x-permission {word} is not a permission");
        }
    }
}

#[tokio::test]
async fn every_error_response_is_the_error_body() {
    let kit = Kit::sqlite().await;
    let doc = served(&kit).await;
    let error = &doc["components"]["schemas"]["Error"];
    assert_eq!(error["required"], serde_json::json!(["error"]));
    let detail = resolve(&doc, error["properties"]["error"]["$ref"].as_str().expect("error refers to its detail")).unwrap();
    for field in ["code", "message"] {
        assert!(detail["required"].as_array().unwrap().contains(&Value::from(field)), "{field} is required: {detail}");
    }
    assert!(detail["properties"]["fields"].is_object(), "{detail}");
    for (method, path, op) in operations(&doc) {
        let mut fours = 0;
        for (status, r) in op["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                fours += status.starts_with('4') as usize;
                let schema = &r["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/Error", "{method} {path} {status}");
            }
        }
        assert!(fours > 0, "{method} {path}: no 4xx response");
    }
    // And the error a handler sends has that shape.
    let (status, v) = kit.call("GET", "/api/v1/incidents", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let keys: BTreeSet<&str> = v["error"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["code", "message"]));
}

/// The document as committed. A change to the API changes this file, so it shows in review.
#[tokio::test]
async fn the_document_matches_its_snapshot() {
    let kit = Kit::sqlite().await;
    let (_, body, _) = kit.raw("GET", "/api/v1/openapi.json", None, None, &[]).await;
    let mut actual = String::from_utf8(body).unwrap();
    actual.push('\n');
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    if expected != actual {
        let line =
            expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "the OpenAPI document differs from crates/web/tests/snapshots/openapi.json from line {}: {:?} is now {:?}.\n\
             If the change to the API is intended, update the snapshot and commit it:\n\
             UPDATE_SNAPSHOTS=1 cargo nextest run -p web --test openapi",
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

/// The schemas of the request bodies, each reached from an operation, with the schemas they name.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let name = |r: &Value| r.as_str().and_then(|r| r.strip_prefix("#/components/schemas/")).map(str::to_string);
    let mut todo: Vec<String> = operations(doc)
        .iter()
        .filter_map(|(_, _, op)| op["requestBody"]["content"].as_object().cloned())
        .flat_map(|c| c.values().filter_map(|m| name(&m["schema"]["$ref"])).collect::<Vec<_>>())
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(s) = todo.pop() {
        if seen.insert(s.clone()) {
            for p in doc["components"]["schemas"][&s]["properties"].as_object().into_iter().flat_map(|p| p.values()) {
                todo.extend(name(&p["$ref"]).into_iter().chain(name(&p["items"]["$ref"])));
            }
        }
    }
    seen
}

/// A client can check a body before it sends it: every free-text string of a request body has a
/// length limit in the document, and the limits named in `domain` are the ones it states.
#[tokio::test]
async fn request_bodies_state_the_limits_the_domain_enforces() {
    use domain::{chat, guide, incident, inquiry, log, shifts, user};
    let kit = Kit::sqlite().await;
    let doc = served(&kit).await;
    let schemas = &doc["components"]["schemas"];
    let requests = request_schemas(&doc);
    assert!(requests.len() > 20, "the request bodies were found: {requests:?}");

    let mut unbounded = Vec::new();
    for s in &requests {
        for (field, p) in schemas[s]["properties"].as_object().into_iter().flatten() {
            let is_string = p["type"] == "string" || p["type"].as_array().is_some_and(|t| t.contains(&"string".into()));
            if is_string && p["format"].is_null() && p["enum"].is_null() && p["maxLength"].is_null() {
                unbounded.push(format!("{s}.{field}"));
            }
        }
    }
    assert!(unbounded.is_empty(), "request strings without a maxLength: {unbounded:?}");

    let stated = |s: &str, field: &str, key: &str| schemas[s]["properties"][field][key].as_u64().map(|n| n as usize);
    let named = [
        ("NewIncident", "title", "maxLength", incident::TITLE_MAX),
        ("StatusChange", "note", "maxLength", incident::NOTE_MAX),
        ("StatusChange", "all_clear", "maxLength", incident::ALL_CLEAR_MAX),
        ("NewLogEntry", "text", "maxLength", log::TEXT_MAX),
        ("NewInquiry", "text", "maxLength", inquiry::INQUIRY_TEXT_MAX),
        ("NewCallback", "reason", "maxLength", inquiry::REASON_MAX),
        ("ChatCallback", "reason", "maxLength", inquiry::REASON_MAX),
        ("NewFeedback", "text", "maxLength", domain::feedback::TEXT_MAX),
        ("ChatRequest", "message", "maxLength", chat::MESSAGE_MAX),
        ("Guide", "banner", "maxLength", guide::BANNER_MAX),
        ("Guide", "purpose", "maxLength", guide::SECTION_MAX),
        ("Guide", "scope", "maxLength", guide::SECTION_MAX),
        ("Guide", "short_status", "maxLength", guide::STATUS_MAX),
        ("Guide", "citizen_summary", "maxLength", guide::STATUS_MAX),
        ("Guide", "situations", "maxItems", guide::MAX_SITUATIONS),
        ("Guide", "contacts", "maxItems", guide::MAX_CONTACTS),
        ("Situation", "action", "maxLength", guide::ROW_MAX),
        ("Situation", "citizen_text", "maxLength", guide::ROW_MAX),
        ("Situation", "citizen_questions", "maxItems", guide::MAX_CITIZEN_QUESTIONS),
        ("NewPlan", "shifts", "maxItems", shifts::MAX_SHIFTS),
        ("NewUser", "password", "minLength", user::PASSWORD_MIN),
        ("NewUser", "password", "maxLength", user::PASSWORD_MAX),
        ("Login", "password", "maxLength", user::PASSWORD_MAX),
    ];
    for (s, field, key, limit) in named {
        assert_eq!(stated(s, field, key), Some(limit), "{s}.{field}: the document's {key} is not the domain's");
    }
}
