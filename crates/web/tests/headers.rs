//! The security headers: a Content-Security-Policy that allows only our own files, with pages
//! that need nothing inline; HSTS behind TLS; `no-store` on every authenticated response.

mod common;

use axum::http::{HeaderMap, StatusCode, header};
use common::{Kit, session};
use domain::Role;

fn policy(h: &HeaderMap) -> &str {
    h.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// What a policy without `'unsafe-inline'` would block in a page: a script element with code in
/// it (a JSON data block is not run), an event-handler attribute, a style attribute or element.
fn inline_code(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = page.to_lowercase();
    for (at, _) in lower.match_indices("<script") {
        let tag = &lower[at..at + lower[at..].find('>').unwrap_or(0)];
        if !tag.contains(" src=") && !tag.contains("type=\"application/json\"") {
            found.push(tag.to_string());
        }
    }
    for needle in [" style=", "<style", " onclick=", " onload=", " onsubmit=", " onchange=", "javascript:"] {
        if let Some(at) = lower.find(needle) {
            found.push(page[at.saturating_sub(40)..(at + 60).min(page.len())].to_string());
        }
    }
    found
}

#[tokio::test]
async fn every_page_runs_only_our_own_files_and_is_not_kept_in_a_cache_when_signed_in() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    let leader = session(&kit, Role::CrisisLeader).await;
    let cookie = leader.cookie.as_str();
    let signed_in = [
        "/incidents".to_string(),
        format!("/incidents/{id}"),
        format!("/incidents/{id}/inquiries"),
        format!("/incidents/{id}/staffing"),
        format!("/incidents/{id}/shifts"),
        format!("/incidents/{id}/log/print"),
        "/agent".to_string(),
    ];
    let secretariat = session(&kit, Role::Secretariat).await;
    let pages = signed_in.iter().map(|p| (p.as_str(), cookie)).chain([("/admin/templates", secretariat.cookie.as_str())]);
    for (path, cookie) in pages {
        let (s, body, h) = kit.raw("GET", path, None, None, &[("cookie", cookie)]).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        let p = policy(&h);
        assert!(p.starts_with("default-src 'self'; script-src 'self'; style-src 'self'"), "{path}: {p}");
        assert!(p.ends_with("frame-ancestors 'none'") && !p.contains("unsafe"), "{path}: {p}");
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{path}: a signed-in page is not cached");
        let inline = inline_code(&String::from_utf8(body).unwrap());
        assert!(inline.is_empty(), "{path}: inline code the policy would block: {inline:?}");
    }
    for path in ["/login", "/krise", "/krise/0250", "/krise/0250/embed", "/chat?municipality=0250"] {
        let (s, body, h) = kit.raw("GET", path, None, None, &[]).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(policy(&h).starts_with("default-src 'self'"), "{path}: {}", policy(&h));
        let inline = inline_code(&String::from_utf8(body).unwrap());
        assert!(inline.is_empty(), "{path}: inline code the policy would block: {inline:?}");
    }
    // A public page stays cacheable for citizens; the same page asked with a session is not.
    let (_, _, h) = kit.raw("GET", "/krise/0250", None, None, &[]).await;
    assert!(h[header::CACHE_CONTROL].to_str().unwrap().starts_with("public"), "{h:?}");

    // Bearer-token answers, the log's CSV export among them.
    let token = kit.token(Role::CrisisLeader);
    for path in [format!("/api/v1/incidents/{id}"), format!("/api/v1/incidents/{id}/log.csv"), "/api/v1/incidents".into()] {
        let (s, _, h) = kit.raw("GET", &path, token, None, &[]).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{path}");
    }
    // Even an error to an authenticated caller.
    let (s, _, h) = kit.raw("GET", "/api/v1/incidents/not-an-id", token, None, &[]).await;
    assert!(s.is_client_error());
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    // Without TLS there is no HSTS (a browser would then refuse plain HTTP to this host).
    assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY));
}

#[test]
fn the_inline_scan_finds_inline_code() {
    assert!(inline_code(r#"<script src="/static/app.js" defer></script><script type="application/json" id="t">{}</script>"#).is_empty());
    assert_eq!(inline_code("<script>alert(1)</script>").len(), 1);
    assert_eq!(inline_code(r#"<span style="width:3%"></span>"#).len(), 1);
    assert_eq!(inline_code(r#"<button onclick="x()">"#).len(), 1);
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_tls() {
    let kit = Kit::sqlite_with(web::Config { secure_cookies: true, ..web::Config::default() }).await;
    for path in ["/healthz", "/krise", "/login"] {
        let (_, _, h) = kit.raw("GET", path, None, None, &[]).await;
        assert_eq!(h[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000", "{path}");
    }
}

#[tokio::test]
async fn metrics_name_the_build_and_backend_only_to_a_signed_in_caller() {
    let kit = Kit::sqlite().await;
    let (s, anonymous, _) = kit.raw("GET", "/metrics", None, None, &[]).await;
    let anonymous = String::from_utf8(anonymous).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(anonymous.contains("kriseservice_http_responses_total") && anonymous.contains("kriseservice_database_up 1"), "{anonymous}");
    assert!(!anonymous.contains("kriseservice_info") && !anonymous.contains("sqlite"), "{anonymous}");
    let (_, signed_in, _) = kit.raw("GET", "/metrics", kit.token(Role::Agent), None, &[]).await;
    assert!(String::from_utf8(signed_in).unwrap().contains("backend=\"sqlite\""));
}
