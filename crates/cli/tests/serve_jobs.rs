//! The background jobs of a running server, end to end: a callback request is mailed through a
//! real SMTP server (Debian's aiosmtpd) on loopback, and an overdue guide is found by the server
//! itself, also when the deadline passed while it was down.

mod common;

use common::{Node, add_user, call, data_and_smtp, delivered, free_port, live_incident, start_with};
use serde_json::json;
use std::time::{Duration, Instant};

#[test]
fn a_callback_request_is_mailed_to_the_guides_callback_mailbox() {
    let dir = tempfile::tempdir().unwrap();
    let (d, _smtp, maildir, smtp_port) = data_and_smtp(dir.path());
    let d = d.as_str();
    let leader = add_user(d, None, "leder@example.invalid", "crisis_leader", "DDH");
    let lead = add_user(d, None, "proces@example.invalid", "process_lead", "DDH");
    let agent = add_user(d, None, "agent@example.invalid", "agent", "0253");
    let editor = add_user(d, None, "redaktoer@example.invalid", "authority_editor", "0250");

    let port = free_port();
    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}");
    let _node = start_with(d, port, &["--smtp-url", &smtp_url, "--mail-from", "kriseservice@ddh.invalid"]);
    let id = live_incident(port, &leader, &lead, time::Duration::hours(2));

    let citizen = json!({ "name": "Birthe Bøgh", "phone": "20304050", "email": "", "reason": "Hjemmeplejen er ikke kommet i dag", "municipality": "0250" });
    let (status, v) = call(port, "POST", &format!("/api/v1/incidents/{id}/callbacks"), &agent, Some(citizen));
    assert_eq!(status, 201, "{v}");

    let mail = delivered(&maildir, Duration::from_secs(15));
    assert_eq!(mail["to"], "borgerservice@frederikssund.invalid");
    assert_eq!(mail["from"], "kriseservice@ddh.invalid");
    assert_eq!(mail["subject"], "Anmodning om opkald: IT-nedbrud: omstillingen er nede");
    let body = mail["body"].as_str().unwrap();
    for expected in ["Navn: Birthe Bøgh", "Telefon: 20 30 40 50", "Hjemmeplejen er ikke kommet i dag", "Kommune: 0250"] {
        assert!(body.contains(expected), "{expected:?} missing in {body}");
    }

    // The authority's inbox says it went out.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, v) = call(port, "GET", &format!("/api/v1/incidents/{id}/callbacks"), &editor, None);
        assert_eq!(status, 200, "{v}");
        if v["callbacks"][0]["mailed"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "the request is still not marked as mailed: {v}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Waits until the guide of `id` is reported overdue; returns how long that took.
fn wait_overdue(port: u16, token: &str, id: &str, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let (status, v) = call(port, "GET", &format!("/api/v1/incidents/{id}/guide"), token, None);
        assert_eq!(status, 200, "{v}");
        if v["freshness"]["overdue_since"].is_string() {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "not overdue after {within:?}: {v}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn an_overdue_guide_is_found_by_the_server_within_ten_seconds_also_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let leader = add_user(d, None, "leder@example.invalid", "crisis_leader", "DDH");
    let lead = add_user(d, None, "proces@example.invalid", "process_lead", "DDH");
    let agent = add_user(d, None, "agent@example.invalid", "agent", "0253");
    let port = free_port();

    let node = start_with(d, port, &[]);
    let first = live_incident(port, &leader, &lead, time::Duration::seconds(3));
    let waited = wait_overdue(port, &agent, &first, Duration::from_secs(3 + 10));
    assert!(waited < Duration::from_secs(3 + 10), "{waited:?}");
    let (_, log) = call(port, "GET", &format!("/api/v1/incidents/{first}/log"), &leader, None);
    let last = log["entries"].as_array().unwrap().last().unwrap().clone();
    assert!(last["text"].as_str().unwrap().contains("forsinket"), "{last}");

    // Due while the server is down: found after it starts again.
    let second = live_incident(port, &leader, &lead, time::Duration::seconds(2));
    drop(node);
    std::thread::sleep(Duration::from_secs(3));
    let _again: Node = start_with(d, port, &[]);
    wait_overdue(port, &agent, &second, Duration::from_secs(10));
}
