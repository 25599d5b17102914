//! Passwords (ASVS 2.1.7) and the second factor (TOTP, RFC 6238) as callers meet them: refusals
//! of common and patterned passwords in the API and, in Danish, on the pages; enrolment, and
//! logins with a real code computed from the stored secret at the current time.

mod common;

use axum::http::{StatusCode, header};
use common::{Kit, PASSWORD, post_form, session};
use domain::{Role, totp};
use serde_json::{Value, json};

#[tokio::test]
async fn common_and_patterned_passwords_are_refused_with_a_code() {
    let kit = Kit::sqlite().await;
    let admin = kit.token(Role::Secretariat);
    for (password, code) in [
        ("aaaaaaaaaaaa", "password_repeated"),
        ("123456789012", "password_sequence"),
        ("password1234", "password_common"),
        ("Sommer2024!!", "password_common"),
    ] {
        let body = json!({ "email": "ny@test.invalid", "name": "Ny Bruger", "org": "DDH", "role": "agent", "password": password });
        let (s, v) = kit.call("POST", "/api/v1/users", admin, Some(body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{password}: {v}");
        assert_eq!(v["error"]["code"], "validation_failed");
        assert_eq!((v["error"]["fields"][0]["field"].as_str(), v["error"]["fields"][0]["code"].as_str()), (Some("password"), Some(code)));
    }
    let body = json!({ "email": "ny@test.invalid", "name": "Ny Bruger", "org": "DDH", "role": "agent", "password": "korrekt hest batteri hæfteklamme" });
    let (s, v) = kit.call("POST", "/api/v1/users", admin, Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn the_users_page_says_why_in_danish() {
    let kit = Kit::sqlite().await;
    let s = session(&kit, Role::Secretariat).await;
    let form = |password: &str| format!("_csrf={}&name=Ny+Agent&email=ny%40test.invalid&role=agent&org=0253&password={password}", s.csrf);
    let (status, page) = post_form(&kit, "/admin/users", &s, form("password1234")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Adgangskoden bygger på en almindelig adgangskode"), "{page}");
    assert!(!page.contains("is built on a common password"), "no English on the Danish page");
    let (status, page) = post_form(&kit, "/admin/users", &s, form("qwertyuiopas")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Adgangskoden må ikke være en række"), "{page}");
}

/// `POST /api/v1/session`: the status, the body and the session cookie.
async fn login(kit: &Kit, role: Role, totp: Option<&str>) -> (StatusCode, Value, String) {
    let mut body = json!({ "email": kit.emails[&role], "password": PASSWORD });
    if let Some(code) = totp {
        body["totp"] = json!(code);
    }
    let (s, bytes, headers) = kit.raw("POST", "/api/v1/session", None, Some(body.to_string()), &[]).await;
    let cookie = headers.get(header::SET_COOKIE).map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string()).unwrap_or_default();
    (s, serde_json::from_slice(&bytes).unwrap_or(Value::Null), cookie)
}

/// The code the authenticator app shows `offset_s` from now, for a base32 secret.
fn code(secret: &str, offset_s: i64) -> String {
    totp::code_at(&totp::base32_decode(secret).unwrap(), domain::time::now().unix_timestamp() + offset_s)
}

/// A cookie session's JSON call: the status and the body.
async fn with_cookie(kit: &Kit, method: &str, path: &str, cookie: &str, csrf: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (s, bytes, _) = kit.raw(method, path, None, body.map(|b| b.to_string()), &[("cookie", cookie), ("x-csrf-token", csrf)]).await;
    (s, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// Enrols `role` through the API with its bearer token; the secret.
async fn enrol(kit: &Kit, role: Role) -> String {
    let token = kit.token(role);
    let (s, v) = kit.call("POST", "/api/v1/account/totp", token, None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let secret = v["secret"].as_str().unwrap().to_string();
    let email = &kit.emails[&role];
    assert_eq!(v["otpauth_uri"], format!("otpauth://totp/Kriseservice:{email}?secret={secret}&issuer=Kriseservice"));
    let (s, v) = kit.call("POST", "/api/v1/account/totp/confirm", token, Some(json!({ "code": "12345" }))).await;
    assert_eq!((s, v["error"]["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("totp_format")), "{v}");
    let wrong = format!("{:06}", (code(&secret, 0).parse::<u32>().unwrap() + 1) % 1_000_000);
    let (s, v) = kit.call("POST", "/api/v1/account/totp/confirm", token, Some(json!({ "code": wrong }))).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_totp")), "{v}");
    let (s, v) = kit.call("POST", "/api/v1/account/totp/confirm", token, Some(json!({ "code": code(&secret, 0) }))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["enrolled"].as_bool(), &v["pending"]), (Some(true), &Value::Null));
    secret
}

#[tokio::test]
async fn an_enrolled_second_factor_is_asked_at_login_and_a_code_is_taken_once() {
    let kit = Kit::sqlite().await;
    let (s, v) = kit.call("POST", "/api/v1/account/totp", kit.token(Role::Agent), None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "agents have no second factor");
    let (s, _, _) = login(&kit, Role::CrisisLeader, None).await;
    assert_eq!(s, StatusCode::OK, "no second factor yet");

    let before = kit.store.last_event_seq().await.unwrap();
    let secret = enrol(&kit, Role::CrisisLeader).await;
    let trail = kit.store.events_since(before, 10).await.unwrap();
    assert_eq!(trail.iter().map(|e| e.payload["what"].as_str().unwrap()).collect::<Vec<_>>(), ["user.totp_enrolled"]);

    let (s, v, cookie) = login(&kit, Role::CrisisLeader, None).await;
    assert_eq!((s, v["error"]["code"].as_str(), cookie.as_str()), (StatusCode::UNAUTHORIZED, Some("totp_required"), ""), "{v}");
    let wrong = format!("{:06}", (code(&secret, 0).parse::<u32>().unwrap() + 7) % 1_000_000);
    let (s, v, _) = login(&kit, Role::CrisisLeader, Some(&wrong)).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_totp")), "{v}");
    let (s, v, _) = login(&kit, Role::CrisisLeader, Some(&code(&secret, 0))).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_totp")), "the enrolment's code is used: {v}");

    // The app's next code (one step of skew), once.
    let next = code(&secret, totp::STEP_S);
    let (s, v, cookie) = login(&kit, Role::CrisisLeader, Some(&next)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["must_enrol_totp"], false);
    let csrf = v["csrf"].as_str().unwrap();
    let (s, _) = with_cookie(&kit, "GET", "/api/v1/incidents", &cookie, csrf, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v, _) = login(&kit, Role::CrisisLeader, Some(&next)).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_totp")), "reused: {v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("already used"), "{v}");

    // Bearer tokens are unaffected.
    let (s, _) = kit.call("GET", "/api/v1/incidents", kit.token(Role::CrisisLeader), None).await;
    assert_eq!(s, StatusCode::OK);

    // A lost phone: the secretariat removes the second factor, and the password alone works again.
    let id = kit.store.user_by_email(&kit.emails[&Role::CrisisLeader]).await.unwrap().unwrap().0.id;
    let (s, v) = kit.call("DELETE", &format!("/api/v1/users/{id}/totp"), kit.token(Role::Secretariat), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _, _) = login(&kit, Role::CrisisLeader, None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn failed_codes_count_in_the_login_throttle() {
    let kit = Kit::sqlite().await;
    let secret = enrol(&kit, Role::LogKeeper).await;
    let wrong = format!("{:06}", (code(&secret, 0).parse::<u32>().unwrap() + 3) % 1_000_000);
    for _ in 0..4 {
        let (s, _, _) = login(&kit, Role::LogKeeper, Some(&wrong)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, v, _) = login(&kit, Role::LogKeeper, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("totp_required")));
    let (s, v, _) = login(&kit, Role::LogKeeper, Some(&code(&secret, totp::STEP_S))).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")), "even the right code waits");
}

#[tokio::test]
async fn the_secretariat_s_requirement_takes_effect() {
    let kit = Kit::sqlite().await;
    let admin = kit.token(Role::Secretariat);
    let (s, v) = kit.call("PUT", "/api/v1/security", admin, Some(json!({ "totp_required": ["agent"] }))).await;
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("roles")), "{v}");
    let before = kit.store.last_event_seq().await.unwrap();
    let (s, v) = kit.call("PUT", "/api/v1/security", admin, Some(json!({ "totp_required": ["process_lead", "secretariat"] }))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["totp_required"], json!(["secretariat", "process_lead"]));
    let (_, v) = kit.call("PUT", "/api/v1/security", admin, Some(json!({ "totp_required": ["process_lead"] }))).await;
    assert_eq!(v["totp_required"], json!(["process_lead"]));
    let trail: Vec<String> = kit
        .store
        .events_since(before, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e.payload["what"], e.payload["detail"]))
        .collect();
    assert_eq!(trail.len(), 3, "{trail:?}");
    assert!(trail.iter().all(|t| t.starts_with("\"security.totp_required\"")), "{trail:?}");

    // Not enrolled: the password lets the process lead in to the enrolment only.
    let (s, v, cookie) = login(&kit, Role::ProcessLead, None).await;
    assert_eq!((s, &v["must_enrol_totp"]), (StatusCode::OK, &json!(true)), "{v}");
    let csrf = v["csrf"].as_str().unwrap().to_string();
    let (s, v) = with_cookie(&kit, "GET", "/api/v1/incidents", &cookie, &csrf, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("totp_enrolment_required")), "{v}");
    let (s, _) = with_cookie(&kit, "GET", "/api/v1/me", &cookie, &csrf, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, h) = kit.raw("GET", "/incidents", None, None, &[("cookie", &cookie)]).await;
    assert_eq!((s, h[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/account/totp"));
    let (s, page, _) = kit.raw("GET", "/account/totp", None, None, &[("cookie", &cookie)]).await;
    let page = String::from_utf8(page).unwrap();
    assert!(s == StatusCode::OK && page.contains("Din rolle kræver totrinslogin"), "{page}");
    let (s, _) = kit.call("GET", "/api/v1/incidents", kit.token(Role::ProcessLead), None).await;
    assert_eq!(s, StatusCode::OK, "bearer tokens are unaffected");

    // Enrolling through the session opens the rest; the next login needs a code.
    let (s, v) = with_cookie(&kit, "POST", "/api/v1/account/totp", &cookie, &csrf, None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let secret = v["secret"].as_str().unwrap().to_string();
    let (s, v) = with_cookie(&kit, "POST", "/api/v1/account/totp/confirm", &cookie, &csrf, Some(json!({ "code": code(&secret, 0) }))).await;
    assert_eq!((s, &v["required"]), (StatusCode::OK, &json!(true)), "{v}");
    let (s, _) = with_cookie(&kit, "GET", "/api/v1/incidents", &cookie, &csrf, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v, _) = login(&kit, Role::ProcessLead, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("totp_required")));

    // Roles not required are not asked.
    let (s, v, _) = login(&kit, Role::Secretariat, None).await;
    assert_eq!((s, &v["must_enrol_totp"]), (StatusCode::OK, &json!(false)));
}

/// The pages: the login form takes the code and says in Danish what is missing; the enrolment
/// page shows the secret and its URI and confirms with a first code.
#[tokio::test]
async fn the_pages_enrol_and_log_in_with_a_code() {
    let kit = Kit::sqlite().await;
    let s = session(&kit, Role::StaffingLead).await;
    let (status, _) = post_form(&kit, "/account/totp", &s, format!("_csrf={}", s.csrf)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = kit.raw("GET", "/account/totp", None, None, &[("cookie", &s.cookie)]).await;
    let page = String::from_utf8(page).unwrap();
    let uri_start = page.find("otpauth://totp/Kriseservice:").expect("the URI is shown");
    let secret: String = page[uri_start..].split("secret=").nth(1).unwrap().chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    assert!(page.contains(&secret[..4]) && page.contains("Kode fra appen"), "{page}");
    let (status, page) = post_form(&kit, "/account/totp/confirm", &s, format!("_csrf={}&code=000000", s.csrf)).await;
    if code(&secret, 0) != "000000" {
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Koden passer ikke med nøglen"), "{page}");
    }
    let (status, _) = post_form(&kit, "/account/totp/confirm", &s, format!("_csrf={}&code={}", s.csrf, code(&secret, 0))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, _, h) = kit.raw("GET", "/login", None, None, &[]).await;
    let login_cookie = h[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let token = login_cookie.split_once('=').unwrap().1.to_string();
    let email = kit.emails[&Role::StaffingLead].replace('@', "%40");
    let form = |totp: &str| format!("_csrf={token}&email={email}&password={}&totp={totp}&next=%2Fincidents", PASSWORD.replace(' ', "+"));
    let post = |body: String| {
        let req = axum::http::Request::post("/login")
            .header(header::COOKIE, &login_cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap();
        tower::ServiceExt::oneshot(kit.app.clone(), req)
    };
    let res = post(form("")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let page = String::from_utf8(axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
    assert!(page.contains("Din konto bruger totrinslogin") && page.contains("autocomplete=\"one-time-code\""), "{page}");
    let res = post(form(&code(&secret, totp::STEP_S))).await.unwrap();
    assert_eq!((res.status(), res.headers()[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/incidents"));
}
