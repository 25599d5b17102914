//! The citizens' channels through a database outage, on a PostgreSQL cluster this test starts,
//! stops and starts again itself: the public page, the embed, the IVR (VoiceXML and JSON), the
//! Atom feed and the chatbot keep answering with the last published words within 100 ms; writes
//! get a 503 with `Retry-After` as fast; every question the chatbot said it passed on is in the
//! database afterwards; and the server recovers without a restart.

mod common;

use common::{Node, add_user, bin, call, exchange, free_port, live_incident, start_with};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Debian's PostgreSQL server programs (`initdb`, `pg_ctl`), newest version first.
fn pg_bin(program: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir("/usr/lib/postgresql").map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    dirs.sort();
    dirs.into_iter().rev().map(|d| d.join("bin").join(program)).find(|p| p.exists()).unwrap_or_else(|| {
        panic!("{program} not found under /usr/lib/postgresql/*/bin: install Debian's postgresql package, whose server this test starts")
    })
}

fn as_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false)
}

/// A throwaway PostgreSQL cluster on its own port; PostgreSQL refuses to run as root, so as root
/// it runs as the `postgres` user.
struct Cluster {
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn pg(&self, program: &str) -> Command {
        if as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(pg_bin(program));
            c
        } else {
            Command::new(pg_bin(program))
        }
    }

    fn new() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("pg");
        std::fs::create_dir(&data).unwrap();
        let cluster = Cluster { data, port: free_port(), _dir: dir };
        if as_root() {
            for p in [cluster._dir.path(), cluster.data.as_path()] {
                assert!(Command::new("chown").args(["postgres:postgres"]).arg(p).status().unwrap().success());
            }
        }
        let out = cluster.pg("initdb").args(["-A", "trust", "-U", "postgres", "-D"]).arg(&cluster.data).output().unwrap();
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        cluster.start();
        cluster
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn ctl(&self, action: &str) {
        let options = format!("-p {} -c listen_addresses=127.0.0.1 -k {}", self.port, self.data.display());
        let out = self
            .pg("pg_ctl")
            .args(["-D"])
            .arg(&self.data)
            .args(["-o", &options, "-m", "fast", "-w", "-l"])
            .arg(self.data.join("log"))
            .arg(action)
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl {action}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn start(&self) {
        self.ctl("start");
    }

    fn stop(&self) {
        self.ctl("stop");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.pg("pg_ctl").args(["-D"]).arg(&self.data).args(["-m", "immediate", "stop"]).output();
    }
}

fn integration_token(dir: &str, url: &str) -> String {
    let out =
        bin().args(["token", "create", "--data-dir", dir, "--database-url", url, "--integration", "telefoniplatform"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Waits until `/readyz` says `what`.
fn ready_says(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, body) = common::request(port, "GET", "/readyz", "", None);
        if body.contains(what) {
            return;
        }
        assert!(Instant::now() < deadline, "/readyz never said {what:?}: {body}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A request and how long its answer took.
fn timed(port: u16, method: &str, path: &str, token: &str, body: Option<&str>) -> (u16, String, String, Duration) {
    let t = Instant::now();
    let (status, head, body) = exchange(port, method, path, token, ("application/json", body.unwrap_or("")));
    (status, head, body, t.elapsed())
}

const SUMMARY: &str = "Ring til kriselinjen.";

fn spool_drained(port: u16) -> u64 {
    let (_, metrics) = common::request(port, "GET", "/metrics", "", None);
    metrics.lines().find_map(|l| l.strip_prefix("kriseservice_spool_total{what=\"drained\"} ")).and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[test]
fn the_citizens_channels_answer_through_a_database_outage_and_nothing_passed_on_is_lost() {
    let cluster = Cluster::new();
    let url = cluster.url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let leader = add_user(d, Some(&url), "leder@example.invalid", "crisis_leader", "DDH");
    let lead = add_user(d, Some(&url), "proces@example.invalid", "process_lead", "DDH");
    let editor = add_user(d, Some(&url), "redaktoer@example.invalid", "authority_editor", "0250");
    let ivr = integration_token(d, &url);
    let port = free_port();
    let _node: Node = start_with(d, port, &["--database-url", &url, "--crisis-line", "70 10 20 30", "--chat-rate-limit", "0"]);
    let id = live_incident(port, &leader, &lead, time::Duration::hours(2));

    let reads: Vec<(&str, String, &str)> = vec![
        ("GET", "/krise/0250".into(), ""),
        ("GET", "/krise/0250/embed".into(), ""),
        ("GET", "/krise".into(), ""),
        ("GET", "/ivr/0250.vxml".into(), ivr.as_str()),
        ("GET", "/api/v1/ivr/0250".into(), ivr.as_str()),
        ("GET", "/cap.atom".into(), ""),
    ];
    // The channels have the published guide before the outage.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !common::request(port, "GET", "/krise/0250", "", None).1.contains(SUMMARY) {
        assert!(Instant::now() < deadline, "the public page never showed the published guide");
        std::thread::sleep(Duration::from_millis(50));
    }
    let before: Vec<String> = reads.iter().map(|(m, p, t)| common::request(port, m, p, t, None).1).collect();

    cluster.stop();
    ready_says(port, "database: down");

    // Reads: from memory, the last published words, fast.
    for ((method, path, token), earlier) in reads.iter().zip(&before) {
        let (status, _, body, took) = timed(port, method, path, token, None);
        assert_eq!(status, 200, "{path} in the outage: {body}");
        assert!(took < Duration::from_millis(100), "{path} took {took:?}");
        assert_eq!(&body, earlier, "{path} answers as it did before the outage");
    }
    assert!(before[0].contains(SUMMARY) && before[3].contains("<vxml"), "the pages carry the published words");
    let (status, _, body, took) = timed(port, "POST", "/api/v1/chat", "", Some(r#"{"message":"hej","municipality":"0250"}"#));
    assert_eq!(status, 200, "{body}");
    assert!(took < Duration::from_millis(100), "the chatbot took {took:?}");

    // Writes: refused at once, with when to try again.
    let entry = json!({ "category": "information", "text": "Skrevet under udfaldet" }).to_string();
    let (status, head, body, took) = timed(port, "POST", &format!("/api/v1/incidents/{id}/log"), &leader, Some(&entry));
    assert_eq!(status, 503, "{body}");
    assert!(head.contains("\r\nretry-after: "), "{head}");
    assert!(took < Duration::from_millis(100), "the write's 503 took {took:?}");

    // Questions the guide does not cover: passed on (spooled), and said so.
    let questions: Vec<String> = (1..=8).map(|n| format!("Er omstillingen nede for tolkebestillinger nummer {n}?")).collect();
    for q in &questions {
        // A new conversation each, as from different citizens.
        let (status, v) = call(port, "POST", "/api/v1/chat", "", Some(json!({ "message": q, "municipality": "0250" })));
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["kind"], "not_covered", "{v}");
        assert_eq!(v["passed_on"], true, "{v}");
        assert!(v["answer"].as_str().unwrap().contains(domain::chat::PASSED_ON), "{v}");
    }
    // Callback requests, from the chat's handover and from the voicebot's key 3.
    let (_, v) =
        call(port, "POST", "/api/v1/chat", "", Some(json!({ "message": "Jeg vil gerne tale med en medarbejder", "municipality": "0250" })));
    assert!(v["kind"] != "not_covered" && v["passed_on"] == false, "an answered message passes nothing on: {v}");
    let callback =
        json!({ "conversation": v["conversation"], "name": "Birthe Bøgh", "phone": "20304050", "reason": "Haveaffald i weekenden" });
    let (status, v) = call(port, "POST", "/api/v1/chat/callback", "", Some(callback));
    assert_eq!(status, 201, "the chat's callback request is kept: {v}");
    let (status, _, vxml) =
        exchange(port, "POST", "/ivr/0250/callback", &ivr, ("application/x-www-form-urlencoded", "caller=tel:%2B4520304051"));
    assert_eq!(status, 200, "{vxml}");
    assert!(vxml.contains("Vi har modtaget din anmodning"), "the voicebot promises the call only when it is kept: {vxml}");
    let waiting = questions.len() + 2;
    let (_, readyz) = common::request(port, "GET", "/readyz", "", None);
    assert!(readyz.contains(&format!("spool: {waiting} waiting")), "{readyz}");

    // The database returns: the same server recovers, and the spool is drained into it.
    cluster.start();
    ready_says(port, "ready");
    let deadline = Instant::now() + Duration::from_secs(15);
    while spool_drained(port) < waiting as u64 {
        assert!(Instant::now() < deadline, "the spool was not drained");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, v) = call(port, "GET", &format!("/api/v1/incidents/{id}/inquiries/summary"), &editor, None);
    assert_eq!(status, 200, "{v}");
    let stored: Vec<String> = v["top_not_covered"].as_array().unwrap().iter().map(|p| p[0].as_str().unwrap().to_string()).collect();
    for q in &questions {
        assert!(stored.iter().any(|s| s.contains(q.as_str())), "{q:?} was passed on but is not stored: {stored:?}");
    }
    let (status, v) = call(port, "GET", &format!("/api/v1/incidents/{id}/callbacks"), &editor, None);
    assert_eq!(status, 200, "{v}");
    let mut phones: Vec<&str> = v["callbacks"].as_array().unwrap().iter().map(|c| c["phone"].as_str().unwrap()).collect();
    phones.sort_unstable();
    assert_eq!(phones, ["20 30 40 50", "20 30 40 51"], "both callback requests are stored: {v}");
    let (status, v) =
        call(port, "POST", &format!("/api/v1/incidents/{id}/log"), &leader, Some(serde_json::from_str::<Value>(&entry).unwrap()));
    assert_eq!(status, 201, "writes work again without a restart: {v}");
}
