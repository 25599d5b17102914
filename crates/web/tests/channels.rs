//! The channels from the one guide, through the router: the chatbot (approved wording only,
//! handover, "not covered" recorded, bad input), the IVR (VoiceXML, JSON, XML, tokens, callback),
//! CAP 1.2 and the Atom feed, SMS text and the agents' search. Every XML document is validated
//! with xmllint against the standards' schemas.

mod common;

use axum::http::StatusCode;
use common::{Kit, eventually};
use domain::Role;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// A realistic published guide: the chatbot quality harness's power-cut scenario.
fn scenario() -> Value {
    serde_json::from_str(include_str!("../../../bench/chat-eval/scenarios/power_cut.json")).unwrap()
}

async fn crisis(kit: &Kit, affected: &[&str], exercise: bool) -> String {
    let s = scenario();
    let body = json!({ "title": s["title"], "kind": "power_cut", "affected": affected, "channels": ["phone", "chat", "voice"], "exercise": exercise });
    let (status, v) = kit.call("POST", "/api/v1/incidents", kit.token(Role::CrisisLeader), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    kit.activate(&id).await;
    publish(kit, &id, s["guide"].clone()).await;
    id
}

async fn publish(kit: &Kit, id: &str, guide: Value) -> i64 {
    let lead = kit.token(Role::ProcessLead);
    let (status, v) = kit.call("PUT", &format!("/api/v1/incidents/{id}/guide"), lead, Some(guide)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, v) = kit.call("POST", &format!("/api/v1/incidents/{id}/guide/publish"), lead, None).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["version"].as_i64().unwrap()
}

async fn chat(kit: &Kit, body: Value) -> (StatusCode, Value) {
    kit.call("POST", "/api/v1/chat", None, Some(body)).await
}

async fn ask(kit: &Kit, message: &str, conversation: Option<&str>) -> Value {
    let (status, v) = chat(kit, json!({ "message": message, "municipality": "0250", "conversation": conversation })).await;
    assert_eq!(status, StatusCode::OK, "{message}: {v}");
    v
}

fn standards() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/standards")
}

/// Validates with xmllint against a schema of tests/standards (None: well-formed only).
fn xmllint(doc: &[u8], schema: Option<&str>) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), doc).unwrap();
    let mut cmd = std::process::Command::new("xmllint");
    cmd.args(["--nonet", "--noout"]).env("XML_CATALOG_FILES", standards().join("catalog.xml"));
    if let Some(s) = schema {
        cmd.arg("--schema").arg(standards().join(s));
    }
    let out = cmd.arg(file.path()).output().expect("xmllint is missing: install Debian's libxml2-utils");
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(doc));
}

#[tokio::test]
async fn the_chatbot_answers_only_with_approved_wording_and_hands_over() {
    let kit = Kit::sqlite().await;
    let id = crisis(&kit, &["0250"], false).await;
    let guide = scenario()["guide"].clone();
    let citizen_texts: Vec<String> =
        guide["situations"].as_array().unwrap().iter().map(|s| s["citizen_text"].as_str().unwrap().to_string()).collect();
    eventually("the chatbot to know the crisis", || async { ask(&kit, "hvornår kommer strømmen igen?", None).await["kind"] == "answer" })
        .await;

    let v = ask(&kit, "hvornår kommer strømmen igen?", None).await;
    assert_eq!(v["handover"], false);
    assert_eq!(v["answer"], citizen_texts[0], "verbatim approved wording: {v}");
    assert_eq!((v["source"]["incident"].as_str(), v["source"]["guide_version"].as_i64()), (Some(id.as_str()), Some(1)));
    assert_eq!((v["source"]["section"].as_str(), v["source"]["situation"].as_i64()), (Some("situation"), Some(0)));
    assert_eq!(v["source"]["incident_title"], scenario()["title"], "which crisis: {v}");
    let updated = v["source"]["updated"].as_str().unwrap();
    assert!(updated.starts_with("Opdateret kl. ") && v["source"]["updated_at"].is_string(), "when its guide was updated: {v}");
    assert!(v["confidence"].as_f64().unwrap() > 0.0);
    let conversation = v["conversation"].as_str().unwrap().to_string();

    assert_eq!(ask(&kit, "hej", Some(&conversation)).await["kind"], "greeting");
    assert_eq!(ask(&kit, "tak for hjælpen", Some(&conversation)).await["kind"], "thanks");
    let robot = ask(&kit, "er du en robot?", Some(&conversation)).await;
    assert_eq!(robot["kind"], "robot");
    assert!(robot["answer"].as_str().unwrap().contains("70 00 00 00"));
    let person = ask(&kit, "kan jeg tale med et menneske", Some(&conversation)).await;
    assert_eq!(
        (person["kind"].as_str(), person["handover"].as_bool(), person["callback"].as_bool()),
        (Some("person"), Some(true), Some(true))
    );

    // About the crisis, but no row answers it: a handover, and the question reaches the
    // authority as "not covered".
    let v = ask(&kit, "får netselskabet en bøde for strømafbrydelsen", Some(&conversation)).await;
    assert_eq!(
        (v["kind"].as_str(), v["handover"].as_bool(), v["passed_on"].as_bool()),
        (Some("not_covered"), Some(true), Some(true)),
        "{v}"
    );
    assert!(v["source"].is_null() && v["answer"].as_str().unwrap().contains(domain::chat::PASSED_ON), "{v}");
    let uuid = id.parse().unwrap();
    eventually("the unanswered question to be recorded", || async {
        kit.store.inquiries(uuid).await.unwrap().iter().any(|i| i.situation.is_none() && i.text.contains("bøde"))
    })
    .await;
    // About something else: pointed to the municipality, never promised to be passed on, not recorded.
    for q in ["hvornår kommer skraldebilen", "hvad bliver vejret i morgen", "hvornår skal jeg forny mit pas"] {
        let v = ask(&kit, q, Some(&conversation)).await;
        let answer = v["answer"].as_str().unwrap();
        assert_eq!(
            (v["kind"].as_str(), v["passed_on"].as_bool(), v["callback"].as_bool()),
            (Some("off_topic"), Some(false), Some(false)),
            "{q}: {v}"
        );
        assert!(
            answer.starts_with(domain::chat::ABOUT_THE_CRISIS)
                && answer.contains("Frederikssund Kommune")
                && !answer.contains(domain::chat::PASSED_ON),
            "{answer}"
        );
    }
    let (_, summary) = kit.call("GET", &format!("/api/v1/incidents/{id}/inquiries/summary"), kit.token(Role::AuthorityEditor), None).await;
    assert_eq!(summary["top_not_covered"].as_array().unwrap().len(), 1, "only the crisis question is on the list: {summary}");

    // The handover's callback form.
    let cb = json!({ "conversation": conversation, "name": "Birthe Borger", "phone": "20 30 40 50", "reason": "Min mor har iltapparat" });
    let (status, v) = kit.call("POST", "/api/v1/chat/callback", None, Some(cb)).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v, json!({ "received": true }), "the citizen's details are not echoed");
    let (_, list) = kit.call("GET", &format!("/api/v1/incidents/{id}/callbacks"), kit.token(Role::AuthorityEditor), None).await;
    let cbs = list["callbacks"].as_array().unwrap();
    assert_eq!((cbs.len(), cbs[0]["created_by"].as_str(), cbs[0]["municipality"].as_str()), (1, Some("Chatbot"), Some("0250")));
    let again = json!({ "conversation": conversation, "name": "Birthe Borger", "phone": "20 30 40 50", "reason": "Igen" });
    let (status, v) = kit.call("POST", "/api/v1/chat/callback", None, Some(again)).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("already_requested")), "one per conversation");
    let bad = json!({ "conversation": uuid::Uuid::new_v4(), "name": "A", "phone": "20304050", "reason": "x" });
    assert_eq!(kit.call("POST", "/api/v1/chat/callback", None, Some(bad)).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_authority_sees_how_often_the_chatbot_answered_each_situation() {
    let kit = Kit::sqlite().await;
    let id = crisis(&kit, &["0250"], false).await;
    let question = "hvornår kommer strømmen igen?";
    eventually("the chatbot to know the crisis", || async { ask(&kit, question, None).await["kind"] == "answer" }).await;
    let summary = format!("/api/v1/incidents/{id}/inquiries/summary");
    let editor = kit.token(Role::AuthorityEditor);
    let row = scenario()["guide"]["situations"][0]["situation"].clone();
    let count = |v: &Value| {
        let answered = v["chat_answered"].as_array().unwrap();
        answered.iter().find(|a| a["situation"] == row).map_or(0, |a| a["count"].as_i64().unwrap())
    };
    let before = count(&kit.call("GET", &summary, editor, None).await.1);
    assert!(before >= 1, "the answers so far are counted");
    ask(&kit, question, None).await;
    ask(&kit, question, None).await;
    ask(&kit, "hvad bliver vejret i morgen", None).await;
    let (s, v) = kit.call("GET", &summary, editor, None).await;
    assert_eq!((s, count(&v)), (StatusCode::OK, before + 2), "{v}");
    assert_eq!(v["chat_answered"][0]["section"], "situation", "{v}");
    assert_eq!(v["total"], 0, "answers are no inquiries, and an off-topic question is not recorded");

    // Where the authority reads the not-covered list.
    let session = common::session(&kit, Role::AuthorityEditor).await;
    let (_, page, _) = kit.raw("GET", &format!("/incidents/{id}/inquiries"), None, None, &[("cookie", &session.cookie)]).await;
    let page = String::from_utf8(page).unwrap();
    let at = page.find("Chatbotten: besvaret pr. situation").expect("the heading");
    let rest = &page[at..];
    assert!(rest.contains(row.as_str().unwrap()) && rest.contains(&format!(">{}<", before + 2)), "{page}");
}

#[tokio::test]
async fn the_guides_example_questions_teach_the_chatbot_and_citizens_never_see_them() {
    let kit = Kit::sqlite().await;
    let id = crisis(&kit, &["0250"], false).await;
    let question = "min mors vekseltryksmadras virker ikke uden strøm";
    let mut guide = scenario()["guide"].clone();
    let medical = guide["situations"][1].clone();
    assert!(medical["citizen_questions"].as_array().unwrap().iter().any(|q| q == question), "the scenario has the example");
    for s in guide["situations"].as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("citizen_questions");
    }
    publish(&kit, &id, guide.clone()).await;
    eventually("version 2 without examples", || async { ask(&kit, question, None).await["source"]["guide_version"] != 1 }).await;
    let without = ask(&kit, question, None).await;
    assert_ne!(without["source"]["situation"], 1, "the row alone does not know the word: {without}");

    guide["situations"][1]["citizen_questions"] = json!([question, "  ", question.to_uppercase()]);
    let version = publish(&kit, &id, guide).await;
    eventually("the example to be learnt", || async { ask(&kit, question, None).await["source"]["guide_version"] == version }).await;
    let v = ask(&kit, question, None).await;
    assert_eq!((v["kind"].as_str(), v["source"]["situation"].as_i64()), (Some("answer"), Some(1)), "{v}");
    assert_eq!(v["answer"], medical["citizen_text"], "the row's approved wording, never the example");
    let (_, stored) = kit.call("GET", &format!("/api/v1/incidents/{id}/guide"), kit.token(Role::ProcessLead), None).await;
    assert_eq!(stored["guide"]["situations"][1]["citizen_questions"], json!([question]), "blank and repeated examples dropped: {stored}");

    let (status, page, _) = kit.raw("GET", "/krise/0250", None, None, &[]).await;
    let page = String::from_utf8(page).unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(medical["citizen_text"].as_str().unwrap().split('.').next().unwrap()) && !page.contains("vekseltryksmadras"));
}

#[tokio::test]
async fn bad_chat_input_gets_a_clear_4xx_and_a_closed_crisis_a_safe_handover() {
    let kit = Kit::sqlite().await;
    let id = crisis(&kit, &["0250"], false).await;
    // Until the channels have loaded, an unknown municipality cannot be told from a known one.
    eventually("the channels to load", || async { kit.raw("GET", "/readyz", None, None, &[]).await.0 == StatusCode::OK }).await;
    let cases = [
        (json!({ "message": "" }), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (json!({ "message": " \n\t " }), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (json!({ "message": "x".repeat(1001) }), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (json!({ "message": "strøm", "municipality": "9999" }), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (json!({ "message": "a\u{0}b" }), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (json!({ "text": "strøm" }), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
        (json!({ "message": "strøm", "conversation": "not-a-uuid" }), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
    ];
    for (body, status, code) in cases {
        let (s, v) = chat(&kit, body.clone()).await;
        assert_eq!((s, v["error"]["code"].as_str()), (status, Some(code)), "{body}: {v}");
    }
    let (s, bytes, _) = kit.raw("POST", "/api/v1/chat", None, Some(String::from_utf8_lossy(&[0xff, 0xfe, 0, 1]).into_owned()), &[]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&bytes));
    let huge = json!({ "message": "å".repeat(70_000) }).to_string();
    assert_eq!(kit.raw("POST", "/api/v1/chat", None, Some(huge), &[]).await.0, StatusCode::PAYLOAD_TOO_LARGE);

    // Script-laden text is only ever matched, never echoed.
    let v = ask(&kit, "<script>alert('strøm')</script><img src=x onerror=alert(1)>", None).await;
    assert!(!v["answer"].as_str().unwrap().contains('<'), "{v}");

    eventually("the chatbot to know the crisis", || async { ask(&kit, "hvornår kommer strømmen igen?", None).await["kind"] == "answer" })
        .await;
    let conversation = ask(&kit, "hvornår kommer strømmen igen?", None).await["conversation"].as_str().unwrap().to_string();
    for to in ["standing_down", "closed"] {
        let body = json!({ "status": to, "note": "Strømmen er tilbage overalt.", "all_clear": "Krisen er ovre." });
        let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{id}/status"), kit.token(Role::CrisisLeader), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    eventually("the closed crisis to leave the chatbot", || async {
        ask(&kit, "hvornår kommer strømmen igen?", None).await["kind"] != "answer"
    })
    .await;
    let v = ask(&kit, "hvornår kommer strømmen igen?", Some(&conversation)).await;
    assert_eq!(v["handover"], true, "{v}");
    assert!(v["answer"].as_str().unwrap().starts_with(domain::chat::CRISIS_ENDED), "{v}");
    assert_eq!(v["callback"], false, "no live crisis to be called back about");
}

#[test]
fn the_chat_rate_limit_is_per_client() {
    let chat = app::chat::Chat::new(30);
    let (a, b) = (Some("192.0.2.1".parse().unwrap()), Some("192.0.2.2".parse().unwrap()));
    let admitted = (0..20).filter(|_| chat.admit(a, None).is_ok()).count();
    assert_eq!(admitted, 10, "a burst of a third of the minute's rate");
    let e = web::error::ApiError::from(chat.admit(a, None).unwrap_err());
    assert_eq!((e.status, e.code), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert!(e.retry_after.is_some_and(|s| (1..=6).contains(&s)), "a token comes back within seconds: {:?}", e.retry_after);
    assert!(chat.admit(b, None).is_ok(), "another client is not affected");
    assert!(app::chat::Chat::new(0).admit(a, None).is_ok());
}

#[tokio::test]
async fn the_ivr_speaks_valid_voicexml_and_routes_by_municipality() {
    let kit = Kit::sqlite().await;
    let id = crisis(&kit, &["0250"], false).await;
    let agent = kit.token(Role::Agent);
    eventually("the IVR to know the crisis", || async {
        kit.call("GET", "/api/v1/ivr/0250", agent, None).await.1["crisis_active"] == true
    })
    .await;

    // Bearer tokens only: none, a wrong one, then a staff token and an integration token.
    assert_eq!(kit.raw("GET", "/ivr/0250.vxml", None, None, &[]).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(kit.raw("GET", "/ivr/0250.vxml", Some("wrong"), None, &[]).await.0, StatusCode::UNAUTHORIZED);
    let integration = app::accounts::new_secret();
    kit.store
        .create_integration_token(
            "Telefoniplatform",
            &web::auth::secret_hash(&integration),
            domain::time::now(),
            domain::time::now() + time::Duration::days(1),
        )
        .await
        .unwrap();
    for token in [agent.unwrap(), integration.as_str()] {
        let (s, doc, headers) = kit.raw("GET", "/ivr/0250.vxml", Some(token), None, &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(headers["content-type"].to_str().unwrap().starts_with("application/voicexml+xml"));
        xmllint(&doc, Some("voicexml21/vxml.xsd"));
        let text = String::from_utf8(doc).unwrap();
        assert!(text.contains("xml:lang=\"da-DK\"") && text.contains("tel:+4570000000") && text.contains("Frederikssund"), "{text}");
    }
    // The integration token opens nothing else.
    assert_eq!(kit.call("GET", "/api/v1/incidents", Some(&integration), None).await.0, StatusCode::UNAUTHORIZED);

    let (s, v) = kit.call("GET", "/api/v1/ivr/0250", Some(&integration), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (v["crisis_active"].as_bool(), v["route_to"].as_str(), v["crisis_line"].as_str()),
        (Some(true), Some("crisis_line"), Some("tel:+4570000000"))
    );
    assert_eq!(v["incident"].as_str(), Some(id.as_str()));
    assert!(v["message_text"].as_str().unwrap().contains("Strømafbrydelse"), "{v}");
    xmllint(v["message_ssml"].as_str().unwrap().as_bytes(), Some("ssml11/synthesis.xsd"));
    let (s, xml, _) = kit.raw("GET", "/api/v1/ivr/0250.xml", Some(&integration), None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    xmllint(&xml, None);
    assert!(String::from_utf8(xml).unwrap().contains("<crisis_active>true</crisis_active>"));

    // Another municipality: no crisis, normal routing, and a quiet transfer.
    let (_, v) = kit.call("GET", "/api/v1/ivr/0101", agent, None).await;
    assert_eq!((v["crisis_active"].as_bool(), v["route_to"].as_str(), v["message_text"].is_null()), (Some(false), Some("normal"), true));
    let (_, doc, _) = kit.raw("GET", "/ivr/0101.vxml", agent, None, &[]).await;
    xmllint(&doc, Some("voicexml21/vxml.xsd"));
    for bad in ["/ivr/9999.vxml", "/ivr/1084.vxml", "/ivr/0250.txt", "/api/v1/ivr/abc", "/api/v1/ivr/0250.pdf"] {
        let (s, v) = kit.call("GET", bad, agent, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{bad}: {v}");
        assert!(v["error"]["message"].is_string(), "{bad}");
    }

    // Key 3: the platform posts the caller's number; the authority gets a callback request.
    let (s, ok) = ivr_form(&kit, "caller=tel%3A%2B4520304050").await;
    assert_eq!(s, StatusCode::OK);
    xmllint(&ok, Some("voicexml21/vxml.xsd"));
    let (s, failed) = ivr_form(&kit, "caller=").await;
    assert_eq!(s, StatusCode::OK);
    xmllint(&failed, Some("voicexml21/vxml.xsd"));
    assert_ne!(ok, failed, "a withheld number gets the apology and a transfer");
    let (_, list) = kit.call("GET", &format!("/api/v1/incidents/{id}/callbacks"), kit.token(Role::AuthorityEditor), None).await;
    let phones: Vec<&str> = list["callbacks"].as_array().unwrap().iter().map(|c| c["phone"].as_str().unwrap()).collect();
    assert_eq!(phones, ["20 30 40 50"]);
}

/// What the IVR platform posts when the caller presses 3.
async fn ivr_form(kit: &Kit, body: &'static str) -> (StatusCode, Vec<u8>) {
    let req = axum::http::Request::post("/ivr/0250/callback")
        .header("authorization", format!("Bearer {}", kit.tokens[&Role::Agent]))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = tower::ServiceExt::oneshot(kit.app.clone(), req).await.unwrap();
    let status = res.status();
    (status, axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec())
}

fn cap_text(doc: &[u8], element: &str) -> String {
    let text = String::from_utf8_lossy(doc);
    let open = format!("<{element}>");
    text.split(&open).nth(1).and_then(|t| t.split(&format!("</{element}>")).next()).unwrap_or_default().to_string()
}

#[tokio::test]
async fn cap_alerts_follow_the_version_history_and_the_feed_lists_public_alerts() {
    let kit = Kit::sqlite().await;
    let id = crisis(&kit, &["0250", "1084"], false).await;
    let exercise = crisis(&kit, &["0101"], true).await;
    let cap = format!("/api/v1/incidents/{id}/cap.xml");

    let (s, doc, headers) = kit.raw("GET", &cap, None, None, &[]).await;
    assert_eq!(s, StatusCode::OK, "a real alert is public");
    assert!(headers["content-type"].to_str().unwrap().starts_with("application/cap+xml"));
    xmllint(&doc, Some("cap/CAP-v1.2.xsd"));
    assert_eq!(
        (cap_text(&doc, "msgType").as_str(), cap_text(&doc, "status").as_str(), cap_text(&doc, "language").as_str()),
        ("Alert", "Actual", "da-DK")
    );
    let text = String::from_utf8_lossy(&doc).into_owned();
    assert!(text.contains("<value>0250</value>") && text.contains("<value>1084</value>"), "{text}");
    assert!(!cap_text(&doc, "sent").ends_with('Z') && cap_text(&doc, "sent").contains('+'), "explicit offset");

    let mut guide = scenario()["guide"].clone();
    guide["citizen_summary"] =
        json!("Strømmen er tilbage i Jægerspris. Resten følger i løbet af tirsdag – følg med på \"kommunens\" side & i radioen <P1>.");
    publish(&kit, &id, guide).await;
    eventually("the update", || async { cap_text(&kit.raw("GET", &cap, None, None, &[]).await.1, "msgType") == "Update" }).await;
    let doc = kit.raw("GET", &cap, None, None, &[]).await.1;
    xmllint(&doc, Some("cap/CAP-v1.2.xsd"));
    assert!(cap_text(&doc, "references").contains(&format!("kriseservice-{id}-v1")), "{}", String::from_utf8_lossy(&doc));

    // An exercise is marked as such and is not public.
    let ex = format!("/api/v1/incidents/{exercise}/cap.xml");
    assert_eq!(kit.raw("GET", &ex, None, None, &[]).await.0, StatusCode::UNAUTHORIZED);
    let doc = kit.raw("GET", &ex, kit.token(Role::Agent), None, &[]).await.1;
    xmllint(&doc, Some("cap/CAP-v1.2.xsd"));
    assert_eq!(cap_text(&doc, "status"), "Exercise");

    // The chatbot answers a citizen from no exercise (only the exercise's own synthetic citizens
    // are, see exercise_run.rs); a request cannot ask for one.
    let question = "hvornår kommer strømmen igen?";
    let (s, v) = chat(&kit, json!({ "message": question, "municipality": "0101", "exercise": exercise })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let v = chat(&kit, json!({ "message": question, "municipality": "0101" })).await.1;
    assert!(
        !v["answer"].as_str().unwrap().contains("ØVELSE") && v["source"]["incident"] != json!(exercise),
        "a citizen never gets an exercise: {v}"
    );

    // A prepared incident's guide is not announced to the public yet.
    let body = json!({ "title": "Forberedt", "kind": "power_cut", "affected": ["0250"], "channels": ["phone"], "exercise": false });
    let prepared =
        kit.call("POST", "/api/v1/incidents", kit.token(Role::CrisisLeader), Some(body)).await.1["id"].as_str().unwrap().to_string();
    publish(&kit, &prepared, scenario()["guide"].clone()).await;
    let path = format!("/api/v1/incidents/{prepared}/cap.xml");
    assert_eq!(kit.raw("GET", &path, None, None, &[]).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(kit.raw("GET", &path, kit.token(Role::Agent), None, &[]).await.0, StatusCode::OK);

    let (s, feed, headers) = kit.raw("GET", "/cap.atom", None, None, &[("host", "krise.example.dk")]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    xmllint(&feed, None);
    let feed = String::from_utf8(feed).unwrap();
    assert!(
        feed.contains(&format!("href=\"http://krise.example.dk/api/v1/incidents/{id}/cap.xml\"")) && feed.contains("application/cap+xml"),
        "{feed}"
    );
    assert!(!feed.contains(&exercise), "exercises stay out of the public feed");

    // Closing cancels the alert; the feed keeps the Cancel for a day.
    for to in ["standing_down", "closed"] {
        let body = json!({ "status": to, "note": "Strømmen er tilbage overalt.", "all_clear": "Krisen er ovre. Strømmen er tilbage." });
        kit.call("POST", &format!("/api/v1/incidents/{id}/status"), kit.token(Role::CrisisLeader), Some(body)).await;
    }
    eventually("the cancel", || async { cap_text(&kit.raw("GET", &cap, None, None, &[]).await.1, "msgType") == "Cancel" }).await;
    xmllint(&kit.raw("GET", &cap, None, None, &[]).await.1, Some("cap/CAP-v1.2.xsd"));
    eventually("the feed to announce the end", || async {
        let feed = String::from_utf8(kit.raw("GET", "/cap.atom", None, None, &[]).await.1).unwrap();
        feed.contains(&id) && feed.contains("Afsluttet:")
    })
    .await;
    assert_eq!(kit.call("GET", &format!("/api/v1/incidents/{}/cap.xml", uuid::Uuid::new_v4()), None, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sms_text_counts_gsm7_segments() {
    let kit = Kit::sqlite().await;
    let id = crisis(&kit, &["0250"], false).await;
    let path = format!("/api/v1/incidents/{id}/sms");
    assert_eq!(kit.call("GET", &path, None, None).await.0, StatusCode::UNAUTHORIZED);
    let (s, v) = kit.call("GET", &path, kit.token(Role::AuthorityEditor), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let summary = scenario()["guide"]["citizen_summary"].as_str().unwrap().to_string();
    let text = v["text"].as_str().unwrap();
    assert!(text.starts_with(&summary[..40]) && text.contains("/krise/0250"), "{v}");
    assert_eq!(v["encoding"], "gsm7");
    let units = v["units"].as_u64().unwrap();
    assert_eq!(v["segments"].as_u64().unwrap(), if units <= 160 { 1 } else { units.div_ceil(153) });
    // An authority sees only its own incidents.
    let other = crisis(&kit, &["0101"], false).await;
    assert_eq!(
        kit.call("GET", &format!("/api/v1/incidents/{other}/sms"), kit.token(Role::AuthorityEditor), None).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn agents_search_crisis_and_everyday_guides_in_danish() {
    let kit = Kit::sqlite().await;
    let id = crisis(&kit, &["0250"], false).await;
    let other = crisis(&kit, &["0101"], false).await;
    let guide = |code: &str, file: &str, text: &str| domain::everyday::EverydayGuide::from_file(code, file, text).unwrap();
    let now = domain::time::now();
    kit.store
        .import_everyday(
            "0250",
            vec![guide("0250", "pas.md", "# Pas\n\nBestil tid til nyt pas i Borgerservice. Husk det gamle pas og et foto.")],
            now,
        )
        .await
        .unwrap();
    kit.store
        .import_everyday("0101", vec![guide("0101", "affald.md", "# Affald og storskrald\n\nStorskrald hentes hver anden mandag.")], now)
        .await
        .unwrap();
    let agent = kit.token(Role::Agent);
    let search = |q: &str, m: &str| format!("/api/v1/search?q={}&municipality={m}", common::enc(q));
    // Each import is re-read on its own: wait for both, and for the crisis guide.
    eventually("the everyday guides and the crisis guide in the index", || async {
        let mut all = true;
        for q in ["pas", "storskrald", "strømmen"] {
            all &= kit.call("GET", &search(q, "0250"), agent, None).await.1["hits"].as_array().is_some_and(|h| !h.is_empty());
        }
        all
    })
    .await;

    let (s, v) = kit.call("GET", &search("nyt pass", "0250"), agent, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["hits"][0]["url"], "/agent/guides/0250/pas", "one typo is forgiven: {v}");
    assert!(v["hits"][0]["snippet"].as_str().unwrap().contains("<mark>"), "{v}");

    let (_, v) = kit.call("GET", &search("strømmen", "0250"), agent, None).await;
    let first = &v["hits"][0];
    assert_eq!(
        (first["kind"].as_str(), first["url"].as_str().map(|u| u.starts_with(&format!("/agent/{id}")))),
        (Some("crisis"), Some(true)),
        "{v}"
    );
    let (_, v) = kit.call("GET", &search("storskrald", "0250"), agent, None).await;
    assert_eq!(v["hits"][0]["url"], "/agent/guides/0101/affald", "other municipalities' guides still show: {v}");

    // An authority editor (0250) never sees hits from another authority's crisis.
    let (_, v) = kit.call("GET", &search("strøm", "0250"), kit.token(Role::AuthorityEditor), None).await;
    assert!(v["hits"].as_array().unwrap().iter().all(|h| !h["id"].as_str().unwrap().contains(&other)), "{v}");

    for (q, m, code) in [
        ("", "0250", "query_empty"),
        ("!!!", "0250", "query_empty"),
        (&"strøm ".repeat(100), "0250", "query_too_long"),
        ("pas", "9999", "unknown_municipality"),
    ] {
        let (s, v) = kit.call("GET", &search(q, m), agent, None).await;
        assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(code)), "{q}: {v}");
    }
    assert_eq!(kit.call("GET", &search("pas", "0250"), None, None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn search_puts_the_callers_municipality_first_and_names_every_other_one() {
    let kit = Kit::sqlite().await;
    crisis(&kit, &["0250"], false).await;
    let body = "# Pas – bestil tid\n\nBestil tid i Borgerservice.\n\n## Inden mødet\n\n- Medbring det gamle pas og et **foto**.";
    let guide = domain::everyday::EverydayGuide::from_file("0250", "pas.md", body).unwrap();
    kit.store.import_everyday("0250", vec![guide], domain::time::now()).await.unwrap();
    let agent = kit.token(Role::Agent);
    let search = |q: &str, m: &str| format!("/api/v1/search?q={}&municipality={m}", common::enc(q));
    eventually("the guides in the index", || async {
        let hits = kit.call("GET", &search("strømmen pas", "0250"), agent, None).await.1["hits"].clone();
        hits.as_array().is_some_and(|h| h.iter().any(|h| h["kind"] == "crisis") && h.iter().any(|h| h["kind"] == "everyday"))
    })
    .await;

    // The crisis rows merely say "nyt" ("så snart der er nyt"): the passport guide is what is asked for.
    let (_, v) = kit.call("GET", &search("nyt pas", "0250"), agent, None).await;
    assert_eq!(v["hits"][0]["url"], "/agent/guides/0250/pas", "{v}");
    assert_eq!((v["hits"][0]["title"].as_str(), v["municipality_has_guide"].as_bool()), (Some("Pas – bestil tid"), Some(true)), "{v}");
    let snippet = v["hits"][0]["snippet"].as_str().unwrap();
    assert!(!snippet.contains("##") && !snippet.contains("**"), "plain text: {snippet}");

    // Greve has no guides: Frederikssund's is shown, named, after saying so.
    let (_, v) = kit.call("GET", &search("pas", "0253"), agent, None).await;
    assert_eq!(v["municipality_has_guide"], false, "{v}");
    assert_eq!(
        (v["hits"][0]["title"].as_str(), v["hits"][0]["for_caller"].as_bool()),
        (Some("Frederikssund Kommune: Pas – bestil tid"), Some(false))
    );
    let s = common::session(&kit, Role::Agent).await;
    let get = |path: String| {
        let cookie = s.cookie.clone();
        let kit = &kit;
        async move { String::from_utf8(kit.raw("GET", &path, None, None, &[("cookie", &cookie)]).await.1).unwrap() }
    };
    let page = get("/agent/search?q=pas&municipality=0253".into()).await;
    let (notice, named) = (page.find("Greve Kommune har ingen guide om dette."), page.find("Frederikssund Kommune: Pas – bestil tid"));
    assert!(notice.is_some() && notice < named, "said plainly, before the other municipality's hit: {page}");
    let page = get("/agent/search?q=pas&municipality=0250".into()).await;
    assert!(!page.contains("ingen guide om dette") && !page.contains("Frederikssund Kommune: Pas"), "its own guide: {page}");
    let page = get("/agent/guides/0250/pas".into()).await;
    assert!(page.contains("<h2>Inden mødet</h2>") && page.contains("<strong>foto</strong>") && !page.contains("## "), "{page}");
}

/// A form post as the widget sends it without JavaScript.
async fn widget_post(kit: &Kit, path: &str, body: &str) -> (StatusCode, String, axum::http::HeaderMap) {
    let req = axum::http::Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let res = tower::ServiceExt::oneshot(kit.app.clone(), req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, String::from_utf8_lossy(&axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap()).into_owned(), headers)
}

#[tokio::test]
async fn the_widget_works_without_javascript_and_explains_in_danish() {
    let kit = Kit::sqlite().await;
    crisis(&kit, &["0250"], false).await;
    eventually("the chatbot to know the crisis", || async { ask(&kit, "hvornår kommer strømmen igen?", None).await["kind"] == "answer" })
        .await;
    let (s, _, h) = widget_post(&kit, "/chat", "municipality=0250&conversation=&message=hvorn%C3%A5r+kommer+str%C3%B8mmen+igen").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let location = h["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/chat?municipality=0250&conversation="), "{location}");
    let (s, page, h) = kit.raw("GET", &location, None, None, &[]).await;
    let page = String::from_utf8(page).unwrap();
    let policy = h["content-security-policy"].to_str().unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(
        policy.ends_with("frame-ancestors *") && policy.starts_with("default-src 'self'"),
        "embeddable, and no inline script: {policy}"
    );
    assert!(page.contains("Netselskabet forventer") && page.contains("Du skrev: "), "{page}");
    assert!(
        page.contains("Kilde: Strømafbrydelse i Frederikssund. <time") && page.contains(">Opdateret kl. "),
        "the source under the answer: {page}"
    );

    let (s, page, _) = widget_post(&kit, "/chat", "municipality=0250&conversation=x&message=+").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Skriv dit spørgsmål i feltet."), "{page}");
    let (s, page, _) = widget_post(&kit, "/chat", "municipality=9999&message=str%C3%B8m").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Kommunen kendes ikke"), "{page}");
    let (s, page, _) = widget_post(&kit, "/chat/callback", "conversation=nope&name=A&phone=1&reason=x").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(page.contains("Samtalen er udløbet"), "{page}");
    assert_eq!(kit.raw("GET", "/chat?conversation=%00%ff", None, None, &[]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn an_everyday_matter_gets_a_link_to_the_municipalitys_guide_never_a_crisis_text() {
    let kit = Kit::sqlite().await;
    crisis(&kit, &["0250"], false).await;
    let pas = include_str!("../../cli/demo/everyday/0250/pas.md");
    let guide = domain::everyday::EverydayGuide::from_file("0250", "pas.md", pas).unwrap();
    kit.store.import_everyday("0250", vec![guide], domain::time::now()).await.unwrap();
    let question = "jeg skal have nyt pas";
    eventually("the everyday guide to reach the chatbot", || async { ask(&kit, question, None).await["kind"] == "everyday" }).await;
    let v = ask(&kit, question, None).await;
    assert_eq!(v["guide"]["href"], "/vejledning/0250/pas", "{v}");
    assert!(v["source"].is_null() && v["answer"].as_str().unwrap().contains("Pas – bestil tid"), "a link, not a crisis text: {v}");
    // The crisis questions are answered from the crisis as before.
    assert_eq!(ask(&kit, "hvornår kommer strømmen igen", None).await["kind"], "answer");

    let (status, page, _) = kit.raw("GET", "/vejledning/0250/pas", None, None, &[]).await;
    let page = String::from_utf8(page).unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Pas – bestil tid og søg om pas</h1>") && page.contains("Torvet 2"), "{page}");
    assert_eq!(kit.raw("GET", "/vejledning/0250/nej", None, None, &[]).await.0, StatusCode::NOT_FOUND);
    // Another municipality's citizen is not sent to Frederikssund's guide, nor given the crisis text.
    let (_, other) = chat(&kit, json!({ "message": question, "municipality": "0101" })).await;
    assert!(other["kind"] != "answer" && other["kind"] != "everyday", "{other}");
}
