//! The crisis guide over HTTP: the draft, publishing with every problem listed, versions, and who
//! sees the internal purpose.

mod common;

use axum::http::{StatusCode, header};
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
    for f in
        ["scope", "affected_area", "short_status", "started_at", "next_update_at", "callback_email", "citizen_summary", "contacts[1].phone"]
    {
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
    draft["affected_area"] = json!("Hele Frederikssund Kommune");
    common::rewrite_placeholders(&mut draft);
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

async fn get_text(kit: &Kit, path: &str, token: Option<&str>) -> (StatusCode, String, axum::http::HeaderMap) {
    let (s, body, h) = kit.raw("GET", path, token, None, &[]).await;
    (s, String::from_utf8(body).unwrap(), h)
}

/// A published guide whose purpose, action texts and newer draft must never reach agents or citizens.
async fn guide_with_secrets(kit: &Kit) -> String {
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    let path = format!("/api/v1/incidents/{id}/guide");
    let lead = kit.token(Role::ProcessLead);
    kit.publish(&id, "Leverandøren arbejder på fejlen.").await;
    let (_, v) = kit.call("GET", &format!("{path}/draft"), lead, None).await;
    let mut g = v["draft"].clone();
    g["purpose"] = json!("INTERNT-FORMÅL");
    g["situations"][0]["action"] = json!("AGENT-HANDLING");
    g["citizen_summary"] = json!("Ring til **kriselinjen**. <script>alert(1)</script>");
    kit.call("PUT", &path, lead, Some(g.clone())).await;
    let (s, _) = kit.call("POST", &format!("{path}/publish"), lead, None).await;
    assert_eq!(s, StatusCode::CREATED);
    g["banner"] = json!("KLADDE-BANNER");
    kit.call("PUT", &path, lead, Some(g)).await;
    id
}

#[tokio::test]
async fn agents_see_the_published_guide_without_purpose_or_draft() {
    let kit = Kit::sqlite().await;
    let id = guide_with_secrets(&kit).await;
    let (s, page, _) = get_text(&kit, &format!("/agent/{id}"), kit.token(Role::Agent)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("AGENT-HANDLING"), "agents get the actions");
    assert!(page.contains("Omstillingen er nede"), "the published banner");
    assert!(!page.contains("INTERNT-FORMÅL") && !page.contains("KLADDE-BANNER"), "never the purpose or a draft");
    assert!(page.contains("Nyt siden version 1"), "what changed since the version before");
    assert!(!page.contains("<script>alert"), "markup in guide text is escaped");
    let (_, console, _) = get_text(&kit, "/agent", kit.token(Role::Agent)).await;
    assert!(console.contains(&format!("/agent/{id}")) && console.contains("Omstillingen er nede"));
}

#[tokio::test]
async fn the_public_page_shows_citizen_wording_only_and_is_cacheable() {
    let kit = Kit::sqlite().await;
    let id = guide_with_secrets(&kit).await;
    // The public pages render from the live snapshot, which follows the publication on the bus.
    common::eventually("the public page to show the guide", || async {
        get_text(&kit, "/krise/0250", None).await.1.contains("<strong>kriselinjen</strong>")
    })
    .await;
    let (s, page, h) = get_text(&kit, "/krise/0250", None).await;
    assert_eq!(s, StatusCode::OK);
    for secret in ["INTERNT-FORMÅL", "AGENT-HANDLING", "KLADDE-BANNER", "<script>alert", "Leverandøren arbejder"] {
        assert!(!page.contains(secret), "{secret} must not reach citizens");
    }
    assert!(h[header::CACHE_CONTROL].to_str().unwrap().starts_with("public, max-age="));
    let etag = h[header::ETAG].to_str().unwrap().to_string();
    let (s, body, _) = kit.raw("GET", "/krise/0250", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!((s, body.len()), (StatusCode::NOT_MODIFIED, 0));
    let (_, index, _) = get_text(&kit, "/krise", None).await;
    assert!(index.contains("href=\"/krise/0250\""));
    let (_, embed, h) = get_text(&kit, "/krise/0250/embed", None).await;
    assert!(embed.contains("<base target=\"_top\">") && !embed.contains("class=\"top\""));
    let policy = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.ends_with("frame-ancestors *") && policy.contains("script-src 'self'"), "{policy}");
    let (s, quiet, _) = get_text(&kit, "/krise/0101", None).await;
    assert!(s == StatusCode::OK && quiet.contains("ingen aktiv krise"), "a municipality without a crisis");
    let (s, unknown, h) = get_text(&kit, "/krise/9999", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(h[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "a Danish page, never JSON");
    assert!(unknown.contains("Der er ingen kriseside for 9999") && unknown.contains("<html lang=\"da\""), "{unknown}");

    // Closing the crisis takes it off the page as soon as the snapshot follows.
    for to in ["standing_down", "closed"] {
        let body =
            json!({ "status": to, "note": "Telefonerne virker igen.", "all_clear": "Krisen er ovre. Kommunens telefoner virker igen." });
        let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{id}/status"), kit.token(Role::CrisisLeader), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    common::eventually("the closed crisis to leave the page", || async {
        get_text(&kit, "/krise/0250", None).await.1.contains("ingen aktiv krise")
    })
    .await;
}

#[tokio::test]
async fn the_public_page_answers_each_question_for_its_area_and_never_with_a_placeholder() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    let lead = kit.token(Role::ProcessLead);
    let path = format!("/api/v1/incidents/{id}/guide");
    // The template as it comes, with every other section filled: its placeholders are refused.
    let (_, v) = kit.call("GET", &format!("{path}/draft"), lead, None).await;
    let mut draft = v["draft"].clone();
    for (field, value) in [
        ("banner", "Omstillingen er nede"),
        ("scope", "Omstillingen afviser opkald."),
        ("affected_area", "Jægerspris og Skibby (3630, 3670)"),
        ("short_status", "Leverandøren arbejder på fejlen."),
        ("callback_email", "callback@frederikssund.invalid"),
        ("citizen_summary", "Ring til kriselinjen."),
    ] {
        draft[field] = json!(value);
    }
    let now = domain::time::now();
    draft["started_at"] = json!(domain::time::rfc3339(now));
    draft["next_update_at"] = json!(domain::time::rfc3339(now + time::Duration::hours(2)));
    kit.call("PUT", &path, lead, Some(draft.clone())).await;
    let (s, v) = kit.call("POST", &format!("{path}/publish"), lead, None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let refused: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    // The status row, the "can't wait" row and the IT breakdown's own row; "Ring 112 …" may stay.
    assert_eq!(refused, ["situations[0].citizen_text", "situations[3].citizen_text", "situations[4].citizen_text"], "{v}");

    common::rewrite_placeholders(&mut draft);
    let (s, v) = kit.call("PUT", &path, lead, Some(draft)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = kit.call("POST", &format!("{path}/publish"), lead, None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    common::eventually("the public page to show the guide", || async {
        get_text(&kit, "/krise/0250", None).await.1.contains("Jægerspris og Skibby")
    })
    .await;
    let (_, page, _) = get_text(&kit, "/krise/0250", None).await;
    assert!(page.contains("Gælder for"), "the area is named: {page}");
    // Each answer sits under the question it answers.
    let urgent = page.find("<h4>Hvad gør jeg, hvis det er akut?</h4>").expect("the question as a heading");
    let answer = page.find("Ring 112 ved fare for liv").expect("its answer");
    let next = page[urgent + 1..].find("<h4>").map(|n| n + urgent + 1).unwrap_or(page.len());
    assert!(urgent < answer && answer < next, "the answer follows its own question");
    for filler in ["Læs den korte status", "Du kan blive ringet op af kommunen"] {
        assert!(!page.contains(filler), "{filler} is a placeholder and never reaches citizens");
    }
}

#[tokio::test]
async fn the_editing_page_lists_problems_by_field_and_keeps_what_was_typed() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let (s, page, _) = get_text(&kit, &format!("/incidents/{id}/guide"), kit.token(Role::AuthorityEditor)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("name=\"situations[0].situation\""), "the template pre-fills the rows");
    let (s, _, _) = get_text(&kit, &format!("/incidents/{id}/guide"), kit.token(Role::Agent)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let editor = common::session(&kit, Role::AuthorityEditor).await;
    let path = format!("/incidents/{id}/guide");
    let form = |then: &str, next: &str, phone: &str| {
        format!(
            "_csrf={}&then={then}&banner=Omstillingen+er+nede&short_status=Fejlen+er+fundet&scope=Omstillingen+afviser+opkald&affected_area=Hele+kommunen\
             &started_at=2026-11-23T07%3A40&expected_duration=En+dag&next_update_at={next}\
             &situations%5B0%5D.situation=Borgeren+sp%C3%B8rger&situations%5B0%5D.action=Giv+status&situations%5B0%5D.citizen_text=\
             &situations%5B1%5D.situation=&situations%5B1%5D.action=&situations%5B1%5D.citizen_text=\
             &contacts%5B0%5D.name=Vagten&contacts%5B0%5D.phone={phone}&contacts%5B0%5D.note=&contacts%5B0%5D.urgent=1\
             &callback_email=callback%40frederikssund.invalid&citizen_summary=Ring+til+kriselinjen&purpose=",
            editor.csrf
        )
    };
    let (s, page) = common::post_form(&kit, &path, &editor, form("publish", "2020-01-01T10%3A00", "12+34")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("role=\"alert\""), "the problems are announced");
    assert!(
        page.contains("href=\"#g-next_update_at\"") && page.contains("href=\"#g-contacts-0-phone\""),
        "each problem links to its field"
    );
    assert!(page.contains("value=\"12 34\""), "what was typed is kept");
    let (s, page) = common::post_form(&kit, &path, &editor, form("publish", "2099-01-01T10%3A00", "72+23+50+00")).await;
    assert_eq!(s, StatusCode::OK, "{}", page.chars().take(500).collect::<String>());
    assert!(page.contains("offentliggjort som en ny version"));
    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/guide"), kit.token(Role::Agent), None).await;
    assert_eq!((v["version"].as_i64(), v["guide"]["situations"].as_array().unwrap().len()), (Some(1), 1), "empty rows are dropped: {v}");
    assert_eq!(v["guide"]["contacts"][0], json!({ "name": "Vagten", "phone": "72 23 50 00", "note": "", "urgent": true }));
    assert_eq!(v["guide"]["next_update_at"], "2099-01-01T09:00:00Z", "the form's time is Copenhagen time");
}

#[tokio::test]
async fn a_guide_version_below_one_is_refused() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    kit.publish(&id, "Fejlen er fundet.").await;
    let agent = kit.token(Role::Agent);
    let (s, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/guide?version=1"), agent, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for bad in ["-1", "0", "x"] {
        let (s, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/guide?version={bad}"), agent, None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "version={bad}: {v}");
    }
}

/// When the next update is overdue, the page says that it is late instead of a time gone by.
#[tokio::test]
async fn the_public_page_says_when_the_update_is_late() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    kit.publish_due(&id, "Fejlen er fundet.", time::Duration::seconds(2)).await;
    common::eventually("the public page to show the guide", || async {
        get_text(&kit, "/krise/0250", None).await.1.contains("Næste opdatering")
    })
    .await;
    let (_, page, _) = get_text(&kit, "/krise/0250", None).await;
    assert!(!page.contains("Opdateringen er forsinket"), "not late yet");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (_, page, _) = get_text(&kit, "/krise/0250", None).await;
    assert!(page.contains("Opdateringen er forsinket"), "late, and said so: {page}");
}
