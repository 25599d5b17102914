//! The crisis guide over HTTP: the draft, publishing with every problem listed, versions, and who
//! sees the internal purpose.

mod common;

use axum::http::StatusCode;
use common::Kit;
use domain::Role;
use serde_json::json;

#[tokio::test]
async fn an_authority_drafts_and_publishes_and_agents_read_without_the_purpose() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let other = kit.incident(&["0101"]).await;
    let editor = kit.token(Role::AuthorityEditor);
    let path = format!("/api/v1/incidents/{id}/guide");

    let (s, v) = kit.call("GET", &format!("{path}/draft"), editor, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["draft"]["situations"].as_array().unwrap().len() >= 4, "the template for the kind pre-fills the draft");
    let (s, _) = kit.call("GET", &format!("/api/v1/incidents/{other}/guide/draft"), editor, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another authority's guide");

    let mut draft = v["draft"].clone();
    draft["banner"] = json!("Omstillingen er nede – brug kriselinjen");
    draft["contacts"][1]["phone"] = json!("12 34");
    let (s, _) = kit.call("PUT", &path, editor, Some(draft.clone())).await;
    assert_eq!(s, StatusCode::OK, "an incomplete draft saves");
    let (s, v) = kit.call("POST", &format!("{path}/publish"), editor, None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["scope", "short_status", "started_at", "next_update_at", "callback_email", "citizen_summary", "contacts[1].phone"] {
        assert!(fields.contains(&f), "{f} missing in {fields:?}");
    }

    let in_two_hours = domain::time::rfc3339(domain::time::now() + time::Duration::hours(2));
    draft["contacts"][1]["phone"] = json!("+45 12345678");
    draft["scope"] = json!("Omstillingen afviser alle opkald siden kl. 7.40.");
    draft["short_status"] = json!("Leverandøren arbejder på fejlen.");
    draft["started_at"] = json!(domain::time::rfc3339(domain::time::now()));
    draft["next_update_at"] = json!(in_two_hours);
    draft["callback_email"] = json!("callback@frederikssund.invalid");
    draft["citizen_summary"] = json!("Ring til kriselinjen.");
    draft["purpose"] = json!("Kun til os, der udfylder guiden.");
    let (s, v) = kit.call("PUT", &path, editor, Some(draft.clone())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["draft"]["contacts"][1]["phone"], "12 34 56 78", "phone numbers are written one way");
    let (s, v) = kit.call("POST", &format!("{path}/publish"), editor, None).await;
    assert_eq!((s, v["version"].as_i64()), (StatusCode::CREATED, Some(1)), "{v}");
    let (s, v) = kit.call("POST", &format!("{path}/publish"), kit.token(Role::ProcessLead), None).await;
    assert_eq!(s, StatusCode::CONFLICT, "nothing changed: {v}");

    let (s, _) = kit.call("POST", &format!("{path}/publish"), kit.token(Role::Agent), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, v) = kit.call("GET", &path, kit.token(Role::Agent), None).await;
    assert_eq!(v["version"], 1);
    assert_eq!(v["guide"]["purpose"], "", "agents never see the purpose");
    let (_, v) = kit.call("GET", &path, editor, None).await;
    assert_eq!(v["guide"]["purpose"], "Kun til os, der udfylder guiden.");

    draft["short_status"] = json!("Fejlen er fundet; forventet løst kl. 14.");
    kit.call("PUT", &path, kit.token(Role::ProcessLead), Some(draft)).await;
    let (s, _) = kit.call("POST", &format!("{path}/publish"), kit.token(Role::ProcessLead), None).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v) = kit.call("GET", &path, kit.token(Role::Agent), None).await;
    assert_eq!(v["version"], 2);
    assert_eq!(v["changes"], json!([{ "section": "short_status", "what": "Fejlen er fundet; forventet løst kl. 14." }]));
    let (_, v) = kit.call("GET", &format!("{path}?version=1"), kit.token(Role::Agent), None).await;
    assert_eq!(v["guide"]["short_status"], "Leverandøren arbejder på fejlen.");
    let (s, _) = kit.call("GET", &format!("{path}?version=9"), kit.token(Role::Agent), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, v) = kit.call("PUT", &path, editor, Some(json!({ "banner": "<script>alert(1)</script>", "colour": "red" }))).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "unknown fields are refused");
    let (s, v) = kit.call("PUT", &path, editor, Some(json!({ "banner": "x".repeat(domain::guide::BANNER_MAX + 1) }))).await;
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("banner")));
}
