//! Server-Sent Events on real servers over TCP: resuming with Last-Event-ID, per-authority
//! filtering, and two nodes on one PostgreSQL database seeing each other's log within 1 s.

mod common;

use app::testing::Store;
use common::Kit;
use domain::Role;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Serves the router on a free loopback port, with the event relay running.
async fn serve(store: Store) -> std::net::SocketAddr {
    store.start_relay().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = web::router(app::App::start(store, app::Config::default()), web::Config::default());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

struct Sse {
    lines: tokio::io::Lines<BufReader<TcpStream>>,
}

#[derive(Debug)]
struct Received {
    id: i64,
    kind: String,
    data: serde_json::Value,
}

impl Sse {
    async fn open(addr: std::net::SocketAddr, token: &str, last_event_id: Option<i64>) -> Sse {
        let resume = last_event_id.map(|id| format!("Last-Event-ID: {id}\r\n")).unwrap_or_default();
        Sse::request(addr, token, "/api/v1/events", &resume).await
    }

    async fn request(addr: std::net::SocketAddr, token: &str, path: &str, extra_headers: &str) -> Sse {
        let mut s = TcpStream::connect(addr).await.unwrap();
        // HTTP/1.0 keeps the body unchunked: plain SSE lines.
        let req = format!(
            "GET {path} HTTP/1.0\r\nHost: test\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n{extra_headers}\r\n"
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut lines = BufReader::new(s).lines();
        let status = lines.next_line().await.unwrap().unwrap();
        assert!(status.contains("200"), "{status}");
        while let Some(l) = lines.next_line().await.unwrap() {
            if l.is_empty() {
                break;
            }
        }
        Sse { lines }
    }

    async fn next(&mut self, within: Duration) -> Option<Received> {
        let deadline = Instant::now() + within;
        let (mut id, mut kind, mut data) = (None, None, None);
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let line = tokio::time::timeout(left, self.lines.next_line()).await.ok()?.ok()??;
            if let Some(v) = line.strip_prefix("id:") {
                id = v.trim().parse().ok();
            } else if let Some(v) = line.strip_prefix("event:") {
                kind = Some(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("data:") {
                data = serde_json::from_str(v.trim()).ok();
            } else if line.is_empty()
                && let (Some(id), Some(kind), Some(data)) = (id.take(), kind.take(), data.take())
            {
                return Some(Received { id, kind, data });
            }
        }
    }
}

async fn append(kit: &Kit, incident: &str, text: &str) -> i64 {
    let (status, v) = kit
        .call(
            "POST",
            &format!("/api/v1/incidents/{incident}/log"),
            kit.token(Role::LogKeeper),
            Some(json!({ "category": "information", "text": text })),
        )
        .await;
    assert_eq!(status, axum::http::StatusCode::CREATED, "{v}");
    v["seq"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reconnects_with_last_event_id_misses_nothing() {
    let kit = Kit::sqlite().await;
    let addr = serve(kit.store.clone()).await;
    let incident = kit.incident(&["0250"]).await;
    let agent = kit.token(Role::SteeringGroup).unwrap().to_string();

    let mut sse = Sse::open(addr, &agent, None).await;
    append(&kit, &incident, "første").await;
    let first = sse.next(Duration::from_secs(2)).await.expect("live event within 2 s");
    assert_eq!(first.kind, "log.appended");
    assert_eq!(first.data["payload"]["text"], "første");
    drop(sse);

    // While the client is away:
    append(&kit, &incident, "anden").await;
    append(&kit, &incident, "tredje").await;

    let mut sse = Sse::open(addr, &agent, Some(first.id)).await;
    let a = sse.next(Duration::from_secs(2)).await.expect("missed event replayed");
    let b = sse.next(Duration::from_secs(2)).await.expect("missed event replayed");
    assert_eq!((a.data["payload"]["text"].as_str(), b.data["payload"]["text"].as_str()), (Some("anden"), Some("tredje")));
    assert!(first.id < a.id && a.id < b.id, "ids increase");
    append(&kit, &incident, "fjerde").await;
    let c = sse.next(Duration::from_secs(2)).await.expect("then the live stream");
    assert_eq!(c.data["payload"]["text"], "fjerde");
    assert_eq!(c.id, b.id + 1, "no gap and no repeat between replay and live");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authority_receives_only_its_own_incidents_events() {
    let kit = Kit::sqlite().await;
    let addr = serve(kit.store.clone()).await;
    let own = kit.incident(&["0250"]).await;
    let other = kit.incident(&["0101"]).await;
    let mut sse = Sse::open(addr, kit.token(Role::AuthorityEditor).unwrap(), None).await;
    append(&kit, &other, "hemmeligt for 0250").await;
    append(&kit, &own, "til 0250").await;
    let e = sse.next(Duration::from_secs(2)).await.expect("own event");
    assert_eq!(e.data["payload"]["text"], "til 0250");
    assert!(sse.next(Duration::from_millis(300)).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_postgres_see_each_others_log_within_a_second() {
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let node_a = common::postgres_store(&schema).await;
    let node_b = common::postgres_store(&schema).await;
    let kit = Kit::with(node_a.clone(), None).await;
    let _addr_a = serve(node_a).await;
    let addr_b = serve(node_b.clone()).await;
    let incident = kit.incident(&["0250"]).await;

    let mut sse = Sse::open(addr_b, kit.token(Role::SteeringGroup).unwrap(), None).await;
    for n in 0..5 {
        let started = Instant::now();
        let seq = append(&kit, &incident, &format!("fra node A #{n}")).await;
        let e = sse.next(Duration::from_secs(1)).await.expect("node B streams node A's entry within 1 s");
        assert_eq!(e.kind, "log.appended");
        assert_eq!(e.data["payload"]["seq"], seq);
        assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
    }
    // Node B reads what node A wrote.
    let log = node_b.log(incident.parse().unwrap()).await.unwrap();
    assert_eq!(log.len(), 6);
    assert!(domain::log::verify(&log).valid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_resumes_from_the_position_it_rendered() {
    let kit = Kit::sqlite().await;
    let addr = serve(kit.store.clone()).await;
    let incident = kit.incident(&["0250"]).await;
    let rendered = kit.store.last_event_seq().await.unwrap();
    // Committed after the page was rendered, before its script connected:
    append(&kit, &incident, "mens siden indlæstes").await;
    let mut sse = Sse::request(addr, kit.token(Role::SteeringGroup).unwrap(), &format!("/api/v1/events?after={rendered}"), "").await;
    let e = sse.next(Duration::from_secs(2)).await.expect("the entry committed in between");
    assert_eq!(e.data["payload"]["text"], "mens siden indlæstes");
    // Agents do not read the official log, live or replayed.
    let mut agent = Sse::request(addr, kit.token(Role::Agent).unwrap(), &format!("/api/v1/events?after={rendered}"), "").await;
    assert!(agent.next(Duration::from_millis(300)).await.is_none(), "an agent's stream carries no log entry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administration_events_reach_administrators_only() {
    let kit = Kit::sqlite().await;
    let addr = serve(kit.store.clone()).await;
    let mut agent = Sse::open(addr, kit.token(Role::Agent).unwrap(), None).await;
    let mut admin = Sse::open(addr, kit.token(Role::Secretariat).unwrap(), None).await;
    let (status, _) = kit.call("PUT", "/api/v1/organisations/0253", kit.token(Role::Secretariat), Some(json!({ "member": true }))).await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let e = admin.next(Duration::from_secs(2)).await.expect("the secretariat sees its trail");
    assert_eq!((e.kind.as_str(), e.data["payload"]["what"].as_str()), ("admin.changed", Some("organisation.member")));
    assert!(agent.next(Duration::from_millis(300)).await.is_none(), "agents do not");
}
