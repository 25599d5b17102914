//! Being reachable, through the router: a person adds a method and verifies it with the code it
//! received (wrong codes refused, counted) or with the link's one click; the readiness view
//! draws the red line; the call-out policy is checked whole before anything is saved.

mod common;

use axum::http::StatusCode;
use common::{Kit, session};
use domain::Role;
use domain::callout::ContactChannel;
use serde_json::json;

/// The code and the link's token of the newest queued verification message to `address`.
async fn sent_to(kit: &Kit, address: &str) -> (String, String) {
    let now = domain::time::now();
    let mut found = None;
    while let Some(m) = kit.store.claim_message(&[ContactChannel::Email], now, now + time::Duration::minutes(1)).await.unwrap() {
        if m.address == address {
            found = Some(m);
        }
    }
    let m = found.unwrap_or_else(|| panic!("no message to {address}"));
    let code = m
        .body
        .split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .expect("a code")
        .to_string();
    let token = m.link.expect("a link").1.rsplit('/').next().unwrap().to_string();
    (code, token)
}

#[tokio::test]
async fn a_method_is_verified_by_its_code_and_a_wrong_code_is_refused() {
    let kit = Kit::sqlite().await;
    let me = kit.token(Role::LogKeeper);
    for (body, field) in [
        (json!({ "channel": "email", "address": "not an address" }), "address"),
        (json!({ "channel": "sms", "address": "1234" }), "address"),
        (json!({ "channel": "fax", "address": "1234" }), "channel"),
    ] {
        let (status, v) = kit.call("POST", "/api/v1/account/contact-methods", me, Some(body)).await;
        assert!(status.is_client_error(), "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(field), "{v}");
    }
    let (_, v) = kit.call("GET", "/api/v1/account/contact-methods", me, None).await;
    assert_eq!(v["methods"], json!([]), "a refused method is not saved");

    let (status, m) =
        kit.call("POST", "/api/v1/account/contact-methods", me, Some(json!({ "channel": "email", "address": "Log@K.invalid" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!((m["address"].as_str(), m["standing"].as_str()), (Some("log@k.invalid"), Some("unverified")));
    let id = m["id"].as_str().unwrap();
    let (code, _) = sent_to(&kit, "log@k.invalid").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, v) = kit.call("POST", &format!("/api/v1/account/contact-methods/{id}/verify"), me, Some(json!({ "code": wrong }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("4 tries left"), "{v}");
    // Someone else cannot verify (or see) my method.
    let other = kit.token(Role::CrisisLeader);
    let (status, _) = kit.call("POST", &format!("/api/v1/account/contact-methods/{id}/verify"), other, Some(json!({ "code": code }))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) = kit.call("POST", &format!("/api/v1/account/contact-methods/{id}/verify"), me, Some(json!({ "code": code }))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["standing"], "verified");
    assert!(v["stale_at"].is_string(), "{v}");
}

#[tokio::test]
async fn a_verification_link_shows_a_button_and_verifies_once_on_the_click() {
    let kit = Kit::sqlite().await;
    let me = kit.token(Role::ProcessLead);
    let (_, m) =
        kit.call("POST", "/api/v1/account/contact-methods", me, Some(json!({ "channel": "email", "address": "p@k.invalid" }))).await;
    let (_, token) = sent_to(&kit, "p@k.invalid").await;
    // A GET (a mail scanner following the link) verifies nothing.
    let (status, page, _) = kit.raw("GET", &format!("/bekraeft/{token}"), None, None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page).contains("p@k.invalid"));
    let (_, v) = kit.call("GET", "/api/v1/account/contact-methods", me, None).await;
    assert_eq!(v["methods"][0]["standing"], "unverified");
    let (status, v) = kit.call("POST", "/api/v1/contact-methods/verification", None, Some(json!({ "token": token }))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, _) = kit.call("POST", "/api/v1/contact-methods/verification", None, Some(json!({ "token": token }))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a link works once");
    let (_, v) = kit.call("GET", "/api/v1/account/contact-methods", me, None).await;
    assert_eq!((v["methods"][0]["id"].as_str(), v["methods"][0]["standing"].as_str()), (m["id"].as_str(), Some("verified")));
}

#[tokio::test]
async fn the_readiness_view_draws_the_red_line_and_the_policy_is_saved_whole_or_not_at_all() {
    let kit = Kit::sqlite().await;
    let sec = kit.token(Role::Secretariat);
    let keeper = kit.emails[&Role::LogKeeper].clone();
    let (status, v) = kit.call("PUT", "/api/v1/roster/log_keeper", sec, Some(json!({ "primary": keeper }))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, v) = kit.call("GET", "/api/v1/readiness", sec, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let log_keeper = v["roles"].as_array().unwrap().iter().find(|r| r["role"] == "log_keeper").unwrap().clone();
    assert_eq!(log_keeper["at_risk"], true, "nobody has a verified method: {log_keeper}");
    assert_eq!(log_keeper["primary"]["name"], "Test log_keeper");

    let (_, m) = kit
        .call("POST", "/api/v1/account/contact-methods", kit.token(Role::LogKeeper), Some(json!({ "channel": "email", "address": keeper })))
        .await;
    let (_, token) = sent_to(&kit, &keeper).await;
    kit.call("POST", "/api/v1/contact-methods/verification", None, Some(json!({ "token": token }))).await;
    let (_, v) = kit.call("GET", "/api/v1/readiness", sec, None).await;
    let log_keeper = v["roles"].as_array().unwrap().iter().find(|r| r["role"] == "log_keeper").unwrap().clone();
    assert_eq!(log_keeper["at_risk"], false, "the primary can be reached: {log_keeper}");
    assert_eq!(log_keeper["primary"]["methods"][0]["standing"], "verified", "{m}");
    assert!(log_keeper["deputy"].is_null());
    let (status, _) = kit.call("GET", "/api/v1/readiness", kit.token(Role::Agent), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // One bad value refuses the whole change.
    let bad = json!({ "stale_after_days": 30, "policies": [{ "role": "log_keeper", "wait_seconds": 60, "rounds": 9 }] });
    let (status, v) = kit.call("PUT", "/api/v1/callout-policy", sec, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (_, v) = kit.call("GET", "/api/v1/callout-policy", sec, None).await;
    assert_eq!(v["stale_after_days"], 90, "nothing was saved: {v}");
    let good = json!({ "stale_after_days": 30, "policies": [{ "role": "log_keeper", "wait_seconds": 60, "rounds": 3 }] });
    let (status, v) = kit.call("PUT", "/api/v1/callout-policy", sec, Some(good)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let p = v["policies"].as_array().unwrap().iter().find(|p| p["role"] == "log_keeper").unwrap();
    assert_eq!((v["stale_after_days"].as_i64(), p["wait_seconds"].as_i64(), p["rounds"].as_i64()), (Some(30), Some(60), Some(3)));
    let (status, _) =
        kit.call("PUT", "/api/v1/callout-policy", kit.token(Role::CrisisLeader), Some(json!({ "stale_after_days": 60 }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_pages_add_and_verify_a_method_and_show_who_cannot_be_reached() {
    let kit = Kit::sqlite().await;
    let me = session(&kit, Role::LogKeeper).await;
    let (status, page) = common::post_signed(&kit, "/account/contact-methods", &me, "channel=sms&address=12").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a refused method shows the form again");
    assert!(page.contains("aria-invalid=\"true\"") && page.contains("value=\"12\""), "{page}");
    let (status, _) = common::post_signed(&kit, "/account/contact-methods", &me, "channel=email&address=log%40k.invalid").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (code, _) = sent_to(&kit, "log@k.invalid").await;
    let (_, v) = kit.call("GET", "/api/v1/account/contact-methods", kit.token(Role::LogKeeper), None).await;
    let id = v["methods"][0]["id"].as_str().unwrap().to_string();
    let (status, page) = common::post_signed(&kit, &format!("/account/contact-methods/{id}/verify"), &me, "code=12").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let (status, _) = common::post_signed(&kit, &format!("/account/contact-methods/{id}/verify"), &me, &format!("code={code}")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = kit.raw("GET", "/account/contact-methods", None, None, &[("cookie", &me.cookie)]).await;
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains("log@k.invalid") && page.contains("standing verified"), "{page}");

    let sec = session(&kit, Role::Secretariat).await;
    let (status, page, _) = kit.raw("GET", "/readiness", None, None, &[("cookie", &sec.cookie)]).await;
    let page = String::from_utf8_lossy(&page);
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("class=\"at-risk\"") && page.contains("Kan ikke nås"), "roles nobody fills cannot be reached: {page}");
    let (status, _) = common::post_signed(&kit, "/readiness/policy", &sec, "stale_after_days=5").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, v) = kit.call("GET", "/api/v1/callout-policy", kit.token(Role::Secretariat), None).await;
    assert_eq!(v["stale_after_days"], 90, "nothing saved");
}
