//! The contact lists through the router: keeping a list, "I checked this today" and its trail,
//! who reads which list, the precise refusals, the exports and the pages.

mod common;

use axum::http::{StatusCode, header};
use common::{Kit, post_signed, session};
use domain::Role;
use serde_json::{Value, json};

fn mette() -> Value {
    json!({ "kind": "authority_crisis", "name": "Mette Holm", "function": "Beredskabschef", "phone": "+45 3344 5566",
            "email": "Mette.Holm@frederiksberg.invalid", "note": "Ring først; skriv bagefter" })
}

async fn add(kit: &Kit, org: &str, body: Value) -> Value {
    let (s, v) = kit.call("POST", &format!("/api/v1/contact-lists/{org}"), kit.token(Role::Secretariat), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

#[tokio::test]
async fn the_secretariat_keeps_a_list_and_checks_it_with_a_trail() {
    let kit = Kit::sqlite().await;
    let sec = kit.token(Role::Secretariat);
    let e = add(&kit, "0250", mette()).await;
    assert_eq!((e["phone"].as_str(), e["email"].as_str()), (Some("33 44 55 66"), Some("mette.holm@frederiksberg.invalid")));
    assert_eq!((e["stale"].as_bool(), &e["last_verified_at"]), (Some(true), &Value::Null), "never checked is stale");
    let id = e["id"].as_str().unwrap();

    let before = kit.store.last_event_seq().await.unwrap();
    let (s, v) = kit.call("POST", &format!("/api/v1/contact-lists/0250/entries/{id}/verified"), sec, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stale"], false);
    assert!(v["last_verified_at"].is_string() && v["last_verified_by"].is_string());
    let trail = kit.store.events_since(before, 10).await.unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!((trail[0].payload["what"].as_str(), trail[0].payload["detail"]["id"].as_str()), (Some("contact_list.verified"), Some(id)));

    let mut changed = mette();
    changed["name"] = json!("Mette Holm Sørensen");
    let (s, v) = kit.call("PUT", &format!("/api/v1/contact-lists/0250/entries/{id}"), sec, Some(changed)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["name"].as_str(), v["stale"].as_bool()), (Some("Mette Holm Sørensen"), Some(false)), "a change keeps the check");

    let (s, v) = kit.call("GET", "/api/v1/contact-lists/0250", kit.token(Role::StaffingLead), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!((v["organisation"]["code"].as_str(), v["stale_after_days"].as_i64()), (Some("0250"), Some(90)));
    assert_eq!(v["entries"].as_array().unwrap().len(), 1);

    let (s, _) = kit.call("DELETE", &format!("/api/v1/contact-lists/0250/entries/{id}"), sec, None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = kit.call("DELETE", &format!("/api/v1/contact-lists/0250/entries/{id}"), sec, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

#[tokio::test]
async fn refusals_are_precise() {
    let kit = Kit::sqlite().await;
    let sec = kit.token(Role::Secretariat);
    let (s, v) =
        kit.call("POST", "/api/v1/contact-lists/0250", sec, Some(json!({ "kind": "authority_crisis", "name": " ", "phone": "123" }))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "phone"], "{v}");
    let (s, v) = kit.call("POST", "/api/v1/contact-lists/0250", sec, Some(json!({ "kind": "authority_crisis", "name": "A" }))).await;
    assert_eq!((s, v["error"]["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("phone_or_email")), "{v}");
    let (s, v) =
        kit.call("POST", "/api/v1/contact-lists/0250", sec, Some(json!({ "kind": "plumber", "name": "A", "phone": "12345678" }))).await;
    assert!(s.is_client_error() && v["error"]["code"].is_string(), "{s} {v}");
    let (s, v) = kit.call("POST", "/api/v1/contact-lists/9999", sec, Some(mette())).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{v}");
    let (s, _) = kit.call("GET", "/api/v1/contact-lists/9999", sec, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // An entry of another organisation's list is not on this one.
    let e = add(&kit, "0101", mette()).await;
    let path = format!("/api/v1/contact-lists/0250/entries/{}/verified", e["id"].as_str().unwrap());
    let (s, _) = kit.call("POST", &path, sec, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = kit.call("POST", &path, kit.token(Role::CrisisLeader), None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "only the secretariat keeps the lists");
}

#[tokio::test]
async fn an_authority_reads_its_own_list_only() {
    let kit = Kit::sqlite().await;
    add(&kit, "0250", mette()).await;
    add(&kit, "0101", mette()).await;
    let editor = kit.token(Role::AuthorityEditor);
    let (s, _) = kit.call("GET", "/api/v1/contact-lists/0250", editor, None).await;
    assert_eq!(s, StatusCode::OK);
    for path in ["/api/v1/contact-lists/0101", "/api/v1/contact-lists/0101/export.csv", "/api/v1/contact-lists/0101/export.vcf"] {
        let (s, v) = kit.call("GET", path, editor, None).await;
        assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{path}");
    }
    let (s, _) = kit.call("GET", "/api/v1/contact-lists/0250", kit.token(Role::Agent), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body, _) = kit.raw("GET", "/kontaktlister", editor, None, &[]).await;
    let body = String::from_utf8(body).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("/kontaktlister/0250") && !body.contains("/kontaktlister/0101"), "the overview shows its own list only");
    // The printed crisis plan's contacts: every list for the crisis staff, its own for an authority.
    let (_, body, _) = kit.raw("GET", "/kontaktlister/udskrift", editor, None, &[]).await;
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("Frederikssund") && !body.contains("København"), "the editor prints its own list only");
    let (s, body, _) = kit.raw("GET", "/kontaktlister/udskrift", kit.token(Role::CrisisLeader), None, &[]).await;
    let body = String::from_utf8(body).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("Frederikssund") && body.contains("København") && body.contains("print-sheet"));
}

#[tokio::test]
async fn exports_are_csv_for_spreadsheets_and_vcards() {
    let kit = Kit::sqlite().await;
    let mut formula = mette();
    formula["name"] = json!("=cmd|' /C calc'!A0");
    add(&kit, "0250", formula).await;
    add(&kit, "0250", json!({ "kind": "vendor_helpdesk", "name": "Helpdesk", "phone": "70 10 20 30" })).await;
    let sec = kit.token(Role::Secretariat);

    let (s, body, h) = kit.raw("GET", "/api/v1/contact-lists/0250/export.csv", sec, None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(h[header::CONTENT_DISPOSITION], "attachment; filename=\"kontaktliste-0250.csv\"");
    assert!(body.starts_with("\u{feff}".as_bytes()), "a byte-order mark for Excel");
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("\r\n") && text.contains("\r\nFrederikssund,"), "{text}");
    assert!(text.contains(",'=cmd|"), "a formula is defused: {text}");
    assert!(text.contains("Myndighedens krisekontakt") && text.contains("Telefonileverandørens helpdesk"));

    let (s, body, h) = kit.raw("GET", "/api/v1/contact-lists/0250/export.vcf", sec, None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/vcard; charset=utf-8");
    assert_eq!(h[header::CONTENT_DISPOSITION], "attachment; filename=\"kontaktliste-0250.vcf\"");
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.matches("BEGIN:VCARD\r\nVERSION:4.0\r\n").count(), 2, "{text}");
    assert!(text.contains("TEL;VALUE=uri;TYPE=work:tel:+4533445566\r\n") && text.contains("NOTE:Ring først; skriv bagefter\r\n"));
}

#[tokio::test]
async fn the_page_links_the_numbers_marks_the_stale_and_checks_in_one_click() {
    let kit = Kit::sqlite().await;
    let e = add(&kit, "0250", mette()).await;
    let id = e["id"].as_str().unwrap();
    let sec = session(&kit, Role::Secretariat).await;
    let (s, body, _) = kit.raw("GET", "/kontaktlister/0250", kit.token(Role::Secretariat), None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("href=\"tel:+4533445566\"") && page.contains("href=\"mailto:mette.holm@frederiksberg.invalid\""));
    assert!(page.contains("Aldrig tjekket") && page.contains("Skal tjekkes"), "the stale marker is words, not only colour");
    assert!(page.contains("/api/v1/contact-lists/0250/export.csv") && page.contains("/api/v1/contact-lists/0250/export.vcf"));

    let (s, _) = post_signed(&kit, &format!("/kontaktlister/0250/kontakter/{id}/tjekket"), &sec, "").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, body, _) = kit.raw("GET", "/kontaktlister/0250", kit.token(Role::Secretariat), None, &[]).await;
    let page = String::from_utf8(body).unwrap();
    assert!(!page.contains("Aldrig tjekket") && !page.contains("⚠"), "checked today");

    // The overview opens any organisation's list, without JavaScript.
    let (s, _, h) = kit.raw("GET", "/kontaktlister/vaelg?org=0101", kit.token(Role::Secretariat), None, &[]).await;
    assert_eq!((s, h[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/kontaktlister/0101"));

    // A refused form shows its problems on the form, in Danish, with what was typed.
    let (s, page) = post_signed(&kit, "/kontaktlister/0250", &sec, "kind=shift_contact&name=Vagten&phone=&email=").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("skriv et telefonnummer eller en e-mailadresse") && page.contains("value=\"Vagten\""), "{page}");

    let (s, body, _) = kit.raw("GET", "/kontaktlister/0250/udskrift", kit.token(Role::CrisisLeader), None, &[]).await;
    let page = String::from_utf8(body).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("print-sheet") && page.contains("Mette Holm") && page.contains("Myndighedens krisekontakt"));
}
