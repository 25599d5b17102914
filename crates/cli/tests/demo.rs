//! `kriseservice demo` takes every flag `serve` takes: the demo can deliver to a real SMTP
//! server, an SMS gateway and a Teams webhook, and links to its public address.

mod common;

use common::{bin, free_port, request};
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn the_demo_takes_the_serve_flags() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("demo");
    let log = dir.path().join("log");
    let port = free_port();
    let child = bin()
        .args(["demo", "--data-dir", d.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}")])
        .args(["--smtp-url", "smtp://u:hemmelig@127.0.0.1:2525", "--public-url", "https://demo.example.dk", "--chat-rate-limit", "7"])
        .args(["--sms-gateway", "cpsms", "--sms-auth", "basic:demo:nøgle", "--teams-webhook", "staben=https://t.invalid/h?sig=HEMMELIG"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let _node = common::Node(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while request(port, "GET", "/readyz", "", None).0 != 200 {
        assert!(Instant::now() < deadline, "no demo: {}", std::fs::read_to_string(&log).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = std::fs::read_to_string(&log).unwrap();
    assert!(out.contains("(demo)") && out.contains("mail smtp://u:***@127.0.0.1:2525 from"), "{out}");
    assert!(out.contains("sms cpsms https://api.cpsms.dk/v2/send (auth basic:demo:***"), "{out}");
    assert!(out.contains("teams [staben=https://t.invalid/h?***]") && !out.contains("HEMMELIG") && !out.contains("nøgle"), "{out}");

    let out = bin().args(["demo", "--data-dir", d.to_str().unwrap(), "--database-url", "postgres://x@127.0.0.1/x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--database-url is not for the demo"));
}
