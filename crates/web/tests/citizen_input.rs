//! Feedback, inquiries and callback requests over HTTP: who may send, who may read, routing,
//! the access log on personal data, and the export.

mod common;

use axum::http::StatusCode;
use common::Kit;
use domain::Role;
use serde_json::json;

#[tokio::test]
async fn feedback_is_routed_handled_and_resolved_by_a_newer_version() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    let path = format!("/api/v1/incidents/{id}/feedback");
    let agent = kit.token(Role::Agent);
    let body = |category: &str| json!({ "version": 1, "section": "contacts", "category": category, "text": "Vagtens nummer svarer ikke" });

    let (s, v) = kit.call("POST", &path, agent, Some(body("contact_details"))).await;
    assert_eq!(s, StatusCode::CONFLICT, "no published guide yet: {v}");
    kit.publish(&id, "Leverandøren arbejder på fejlen.").await;
    let (s, contact) = kit.call("POST", &path, agent, Some(body("contact_details"))).await;
    assert_eq!(s, StatusCode::CREATED, "{contact}");
    assert_eq!((contact["routed_to"].as_str(), contact["state"].as_str()), (Some("authority_editor"), Some("new")));
    let (_, other) = kit.call("POST", &path, agent, Some(body("information_missing"))).await;
    assert_eq!(other["routed_to"], "process_lead");

    let (s, v) = kit.call("POST", &path, agent, Some(json!({ "version": 1, "section": "banner", "category": "rude", "text": "x" }))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = kit.call("POST", &path, agent, Some(json!({ "version": 7, "section": "banner", "category": "other", "text": "x" }))).await;
    let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!((s, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["version", "text"]));

    // Each side sees what is routed to it first.
    let (_, v) = kit.call("GET", &path, kit.token(Role::AuthorityEditor), None).await;
    assert_eq!(v["feedback"][0]["id"], contact["id"]);
    let (_, v) = kit.call("GET", &path, kit.token(Role::ProcessLead), None).await;
    assert_eq!(v["feedback"][0]["id"], other["id"]);
    let (s, _) = kit.call("GET", &path, agent, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let item = format!("{path}/{}", contact["id"].as_str().unwrap());
    let editor = kit.token(Role::AuthorityEditor);
    let (s, v) = kit.call("PUT", &item, editor, Some(json!({ "state": "acknowledged" }))).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("acknowledged")), "{v}");
    let (s, v) = kit.call("PUT", &item, editor, Some(json!({ "state": "resolved", "resolved_by_version": 2 }))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "version 2 does not exist yet: {v}");
    kit.publish(&id, "Fejlen er fundet.").await;
    let (s, v) = kit.call("PUT", &item, editor, Some(json!({ "state": "resolved", "resolved_by_version": 2 }))).await;
    assert_eq!((s, v["resolved_by_version"].as_i64()), (StatusCode::OK, Some(2)), "{v}");
    let (s, _) = kit.call("PUT", &item, editor, Some(json!({ "state": "new" }))).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = kit.call("PUT", &format!("{path}/{}", uuid::Uuid::new_v4()), editor, Some(json!({ "state": "acknowledged" }))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}"), kit.token(Role::CrisisLeader), None).await;
    assert_eq!(v["feedback"], json!({ "new": 1, "acknowledged": 0, "resolved": 1 }), "counts in the crisis room");
    // `1.0` is the integer 1 to JSON Schema, so to the server too; `1.5` is not one.
    let whole = json!({ "version": 1.0, "section": "contacts", "category": "other", "text": "Skrevet som 1.0" });
    let (s, v) = kit.call("POST", &path, agent, Some(whole)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let half = json!({ "version": 1.5, "section": "contacts", "category": "other", "text": "Skrevet som 1.5" });
    let (s, v) = kit.call("POST", &path, agent, Some(half)).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().starts_with("version: "), "the field is named: {v}");
}

#[tokio::test]
async fn an_inquiry_takes_a_row_or_a_question_and_the_authority_sees_the_summary() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    kit.publish(&id, "Leverandøren arbejder på fejlen.").await;
    let path = format!("/api/v1/incidents/{id}/inquiries");
    let agent = kit.token(Role::Agent);
    for body in [
        json!({ "version": 1, "situation": 0, "municipality": "0250" }),
        json!({ "version": 1, "situation": 0, "municipality": "0253" }),
        json!({ "version": 1, "text": "Kan jeg hente medicin?", "municipality": "0250" }),
        json!({ "version": 1, "text": "kan jeg hente medicin?", "municipality": "0250" }),
    ] {
        let (s, v) = kit.call("POST", &path, agent, Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    for (body, field) in [
        (json!({ "version": 1, "municipality": "0250" }), "text"),
        (json!({ "version": 1, "situation": 40, "municipality": "0250" }), "situation"),
        (json!({ "version": 1, "situation": 0, "municipality": "9999" }), "municipality"),
        (json!({ "version": 1, "text": "cpr 010203-1234", "municipality": "0250" }), "text"),
        (json!({ "version": 1, "text": "x".repeat(201), "municipality": "0250" }), "text"),
    ] {
        let (s, v) = kit.call("POST", &path, agent, Some(body)).await;
        assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{v}");
    }
    let (s, _) = kit
        .call("POST", &path, kit.token(Role::AuthorityEditor), Some(json!({ "version": 1, "situation": 0, "municipality": "0250" })))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "agents record; the authority reads");

    let (s, v) = kit.call("GET", &format!("{path}/summary"), kit.token(Role::AuthorityEditor), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 4);
    assert_eq!(v["per_situation"][0][1], 2);
    assert_eq!(v["top_not_covered"], json!([["Kan jeg hente medicin?", 2]]));
    assert_eq!(v["per_hour"].as_array().unwrap().iter().map(|h| h[1].as_i64().unwrap()).sum::<i64>(), 4);
    let (s, _) = kit.call("GET", &format!("{path}/summary"), agent, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn callback_requests_reach_only_the_authority_and_every_reading_is_logged() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let other = kit.incident(&["0101"]).await;
    kit.activate(&id).await;
    kit.publish(&id, "Leverandøren arbejder på fejlen.").await;
    let path = format!("/api/v1/incidents/{id}/callbacks");
    let citizen = json!({ "name": "Birthe Borger", "phone": "+45 20 30 40 50", "email": "birthe@example.invalid", "reason": "=HYPERLINK(\"x\") Hjemmeplejen kom ikke", "municipality": "0250" });
    let (s, v) = kit.call("POST", &path, kit.token(Role::Agent), Some(citizen.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v.get("name").is_none(), "the answer does not repeat personal data");
    let (s, v) = kit
        .call("POST", &path, kit.token(Role::Agent), Some(json!({ "name": "", "phone": "123", "reason": "", "municipality": "0250" })))
        .await;
    let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!((s, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["name", "phone", "reason"]));

    for role in Role::ALL.iter().filter(|r| **r != Role::AuthorityEditor) {
        let (s, _) = kit.call("GET", &path, kit.token(*role), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role} must not read personal data");
    }
    let editor = kit.token(Role::AuthorityEditor);
    let (s, _) = kit.call("GET", &format!("/api/v1/incidents/{other}/callbacks"), editor, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another authority's citizens");
    let (s, v) = kit.call("GET", &path, editor, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!((v["callbacks"][0]["name"].as_str(), v["callbacks"][0]["phone"].as_str()), (Some("Birthe Borger"), Some("20 30 40 50")));

    let (s, csv, headers) = kit.raw("GET", &format!("/api/v1/incidents/{id}/callbacks.csv"), editor, None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("received_utc,"), "{csv}");
    assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\") Hjemmeplejen kom ikke\""), "formula cells are defused: {csv}");

    let (_, v) = kit.call("GET", &format!("{path}/access"), editor, None).await;
    let what: Vec<&str> = v["access"].as_array().unwrap().iter().map(|a| a["what"].as_str().unwrap()).collect();
    assert_eq!(what, ["export", "view", "create"]);
}

/// The option of the inquiry form's municipality list that is selected, by its value.
fn selected_municipality(page: &str) -> Option<String> {
    let form = &page[page.find("id=\"inq-municipality\"")?..];
    let form = &form[..form.find("</select>")?];
    let at = form.find(" selected")?;
    let value = form[..at].rfind("value=\"")? + 7;
    Some(form[value..].split('"').next()?.to_string())
}

#[tokio::test]
async fn the_callers_municipality_starts_as_the_affected_one_and_keeps_the_agents_choice() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    kit.publish(&id, "Leverandøren arbejder på fejlen.").await;
    let s = common::session(&kit, Role::Agent).await;
    let get = |path: String| {
        let cookie = s.cookie.clone();
        let kit = &kit;
        async move { String::from_utf8(kit.raw("GET", &path, None, None, &[("cookie", &cookie)]).await.1).unwrap() }
    };
    // The agent works for Greve (0253); the crisis is Frederikssund's.
    let page = get(format!("/agent/{id}")).await;
    assert_eq!(selected_municipality(&page).as_deref(), Some("0250"), "the affected municipality, not the agent's own");

    let body = format!("_csrf={}&version=1&municipality=0101&text=&situation=0", s.csrf);
    let form = [("cookie", s.cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
    let (status, _, headers) = kit.raw("POST", &format!("/agent/{id}/inquiries"), None, Some(body), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let stored = kit.store.inquiries(id.parse().unwrap()).await.unwrap();
    assert_eq!(stored[0].municipality, "0101");
    let after = get(headers["location"].to_str().unwrap().to_string()).await;
    assert_eq!(selected_municipality(&after).as_deref(), Some("0101"), "the last choice is kept");

    // Two municipalities: the agent must choose.
    let two = kit.incident(&["0253", "0259"]).await;
    kit.activate(&two).await;
    kit.publish(&two, "Leverandøren arbejder på fejlen.").await;
    let page = get(format!("/agent/{two}")).await;
    assert_eq!(selected_municipality(&page).as_deref(), Some(""), "a blank choice: {page}");
}
