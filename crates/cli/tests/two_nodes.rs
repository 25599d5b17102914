//! Two `kriseservice serve` processes on one PostgreSQL database: a log entry appended through
//! node A appears in a crisis room streamed from node B within one second.

mod common;

use common::{Node, add_user, bin, free_port, request, start};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_log_entry_through_node_a_streams_from_node_b_within_a_second() {
    let base =
        std::env::var("KRISESERVICE_TEST_POSTGRES_URL").expect("KRISESERVICE_TEST_POSTGRES_URL is not set: run the README's test command");
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    // The schema must exist before the server selects it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async { app::testing::Store::open_postgres(&base, Some(&schema)).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let leader = add_user(d, Some(&url), "leder@example.invalid", "crisis_leader", "DDH");
    let reader = add_user(d, Some(&url), "styregruppe@example.invalid", "steering_group", "DDH");

    let (port_a, port_b) = (free_port(), free_port());
    let _a = start(d, &url, port_a);
    let _b = start(d, &url, port_b);

    let (status, body) = request(
        port_a,
        "POST",
        "/api/v1/incidents",
        &leader,
        Some(r#"{"title":"Strømsvigt","kind":"power_cut","affected":["0250"],"channels":["phone"]}"#),
    );
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();

    let mut sse = TcpStream::connect(("127.0.0.1", port_b)).unwrap();
    write!(sse, "GET /api/v1/events HTTP/1.0\r\nHost: t\r\nAuthorization: Bearer {reader}\r\n\r\n").unwrap();
    sse.set_read_timeout(Some(Duration::from_millis(1500))).unwrap();
    let mut lines = BufReader::new(sse).lines();
    assert!(lines.next().unwrap().unwrap().contains("200"));
    while !lines.next().unwrap().unwrap().is_empty() {}

    for n in 0..3 {
        let text = format!("Aftalt med netselskabet #{n}");
        let started = Instant::now();
        let (status, body) = request(
            port_a,
            "POST",
            &format!("/api/v1/incidents/{id}/log"),
            &leader,
            Some(&format!(r#"{{"category":"contact","text":"{text}"}}"#)),
        );
        assert_eq!(status, 201, "{body}");
        loop {
            let line = lines.next().expect("stream open").expect("node B streamed the entry before the read timeout");
            if line.starts_with("data:") && line.contains(&text) {
                break;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
    }
}

#[test]
fn serve_stops_promptly_on_sigterm_with_a_live_stream_open() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let token = add_user(d, None, "a@example.invalid", "agent", "0253");

    let port = free_port();
    let child = bin()
        .args(["serve", "--data-dir", d, "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut node = Node(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while request(port, "GET", "/readyz", "", None).0 != 200 {
        assert!(Instant::now() < deadline, "not ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut sse = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(sse, "GET /api/v1/events HTTP/1.0\r\nHost: t\r\nAuthorization: Bearer {}\r\n\r\n", token.trim()).unwrap();
    let mut first = String::new();
    BufReader::new(sse.try_clone().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("200"), "{first}");

    let started = Instant::now();
    assert!(Command::new("kill").args(["-TERM", &node.0.id().to_string()]).status().unwrap().success());
    loop {
        if let Some(status) = node.0.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "serve did not stop within 5 s with a stream open");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(sse);
}
