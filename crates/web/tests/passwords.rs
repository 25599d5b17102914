//! Passwords (ASVS 2.1.7) and the second factor (TOTP, RFC 6238) as callers meet them: refusals
//! of common and patterned passwords in the API and, in Danish, on the pages.

mod common;

use axum::http::StatusCode;
use common::{Kit, post_form, session};
use domain::Role;
use serde_json::json;

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
