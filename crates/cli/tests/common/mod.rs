//! Running `kriseservice` as a process, and talking HTTP to it without a client library.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Node(pub Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Every mail in the Maildir, parsed by Python's `email` package: to, subject, body, message id.
pub fn mails(maildir: &std::path::Path) -> Vec<Value> {
    let Ok(dir) = std::fs::read_dir(maildir.join("new")) else { return Vec::new() };
    let files: Vec<std::path::PathBuf> = dir.map(|e| e.unwrap().path()).collect();
    if files.is_empty() {
        return Vec::new();
    }
    let script = "import email, email.policy, json, sys\n\
        out = []\n\
        for f in sys.argv[1:]:\n    m = email.message_from_binary_file(open(f, 'rb'), policy=email.policy.default)\n    out.append({'to': str(m['To']), 'subject': str(m['Subject']), 'id': str(m['Message-ID']), 'body': m.get_content()})\n\
        print(json.dumps(out))";
    let out = Command::new("/usr/bin/python3").args(["-c", script]).args(&files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Waits until a mail to `to` whose subject starts with `subject` is in the Maildir.
pub fn mail_to(maildir: &std::path::Path, to: &str, subject: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        if let Some(m) = mails(maildir).into_iter().find(|m| m["to"] == to && m["subject"].as_str().is_some_and(|s| s.starts_with(subject)))
        {
            return m;
        }
        assert!(Instant::now() < deadline, "no mail to {to} ({subject}…) within {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kriseservice"));
    c.env("KRISESERVICE_LOG", "warn").env_remove("KRISESERVICE_DATABASE_URL");
    c
}

pub fn start(dir: &str, url: &str, port: u16) -> Node {
    start_with(dir, port, &["--database-url", url])
}

/// `serve` on the data directory with extra flags; returns once it answers `/readyz`.
pub fn start_with(dir: &str, port: u16, extra: &[&str]) -> Node {
    let child = bin()
        .args(["serve", "--data-dir", dir, "--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let node = Node(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while request(port, "GET", "/readyz", "", None).0 != 200 {
        assert!(Instant::now() < deadline, "node on port {port} did not become ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    node
}

/// A one-shot HTTP/1.0 request; returns status and body.
pub fn request(port: u16, method: &str, path: &str, token: &str, body: Option<&str>) -> (u16, String) {
    let (status, _, body) = exchange(port, method, path, token, ("application/json", body.unwrap_or("")));
    (status, body)
}

/// A one-shot HTTP/1.0 request with a body of a content type; returns status, the response head
/// (lower-cased) and body.
pub fn exchange(port: u16, method: &str, path: &str, token: &str, (content_type, body): (&str, &str)) -> (u16, String, String) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new(), String::new());
    };
    let req = format!(
        "{method} {path} HTTP/1.0\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let (head, body) = out.split_once("\r\n\r\n").map(|(h, b)| (h.to_lowercase(), b.to_string())).unwrap_or_default();
    (status, head, body)
}

/// Adds a user with the CLI (SQLite in `dir`, or the database `url`) and returns a new API token.
pub fn add_user(dir: &str, url: Option<&str>, email: &str, role: &str, org: &str) -> String {
    let db: Vec<&str> = url.map(|u| vec!["--database-url", u]).unwrap_or_default();
    let mut c = bin()
        .args(["user", "add", "--data-dir", dir, "--email", email, "--name", "Test Person", "--org", org, "--role", role])
        .args(&db)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(b"gule roser i vindueskarmen\n").unwrap();
    assert!(c.wait().unwrap().success());
    let out = bin().args(["token", "create", "--data-dir", dir, "--email", email]).args(&db).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A chat message as sent through a load balancer that names the client.
pub fn forwarded(port: u16, client: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = r#"{"message":"hej"}"#;
    let req = format!(
        "POST /api/v1/chat HTTP/1.0\r\nHost: t\r\nX-Forwarded-For: {client}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

pub fn call(port: u16, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let (status, text) = request(port, method, path, token, body.map(|b| b.to_string()).as_deref());
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Creates and activates an incident affecting 0250 (which calls its crisis staff out). Returns its id.
pub fn active_incident(port: u16, leader: &str) -> String {
    let new = json!({ "title": "IT-nedbrud: omstillingen er nede", "kind": "it_breakdown", "affected": ["0250"], "channels": ["phone"] });
    let (status, v) = call(port, "POST", "/api/v1/incidents", leader, Some(new));
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (status, v) =
        call(port, "POST", &format!("/api/v1/incidents/{id}/status"), leader, Some(json!({ "status": "active", "note": "Aktiveret" })));
    assert_eq!(status, 200, "{v}");
    id
}

/// [`active_incident`] with its guide published, due for its next
/// update `next_update_in` from now. Returns the incident id.
pub fn live_incident(port: u16, leader: &str, lead: &str, next_update_in: time::Duration) -> String {
    let id = active_incident(port, leader);
    let guide = format!("/api/v1/incidents/{id}/guide");
    let (_, v) = call(port, "GET", &format!("{guide}/draft"), lead, None);
    let mut g = v["draft"].clone();
    let now = domain::time::now();
    for (field, value) in [
        ("banner", json!("Omstillingen er nede – brug kriselinjen")),
        ("scope", json!("Omstillingen afviser opkald.")),
        ("short_status", json!("Leverandøren arbejder på fejlen.")),
        ("started_at", json!(domain::time::rfc3339(now))),
        ("next_update_at", json!(domain::time::rfc3339(now + next_update_in))),
        ("callback_email", json!("borgerservice@frederikssund.invalid")),
        ("citizen_summary", json!("Ring til kriselinjen.")),
        ("affected_area", json!("Hele Frederikssund Kommune")),
    ] {
        g[field] = value;
    }
    // The template's placeholders must be rewritten before publishing.
    for row in g["situations"].as_array_mut().into_iter().flatten() {
        if domain::guide::is_placeholder(row["citizen_text"].as_str().unwrap_or_default()) {
            row["citizen_text"] = json!("Ring til kriselinjen, hvis du har spørgsmål.");
        }
    }
    let (status, v) = call(port, "PUT", &guide, lead, Some(g));
    assert_eq!(status, 200, "{v}");
    let (status, v) = call(port, "POST", &format!("{guide}/publish"), lead, None);
    assert_eq!(status, 201, "{v}");
    id
}

/// One request a [`Recorder`] received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `POST /hook HTTP/1.1`
    pub request_line: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// An HTTP server on 127.0.0.1 standing in for an SMS gateway or a Teams webhook: it records
/// every request (line, headers, body) and answers each with 200 and the JSON `reply`.
pub struct Recorder {
    pub port: u16,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Recorded>>>,
}

impl Recorder {
    pub fn start(reply: &str) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (store, reply) = (seen.clone(), reply.to_string());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                if let Some(r) = read_request(&mut s) {
                    store.lock().unwrap().push(r);
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                let _ = s.write_all(answer.as_bytes());
            }
        });
        Recorder { port, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits until `n` requests came, and returns them.
    pub fn wait_for(&self, n: usize, within: Duration) -> Vec<Recorded> {
        let deadline = Instant::now() + within;
        loop {
            let seen = self.requests();
            if seen.len() >= n {
                return seen;
            }
            assert!(Instant::now() < deadline, "{} of {n} requests within {within:?}: {seen:?}", seen.len());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Recorder {
    /// Waits for the first request whose body contains `needle`.
    pub fn wait_for_body(&self, needle: &str, within: Duration) -> Recorded {
        let deadline = Instant::now() + within;
        loop {
            if let Some(r) = self.requests().into_iter().find(|r| r.body.contains(needle)) {
                return r;
            }
            assert!(Instant::now() < deadline, "no request with {needle:?} within {within:?}: {:?}", self.requests());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn read_request(s: &mut TcpStream) -> Option<Recorded> {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_string();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_string())).collect();
    let length: usize = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded { request_line, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

/// Gives the person with `email` a contact method verified now, straight in the SQLite database
/// of `dir` (no endpoint adds one yet).
pub fn verified_method(dir: &str, email: &str, channel: domain::callout::ContactChannel, address: &str) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = app::testing::Store::open_sqlite(&std::path::Path::new(dir).join("kriseservice.db")).await.unwrap();
        let (user, _) = store.user_by_email(email).await.unwrap().expect("the person exists");
        let now = domain::time::now();
        let method = domain::callout::ContactMethod { channel, address: address.into(), verified_at: Some(now) };
        store.add_contact_method(user.id, &method, now).await.unwrap();
    });
}

pub struct Smtp(std::process::Child);

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Debian's aiosmtpd, storing what it receives in a Maildir.
/// A data directory `data` and an SMTP server delivering to the Maildir `mail`, both under `dir`;
/// returns the data directory, the server, its Maildir and its port.
pub fn data_and_smtp(dir: &std::path::Path) -> (String, Smtp, std::path::PathBuf, u16) {
    let maildir = dir.join("mail");
    let port = free_port();
    let smtp = smtp_server(port, &maildir);
    (dir.join("data").to_str().unwrap().to_string(), smtp, maildir, port)
}

pub fn smtp_server(port: u16, maildir: &std::path::Path) -> Smtp {
    let child = std::process::Command::new("/usr/bin/python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("aiosmtpd (Debian package python3-aiosmtpd; scripts/test installs it)");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the SMTP server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Smtp(child)
}

/// The first mail delivered to the Maildir, parsed by Python's `email` package: to, subject, body.
pub fn delivered(maildir: &std::path::Path, within: Duration) -> Value {
    let new = maildir.join("new");
    let deadline = Instant::now() + within;
    loop {
        if let Some(file) = std::fs::read_dir(&new).ok().and_then(|mut d| d.next()).map(|e| e.unwrap().path()) {
            let script = "import email, email.policy, json, sys\n\
                m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n\
                print(json.dumps({'to': str(m['To']), 'from': str(m['From']), 'subject': str(m['Subject']), 'body': m.get_content()}))";
            let out = std::process::Command::new("/usr/bin/python3").args(["-c", script]).arg(&file).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            return serde_json::from_slice(&out.stdout).unwrap();
        }
        assert!(Instant::now() < deadline, "no mail arrived within {within:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
