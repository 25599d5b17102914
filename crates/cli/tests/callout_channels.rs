//! The call-out over real HTTP: the crisis leader's SMS goes to a GatewayAPI-shaped gateway and
//! the Teams card to the team's Workflows webhook, both servers that the test runs on 127.0.0.1
//! and that record what they get; then the gateway's delivery report and an inbound "KVITTER"
//! come back through the webhooks and show in the call-out's status.

mod common;

use common::{Recorder, add_user, call, exchange, free_port, live_incident, start_with, verified_method};
use domain::callout::ContactChannel;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const SECRET: &str = "test-secret-0123456789";

/// The crisis leader's role in the newest call-out, once `done` says it is far enough.
fn leader_role(port: u16, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, v) = call(port, "GET", &format!("/api/v1/incidents/{id}/callout"), token, None);
        assert_eq!(status, 200, "{v}");
        let role = v["callouts"][0]["roles"].as_array().into_iter().flatten().find(|r| r["role"] == "crisis_leader").cloned();
        if let Some(role) = role
            && done(&role)
        {
            return role;
        }
        assert!(Instant::now() < deadline, "the call-out did not get there: {v}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn state(role: &Value, channel: &str) -> String {
    let messages = role["steps"][0]["messages"].as_array().cloned().unwrap_or_default();
    messages.iter().find(|m| m["channel"] == channel).and_then(|m| m["state"].as_str()).unwrap_or_default().to_string()
}

#[test]
fn sms_and_teams_go_out_and_the_delivery_report_and_the_reply_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let leader = add_user(d, None, "leder@example.invalid", "crisis_leader", "DDH");
    let lead = add_user(d, None, "proces@example.invalid", "process_lead", "DDH");
    let secretariat = add_user(d, None, "sekretariat@example.invalid", "secretariat", "DDH");
    verified_method(d, "leder@example.invalid", ContactChannel::Sms, "+4512345678");
    verified_method(d, "leder@example.invalid", ContactChannel::Teams, "staben");

    let gateway = Recorder::start(r#"{"ids":[4242],"usage":{"countries":{"DK":1}}}"#);
    let teams = Recorder::start("{}");
    let port = free_port();
    let (sms_url, hook) = (gateway.url("/rest/mtsms"), teams.url("/hook"));
    let _node = start_with(
        d,
        port,
        &[
            "--sms-gateway",
            "gatewayapi",
            "--sms-url",
            &sms_url,
            "--sms-auth",
            "basic:gw-token:",
            "--sms-webhook-secret",
            SECRET,
            "--teams-webhook",
            &format!("staben={hook}"),
            "--public-url",
            "https://krise.example.dk",
        ],
    );
    let (status, v) = call(port, "PUT", "/api/v1/roster/crisis_leader", &secretariat, Some(json!({ "primary": "leder@example.invalid" })));
    assert_eq!(status, 200, "{v}");
    let id = live_incident(port, &leader, &lead, time::Duration::hours(2));

    // The gateway got GatewayAPI's request: JSON, the number as a number, basic auth with the token.
    let sms = gateway.wait_for_body("som kriseleder", Duration::from_secs(10));
    assert_eq!(sms.request_line, "POST /rest/mtsms HTTP/1.1");
    assert_eq!(sms.header("content-type"), Some("application/json"));
    assert_eq!(sms.header("authorization"), Some("Basic Z3ctdG9rZW46"), "base64 of 'gw-token:'");
    let body = sms.json();
    assert_eq!(body["recipients"], json!([{ "msisdn": 4512345678u64 }]));
    assert_eq!(body["sender"], "Krisestab");
    let text = body["message"].as_str().unwrap();
    assert!(text.contains("Du kaldes ud som kriseleder") && text.contains("https://krise.example.dk/kvittering/"), "{text}");
    assert!(!text.contains("ØVELSE"), "a real incident is not an exercise: {text}");
    assert_eq!(body["encoding"], "UTF8", "the text fits GSM-7");

    // The team got an Adaptive Card whose button is the acknowledgement link.
    let card = teams.wait_for_body("som kriseleder", Duration::from_secs(10));
    assert_eq!(card.request_line, "POST /hook HTTP/1.1");
    let m = card.json();
    assert_eq!(m["type"], "message");
    let content = &m["attachments"][0]["content"];
    assert_eq!((content["type"].as_str(), content["version"].as_str()), (Some("AdaptiveCard"), Some("1.5")));
    assert!(content["body"][0]["text"].as_str().unwrap().starts_with("Udkald: IT-nedbrud"), "{content}");
    let link = content["actions"][0]["url"].as_str().unwrap();
    assert!(link.starts_with("https://krise.example.dk/kvittering/") && content["actions"][0]["type"] == "Action.OpenUrl", "{content}");

    let role = leader_role(port, &leader, &id, |r| state(r, "sms") == "sent" && state(r, "teams") == "sent");
    assert!(role["acknowledged"].is_null(), "{role}");

    // The delivery report, as GatewayAPI posts it: a wrong secret is an unknown page, a bad body a 400.
    let report = r#"{"id":4242,"msisdn":4512345678,"time":1764763200,"status":"DELIVERED","userref":"1"}"#;
    let (status, _, v) = exchange(port, "POST", "/api/v1/sms/delivery-report/wrong-secret-0123456", "", ("application/json", report));
    assert_eq!(status, 404, "{v}");
    assert_eq!(serde_json::from_str::<Value>(&v).unwrap()["error"]["code"], "not_found");
    let (status, _, v) = exchange(port, "POST", &format!("/api/v1/sms/delivery-report/{SECRET}"), "", ("application/json", "{\"id\":"));
    assert_eq!(status, 400, "{v}");
    assert_eq!(serde_json::from_str::<Value>(&v).unwrap()["error"]["code"], "bad_callback");
    let (status, _, v) = exchange(port, "POST", &format!("/api/v1/sms/delivery-report/{SECRET}"), "", ("application/json", report));
    assert_eq!((status, serde_json::from_str::<Value>(&v).unwrap()["matched"].as_u64()), (200, Some(1)), "{v}");
    let role = leader_role(port, &leader, &id, |r| state(r, "sms") == "delivered");
    assert!(role["steps"][0]["messages"].as_array().unwrap().iter().any(|m| m["delivered_at"].is_string()), "{role}");

    // The leader texts back the keyword: the role is acknowledged, by SMS.
    let reply = r#"{"id":1,"msisdn":4512345678,"receiver":4512341234,"message":"Kvitter","senttime":1764763260}"#;
    let (status, _, v) = exchange(port, "POST", &format!("/api/v1/sms/inbound/{SECRET}"), "", ("application/json", reply));
    assert_eq!((status, serde_json::from_str::<Value>(&v).unwrap()["acknowledged"].as_u64()), (200, Some(1)), "{v}");
    let role = leader_role(port, &leader, &id, |r| r["acknowledged"].is_object());
    assert_eq!(role["acknowledged"]["via"], "sms", "{role}");
    // With no other role filled, the crisis leader is every role's escalation point and gets each
    // role's message: each once, each with its own link.
    let (_, v) = call(port, "GET", &format!("/api/v1/incidents/{id}/callout"), &leader, None);
    let queued = v["callouts"][0]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["steps"].as_array().unwrap().clone())
        .flat_map(|s| s["messages"].as_array().unwrap().clone())
        .filter(|m| m["channel"] == "sms")
        .count();
    gateway.wait_for(queued, Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(300));
    let texts: std::collections::HashSet<String> =
        gateway.requests().iter().map(|r| r.json()["message"].as_str().unwrap().to_string()).collect();
    assert_eq!((gateway.requests().len(), texts.len()), (queued, queued), "nothing was sent twice");
}
