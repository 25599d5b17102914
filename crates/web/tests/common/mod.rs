//! Test kit: a real store (SQLite in a temp dir, or a fresh PostgreSQL schema), the real router,
//! one user and one bearer token per role.
#![allow(dead_code)]

use app::testing::Store;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::Role;
use domain::user::NewUser;
use serde_json::{Value, json};
use std::collections::HashMap;
use tower::ServiceExt;

pub const PASSWORD: &str = "blå cykler ved havnefronten";

pub struct Kit {
    pub store: Store,
    pub app: Router,
    pub tokens: HashMap<Role, String>,
    pub emails: HashMap<Role, String>,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(&dir.path().join("t.db")).await.unwrap();
    (store, dir)
}

pub async fn postgres_store(schema: &str) -> Store {
    let url =
        std::env::var("KRISESERVICE_TEST_POSTGRES_URL").expect("KRISESERVICE_TEST_POSTGRES_URL is not set: run the README's test command");
    Store::open_postgres(&url, Some(schema)).await.unwrap()
}

fn password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| app::accounts::hash_password(PASSWORD))
}

impl Kit {
    pub async fn sqlite() -> Kit {
        let (store, dir) = sqlite_store().await;
        Kit::with(store, Some(dir)).await
    }

    /// A kit whose web layer runs with `web` (for example behind TLS, with secure cookies).
    pub async fn sqlite_with(web: web::Config) -> Kit {
        let (store, dir) = sqlite_store().await;
        Kit::build(store, Some(dir), web).await
    }

    pub async fn with(store: Store, dir: Option<tempfile::TempDir>) -> Kit {
        Kit::build(store, dir, web::Config::default()).await
    }

    /// A kit whose background jobs run as `serve`'s do (the exercise clock, call-out
    /// escalation, the outbox with no senders configured: messages stay queued to be read).
    pub async fn sqlite_with_jobs() -> Kit {
        let (store, dir) = sqlite_store().await;
        Kit::assemble(store, Some(dir), web::Config::default(), true).await
    }

    async fn build(store: Store, dir: Option<tempfile::TempDir>, web: web::Config) -> Kit {
        Kit::assemble(store, dir, web, false).await
    }

    async fn assemble(store: Store, dir: Option<tempfile::TempDir>, web: web::Config, jobs: bool) -> Kit {
        store.seed_defaults().await.unwrap();
        let mut tokens = HashMap::new();
        let mut emails = HashMap::new();
        for role in Role::ALL {
            let org = match role {
                Role::AuthorityEditor => "0250",
                Role::Agent | Role::ShiftContact => "0253",
                _ => "DDH",
            };
            let email = format!("{role}@test.invalid");
            let u = NewUser { email: email.clone(), name: format!("Test {role}"), org: org.into(), role: *role }
                .validate(PASSWORD, |_| true)
                .unwrap();
            let user = store.create_user(&u, password_hash(), "test", domain::time::now()).await.unwrap();
            let token = app::accounts::new_secret();
            store
                .create_token(user.id, &web::auth::secret_hash(&token), domain::time::now(), domain::time::now() + time::Duration::days(1))
                .await
                .unwrap();
            tokens.insert(*role, token);
            emails.insert(*role, email);
        }
        // As `serve` does: committed events reach the bus, so the channels follow publications.
        store.start_relay().await.unwrap();
        let config = app::Config { crisis_line: Some("70 00 00 00".into()), ..app::Config::default() };
        let app = app::App::start(store.clone(), config);
        if jobs {
            app.start_jobs(app::jobs::Settings::default(), app::Shutdown::default());
        }
        let app = web::router(app, web);
        Kit { store, app, tokens, emails, _dir: dir }
    }

    pub fn token(&self, role: Role) -> Option<&str> {
        Some(self.tokens[&role].as_str())
    }

    /// Sends a request as `token` (or anonymously) and returns the status and the JSON body
    /// (`Value::Null` when the body is not JSON).
    pub async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let (status, bytes, _) = self.raw(method, path, token, body.map(|b| b.to_string()), &[]).await;
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if body.is_some() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(body.map(Body::from).unwrap_or_else(Body::empty)).unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        if headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream")) {
            return (status, Vec::new(), headers);
        }
        let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap().to_vec();
        (status, bytes, headers)
    }

    /// Creates an incident as the crisis leader and returns its id.
    pub async fn incident(&self, affected: &[&str]) -> String {
        let (status, v) = self
            .call(
                "POST",
                "/api/v1/incidents",
                self.token(Role::CrisisLeader),
                Some(serde_json::json!({ "title": "Strømafbrydelse i kommunen", "kind": "power_cut", "affected": affected, "channels": ["phone"], "exercise": false })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        v["id"].as_str().unwrap().to_string()
    }

    pub async fn activate(&self, id: &str) {
        let (status, v) = self
            .call(
                "POST",
                &format!("/api/v1/incidents/{id}/status"),
                self.token(Role::CrisisLeader),
                Some(serde_json::json!({ "status": "active", "note": "Aktiveret efter aftale med kommunen." })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
    }

    /// Fills every section of the guide's draft (from the kind's template) and publishes it as
    /// the process lead; returns the version.
    #[allow(dead_code)]
    pub async fn publish(&self, id: &str, short_status: &str) -> i64 {
        self.publish_due(id, short_status, time::Duration::hours(2)).await
    }

    /// `publish`, with the next update due `next_update_in` from now.
    #[allow(dead_code)]
    pub async fn publish_due(&self, id: &str, short_status: &str, next_update_in: time::Duration) -> i64 {
        let lead = self.token(Role::ProcessLead);
        let path = format!("/api/v1/incidents/{id}/guide");
        let (_, v) = self.call("GET", &format!("{path}/draft"), lead, None).await;
        let mut draft = v["draft"].clone();
        let now = domain::time::now();
        draft["banner"] = serde_json::json!("Omstillingen er nede – brug kriselinjen");
        draft["scope"] = serde_json::json!("Omstillingen afviser alle opkald siden kl. 7.40.");
        draft["short_status"] = serde_json::json!(short_status);
        draft["started_at"] = serde_json::json!(domain::time::rfc3339(now));
        draft["next_update_at"] = serde_json::json!(domain::time::rfc3339(now + next_update_in));
        draft["callback_email"] = serde_json::json!("callback@frederikssund.invalid");
        draft["citizen_summary"] = serde_json::json!("Ring til kriselinjen.");
        draft["affected_area"] = serde_json::json!("Hele Frederikssund Kommune");
        rewrite_placeholders(&mut draft);
        let (status, v) = self.call("PUT", &path, lead, Some(draft)).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let (status, v) = self.call("POST", &format!("{path}/publish"), lead, None).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        v["version"].as_i64().unwrap()
    }
}

/// The template's placeholder rows, written for the crisis as an editor must before publishing.
#[allow(dead_code)]
pub fn rewrite_placeholders(draft: &mut Value) {
    for row in draft["situations"].as_array_mut().into_iter().flatten() {
        if domain::guide::is_placeholder(row["citizen_text"].as_str().unwrap_or_default()) {
            row["citizen_text"] = serde_json::json!("Ring til kriselinjen, hvis du har spørgsmål.");
        }
    }
}

/// A browser-like session: its cookie and its form token.
#[allow(dead_code)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

#[allow(dead_code)]
pub async fn session(kit: &Kit, role: Role) -> Session {
    let (s, body, headers) =
        kit.raw("POST", "/api/v1/session", None, Some(json!({ "email": kit.emails[&role], "password": PASSWORD }).to_string()), &[]).await;
    assert_eq!(s, StatusCode::OK);
    let cookie = headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let csrf = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["csrf"].as_str().unwrap().to_string();
    Session { cookie, csrf }
}

#[allow(dead_code)]
pub async fn post_form(kit: &Kit, path: &str, s: &Session, body: String) -> (StatusCode, String) {
    let req = axum::http::Request::post(path)
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = tower::ServiceExt::oneshot(kit.app.clone(), req).await.unwrap();
    let status = res.status();
    let text = String::from_utf8_lossy(&axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap()).into_owned();
    (status, text)
}

/// `post_form` with the session's form token appended.
#[allow(dead_code)]
pub async fn post_signed(kit: &Kit, path: &str, s: &Session, body: &str) -> (StatusCode, String) {
    post_form(kit, path, s, format!("{body}&_csrf={}", s.csrf)).await
}

/// A value percent-encoded for a form body or a query string.
#[allow(dead_code)]
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The channels follow the event bus; waits until `check` holds (or fails after 10 s).
#[allow(dead_code)]
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    while !check().await {
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "timed out waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
