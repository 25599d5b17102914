//! The call-out of a running server, over real SMTP (Debian's aiosmtpd on loopback): people
//! verify their e-mail with the code they were mailed; activation calls the primaries; a
//! primary who does not answer is followed by the deputy after the (shortened) wait; an
//! acknowledgement by the mail's link stops its chain; the log says it all in order. And a
//! server killed with messages queued sends them all after its restart, none twice.

mod common;

use common::{Node, active_incident, add_user, call, free_port, mail_to, mails, smtp_server, start_with};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

const WITHIN: Duration = Duration::from_secs(15);

/// The 6-digit code in a verification mail.
fn code_in(mail: &Value) -> String {
    let body = mail["body"].as_str().unwrap();
    body.split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .expect(body)
        .to_string()
}

/// The token of the link `/{path}/{token}` in a mail.
fn token_in(mail: &Value, path: &str) -> String {
    let body = mail["body"].as_str().unwrap();
    let at = body.find(&format!("/{path}/")).unwrap_or_else(|| panic!("no /{path}/ link in {body}"));
    body[at + path.len() + 2..].chars().take_while(|c| c.is_ascii_hexdigit()).collect()
}

/// The person adds their e-mail as a contact method and verifies it with the mailed code.
fn verify_email(port: u16, token: &str, email: &str, maildir: &Path) {
    let (status, m) = call(port, "POST", "/api/v1/account/contact-methods", token, Some(json!({ "channel": "email", "address": email })));
    assert_eq!(status, 201, "{m}");
    let code = code_in(&mail_to(maildir, email, "Din kode", WITHIN));
    let path = format!("/api/v1/account/contact-methods/{}/verify", m["id"].as_str().unwrap());
    let (status, v) = call(port, "POST", &path, token, Some(json!({ "code": code })));
    assert_eq!(status, 200, "{v}");
}

fn role_of<'a>(callout: &'a Value, role: &str) -> &'a Value {
    callout["roles"].as_array().unwrap().iter().find(|r| r["role"] == role).unwrap_or_else(|| panic!("{role} in {callout}"))
}

fn notified(role: &Value) -> Vec<String> {
    role["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["notified_at"].is_string())
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

struct Staff {
    sec: String,
    leader: String,
    people: Vec<(String, String)>,
}

/// A secretariat and two crisis roles, each with a primary and a deputy (`name` is the e-mail).
fn staff(d: &str) -> Staff {
    let sec = add_user(d, None, "sek@k.invalid", "secretariat", "DDH");
    let people: Vec<(String, String)> = [
        ("leder@k.invalid", "crisis_leader"),
        ("leder2@k.invalid", "crisis_leader"),
        ("log@k.invalid", "log_keeper"),
        ("log2@k.invalid", "log_keeper"),
    ]
    .iter()
    .map(|(email, role)| (email.to_string(), add_user(d, None, email, role, "DDH")))
    .collect();
    Staff { sec, leader: people[0].1.clone(), people }
}

fn roster(port: u16, s: &Staff, waits: &[(&str, i64)]) {
    for (role, p, d) in [("crisis_leader", "leder@k.invalid", "leder2@k.invalid"), ("log_keeper", "log@k.invalid", "log2@k.invalid")] {
        let (status, v) = call(port, "PUT", &format!("/api/v1/roster/{role}"), &s.sec, Some(json!({ "primary": p, "deputy": d })));
        assert_eq!(status, 200, "{v}");
    }
    let policies: Vec<Value> = waits.iter().map(|(role, wait)| json!({ "role": role, "wait_seconds": wait, "rounds": 1 })).collect();
    let (status, v) = call(port, "PUT", "/api/v1/callout-policy", &s.sec, Some(json!({ "policies": policies })));
    assert_eq!(status, 200, "{v}");
}

#[test]
fn activation_calls_the_primaries_then_the_deputy_after_the_wait_and_an_acknowledgement_stops_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    let d = d.to_str().unwrap();
    let maildir = dir.path().join("mail");
    let smtp_port = free_port();
    let _smtp = smtp_server(smtp_port, &maildir);
    let s = staff(d);
    let port = free_port();
    let public = format!("http://127.0.0.1:{port}");
    let smtp = format!("smtp://127.0.0.1:{smtp_port}");
    let _node = start_with(d, port, &["--smtp-url", &smtp, "--mail-from", "kriseservice@ddh.invalid", "--public-url", &public]);
    for (email, token) in &s.people {
        verify_email(port, token, email, &maildir);
    }
    // Shortened waits: the crisis leader's deputy is due after 2 s, the log keeper's after 4 s.
    roster(port, &s, &[("crisis_leader", 2), ("log_keeper", 4)]);

    let started = Instant::now();
    let id = active_incident(port, &s.leader);
    // 1. The primaries, on their verified method.
    let to_keeper = mail_to(&maildir, "log@k.invalid", "Udkald", WITHIN);
    mail_to(&maildir, "leder@k.invalid", "Udkald", WITHIN);
    assert!(to_keeper["body"].as_str().unwrap().contains(&format!("{public}/kvittering/")), "an absolute link: {to_keeper}");
    let (_, v) = call(port, "GET", &format!("/api/v1/incidents/{id}/callout"), &s.sec, None);
    let c = &v["callouts"][0];
    assert_eq!(notified(role_of(c, "log_keeper")), ["Test Person"], "only the primary so far: {c}");
    assert_eq!(role_of(c, "log_keeper")["steps"][0]["messages"][0]["channel"], "email");

    // 2. The log keeper acknowledges with the mail's link before the wait is out.
    let token = token_in(&to_keeper, "kvittering");
    let (status, v) = call(port, "POST", "/api/v1/callout/acknowledgement", "", Some(json!({ "token": token })));
    assert_eq!(status, 200, "{v}");
    assert_eq!((v["role"].as_str(), v["already"].as_bool()), (Some("log_keeper"), Some(false)));
    let (status, _) = call(port, "POST", "/api/v1/callout/acknowledgement", "", Some(json!({ "token": "0".repeat(32) })));
    assert_eq!(status, 404, "a made-up token acknowledges nothing");

    // 3. The crisis leader does not answer: the deputy is called after the wait, not before.
    mail_to(&maildir, "leder2@k.invalid", "Udkald", WITHIN);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(2), "the deputy came after {waited:?}, before the wait");
    // The log keeper's deputy would be due at 4 s: the acknowledgement stopped that chain.
    std::thread::sleep(Duration::from_secs(4).saturating_sub(started.elapsed()) + Duration::from_millis(1500));
    assert!(!mails(&maildir).iter().any(|m| m["to"] == "log2@k.invalid" && m["subject"].as_str().unwrap().starts_with("Udkald")));
    let (_, v) = call(port, "GET", &format!("/api/v1/incidents/{id}/callout"), &s.sec, None);
    let c = &v["callouts"][0];
    let keeper = role_of(c, "log_keeper");
    assert_eq!(notified(keeper).len(), 1, "{keeper}");
    assert_eq!((keeper["acknowledged"]["via"].as_str(), keeper["acknowledged"]["user_id"].is_string()), (Some("link"), true));
    let leader = role_of(c, "crisis_leader");
    let steps = leader["steps"].as_array().unwrap();
    assert!(notified(leader).len() >= 2 && steps[0]["user_id"] != steps[1]["user_id"], "primary, then deputy: {leader}");
    assert!(leader["acknowledged"].is_null());
    let states: HashSet<&str> = leader["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["messages"].as_array().unwrap())
        .map(|m| m["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, HashSet::from(["sent"]), "{leader}");

    // 4. The log, in order: the call-out, the acknowledgement, the escalation.
    let (_, log) = call(port, "GET", &format!("/api/v1/incidents/{id}/log"), &s.sec, None);
    let texts: Vec<&str> = log["entries"].as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap()).collect();
    let at = |needle: &str| texts.iter().position(|t| t.contains(needle)).unwrap_or_else(|| panic!("{needle:?} not in {texts:?}"));
    let (called, acked, escalated) = (at("Krisestaben kaldes ud"), at("kvitterede for udkaldet med linket"), at("ingen kvittering i tide"));
    assert!(called < acked && acked < escalated, "{texts:?}");
    assert!(texts[escalated].starts_with("Kriseleder:"), "{}", texts[escalated]);
}

#[test]
fn a_server_killed_with_messages_queued_sends_them_all_after_a_restart_none_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    let d = d.to_str().unwrap();
    let maildir = dir.path().join("mail");
    let s = staff(d);
    let port = free_port();
    // No SMTP server configured yet: every message stays queued.
    let mut node = start_with(d, port, &[]);
    for (email, token) in &s.people {
        let (status, v) =
            call(port, "POST", "/api/v1/account/contact-methods", token, Some(json!({ "channel": "email", "address": email })));
        assert_eq!(status, 201, "{v}");
    }
    let id = active_incident(port, &s.leader);
    let (status, v) =
        call(port, "POST", &format!("/api/v1/incidents/{id}/callout"), &s.leader, Some(json!({ "message": "Mød på Teams kl. 7.00" })));
    assert_eq!(status, 201, "{v}");
    // Killed, not stopped: nothing gets to finish.
    node.0.kill().unwrap();
    node.0.wait().unwrap();
    drop(node);

    let smtp_port = free_port();
    let _smtp = smtp_server(smtp_port, &maildir);
    let smtp = format!("smtp://127.0.0.1:{smtp_port}");
    let _again: Node = start_with(d, port, &["--smtp-url", &smtp, "--mail-from", "kriseservice@ddh.invalid"]);
    // Four verification codes were queued before the kill (nobody was verified, so the call-outs
    // reached nobody).
    let deadline = Instant::now() + WITHIN;
    let got = loop {
        let got = mails(&maildir);
        if got.len() >= 4 {
            break got;
        }
        assert!(Instant::now() < deadline, "only {} of 4 mails after the restart", got.len());
        std::thread::sleep(Duration::from_millis(100));
    };
    // Give a duplicate the time it would need to show up.
    std::thread::sleep(Duration::from_secs(3));
    let got = if mails(&maildir).len() == got.len() { got } else { mails(&maildir) };
    let to: HashSet<&str> = got.iter().map(|m| m["to"].as_str().unwrap()).collect();
    assert_eq!(to, s.people.iter().map(|(e, _)| e.as_str()).collect::<HashSet<_>>());
    let ids: HashSet<&str> = got.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!((got.len(), ids.len()), (4, 4), "each queued message once: {got:?}");
}
