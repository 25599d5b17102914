//! Scenarios and exercises through the API: the contract's names, every problem by field, who
//! may do what, the clock, injects by hand, observations, and nothing on the public pages.

mod common;

use axum::http::StatusCode;
use common::Kit;
use domain::Role;
use serde_json::{Value, json};

async fn table_top(kit: &Kit, speed: u32) -> String {
    let (s, v) = kit
        .call("POST", "/api/v1/scenarios/energinet-cyberangreb/run", kit.token(Role::Secretariat), Some(json!({ "speed": speed })))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["incident"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_built_in_scenarios_are_listed_and_read_in_their_import_form() {
    let kit = Kit::sqlite().await;
    let (s, v) = kit.call("GET", "/api/v1/scenarios", kit.token(Role::ProcessLead), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ids: Vec<&str> = v["scenarios"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 6);
    assert!(ids.contains(&"energinet-cyberangreb"), "{ids:?}");
    assert!(v["scenarios"].as_array().unwrap().iter().all(|s| s["builtin"] == json!(true)));

    let (s, tt) = kit.call("GET", "/api/v1/scenarios/energinet-cyberangreb", kit.token(Role::CrisisLeader), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(tt["duration"], json!("T+06:00"));
    assert!(tt["injects"].as_array().unwrap().iter().any(|i| i["at"] == json!("T+02:00")), "the masts at T+2h");

    // The export imports as a copy under another id; the built-in's own id is refused.
    let mut copy = tt.clone();
    let (s, v) = kit.call("POST", "/api/v1/scenarios", kit.token(Role::Secretariat), Some(copy.clone())).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")), "{v}");
    copy["id"] = json!("nordjylland-2027");
    let (s, v) = kit.call("POST", "/api/v1/scenarios", kit.token(Role::Secretariat), Some(copy.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, back) = kit.call("GET", "/api/v1/scenarios/nordjylland-2027", kit.token(Role::Secretariat), None).await;
    copy["injects"].as_array_mut().unwrap().sort_by_key(|i| i["number"].as_u64());
    let mut got = back.clone();
    got["injects"].as_array_mut().unwrap().sort_by_key(|i| i["number"].as_u64());
    assert_eq!(got, copy, "what is exported imports as it was");

    // Only the secretariat keeps scenarios; agents do not read them.
    let (s, _) = kit.call("POST", "/api/v1/scenarios", kit.token(Role::CrisisLeader), Some(copy)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(kit.call("GET", "/api/v1/scenarios", kit.token(Role::Agent), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(kit.call("GET", "/api/v1/scenarios/ingen-saadan", kit.token(Role::Secretariat), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        kit.call("DELETE", "/api/v1/scenarios/energinet-cyberangreb", kit.token(Role::Secretariat), None).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        kit.call("DELETE", "/api/v1/scenarios/nordjylland-2027", kit.token(Role::Secretariat), None).await.0,
        StatusCode::NO_CONTENT
    );

    // The MSEL columns as CSV.
    let (s, csv, headers) = kit.raw("GET", "/api/v1/scenarios/energinet-cyberangreb/msel.csv", kit.token(Role::LogKeeper), None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("\u{feff}number,at,from,to,channel,message,expected_action,objective\r\n"), "{csv}");
    assert_eq!(csv.lines().count(), tt["injects"].as_array().unwrap().len() + 1);

    // The MSEL comes back in, into a scenario of the secretariat's own, checked by row.
    let mut own = tt.clone();
    own["id"] = json!("msel-test");
    assert_eq!(kit.call("POST", "/api/v1/scenarios", kit.token(Role::Secretariat), Some(own)).await.0, StatusCode::CREATED);
    let two = "number;at;from;to;channel;message;expected_action;objective\n1;T+00:00;Energinet;crisis_leader;mail;Strømmen er væk;Aktivér;M1\n2;manual;Journalist;agents;app;En journalist ringer;Svar;M1\n";
    let put = |body: &str| {
        kit.raw(
            "PUT",
            "/api/v1/scenarios/msel-test/msel.csv",
            kit.token(Role::Secretariat),
            Some(body.to_string()),
            &[("content-type", "text/csv")],
        )
    };
    let (s, v, _) = put(two).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&v));
    let back = kit.call("GET", "/api/v1/scenarios/msel-test", kit.token(Role::Secretariat), None).await.1;
    assert_eq!(back["injects"].as_array().unwrap().len(), 2);
    let (s, v, _) = put("number,at,from,to,channel,message,expected_action,objective\n1,kl. 9,X,agents,app,Hej,,M1\n").await;
    let v: Value = serde_json::from_slice(&v).unwrap();
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("injects[0].at")), "{v}");
    let (s, _, _) = kit
        .raw(
            "PUT",
            "/api/v1/scenarios/energinet-cyberangreb/msel.csv",
            kit.token(Role::Secretariat),
            Some(two.into()),
            &[("content-type", "text/csv")],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a built-in scenario is copied first");
}

#[tokio::test]
async fn a_bad_scenario_is_refused_with_every_problem_by_field() {
    let kit = Kit::sqlite().await;
    let bad = json!({
        "id": "Ikke Gyldig", "title": "x", "kind": "meteor", "affected": ["Atlantis"], "duration": "lang tid",
        "objectives": [{"id": "M1", "text": "Noget"}],
        "injects": [{"number": 1, "at": "kl. 14", "to": "borgerne", "channel": "fax", "message": "", "objective": "M7"}]
    });
    let (s, v) = kit.call("POST", "/api/v1/scenarios", kit.token(Role::Secretariat), Some(bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for want in [
        "id",
        "title",
        "kind",
        "affected[0]",
        "duration",
        "injects[0].at",
        "injects[0].to",
        "injects[0].channel",
        "injects[0].message",
        "injects[0].objective",
    ] {
        assert!(fields.contains(&want), "{want} missing from {fields:?}");
    }
    assert!(
        kit.call("GET", "/api/v1/scenarios", kit.token(Role::Secretariat), None).await.1["scenarios"].as_array().unwrap().len() == 6,
        "nothing kept"
    );
    let (s, v) =
        kit.call("POST", "/api/v1/scenarios/energinet-cyberangreb/run", kit.token(Role::Secretariat), Some(json!({ "speed": 500 }))).await;
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("speed")), "{v}");
}

fn inject(v: &Value, number: u64) -> Value {
    v["injects"].as_array().unwrap().iter().find(|i| i["number"] == json!(number)).unwrap().clone()
}

#[tokio::test]
async fn the_controller_runs_the_clock_and_injects_and_evaluators_observe() {
    let kit = Kit::sqlite().await;
    let id = table_top(&kit, 60).await;
    let path = format!("/api/v1/incidents/{id}/exercise");
    let sec = kit.token(Role::Secretariat);
    let (s, v) = kit.call("GET", &path, kit.token(Role::CrisisLeader), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["clock"], json!({ "scenario_time_s": 0, "speed": 60, "running": false }));
    assert_eq!(v["injects"], json!([]), "a player sees an inject once it is delivered, not the script");
    let (_, v) = kit.call("GET", &path, sec, None).await;
    let first = &v["injects"][0];
    assert_eq!((first["at_s"].as_i64(), first["delivered_at"].is_null()), (Some(0), true), "{first}");
    let (_, incident) = kit.call("GET", &format!("/api/v1/incidents/{id}"), sec, None).await;
    assert_eq!((incident["exercise"].as_bool(), incident["status"].as_str()), (Some(true), Some("prepared")), "{incident}");
    assert!(incident["title"].as_str().unwrap().starts_with("ØVELSE: "), "{incident}");

    // Only the controller (or the secretariat) runs the clock.
    let (s, _) = kit.call("POST", &format!("{path}/clock"), kit.token(Role::CrisisLeader), Some(json!({ "action": "play" }))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = kit.call("POST", &format!("{path}/clock"), sec, Some(json!({ "action": "fly" }))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // "next" jumps to the next timed inject and delivers it.
    let (s, v) = kit.call("POST", &format!("{path}/clock"), sec, Some(json!({ "action": "next" }))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let delivered: Vec<u64> =
        v["injects"].as_array().unwrap().iter().filter(|i| !i["delivered_at"].is_null()).map(|i| i["number"].as_u64().unwrap()).collect();
    assert!(!delivered.is_empty(), "{v}");
    let seen = kit.call("GET", &path, kit.token(Role::CrisisLeader), None).await.1;
    assert_eq!(seen["injects"].as_array().unwrap().len(), delivered.len(), "the delivered ones, to the players");
    let (_, v) = kit.call("POST", &format!("{path}/clock"), sec, Some(json!({ "action": "play", "speed": 30 }))).await;
    assert_eq!((v["clock"]["running"].as_bool(), v["clock"]["speed"].as_u64()), (Some(true), Some(30)));
    let (_, v) = kit.call("POST", &format!("{path}/clock"), sec, Some(json!({ "action": "pause" }))).await;
    assert_eq!(v["clock"]["running"], json!(false));

    // A manual inject by hand, once; an edit of one that has not gone.
    let manual = v["injects"].as_array().unwrap().iter().find(|i| i["at"] == json!("manual")).unwrap()["number"].as_u64().unwrap();
    let (s, v) = kit.call("POST", &format!("{path}/injects/{manual}/deliver"), sec, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(!inject(&v, manual)["delivered_at"].is_null());
    assert_eq!(kit.call("POST", &format!("{path}/injects/{manual}/deliver"), sec, None).await.0, StatusCode::CONFLICT);
    let later =
        v["injects"].as_array().unwrap().iter().rev().find(|i| i["delivered_at"].is_null() && !i["at_s"].is_null()).unwrap().clone();
    let n = later["number"].as_u64().unwrap();
    let mut edit = later.clone();
    for k in ["at_s", "delivered_at", "delivered_s", "delivered_by", "number"] {
        edit.as_object_mut().unwrap().remove(k);
    }
    edit["message"] = json!("Ændret af øvelseslederen");
    let (s, v) = kit.call("PUT", &format!("{path}/injects/{n}"), sec, Some(edit.clone())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(inject(&v, n)["message"], json!("Ændret af øvelseslederen"));
    edit["to"] = json!("authority:0101");
    let (s, v) = kit.call("PUT", &format!("{path}/injects/{n}"), sec, Some(edit)).await;
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")), "{v}");

    // Evaluators are named, then observe; others may not.
    let obs = json!({ "inject": 1, "objective": "M1", "rating": "some_challenges", "text": "Kriselederen aktiverede efter 40 minutter." });
    let (s, _) = kit.call("POST", &format!("{path}/observations"), kit.token(Role::SteeringGroup), Some(obs.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let email = kit.emails[&Role::SteeringGroup].clone();
    let (s, v) = kit.call("PUT", &format!("{path}/parts"), sec, Some(json!({ "email": email, "part": "evaluator" }))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = kit.call("POST", &format!("{path}/observations"), kit.token(Role::SteeringGroup), Some(obs)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let bad = json!({ "inject": 99, "objective": "M9", "rating": "performed", "text": "" });
    let (s, v) = kit.call("POST", &format!("{path}/observations"), kit.token(Role::SteeringGroup), Some(bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["fields"].as_array().unwrap().len(), 3, "{v}");
    let (_, v) = kit.call("GET", &path, sec, None).await;
    assert_eq!(v["observations"].as_array().unwrap().len(), 1);

    // Reset: T+0, paused, everything due again.
    let (_, v) = kit.call("POST", &format!("{path}/clock"), sec, Some(json!({ "action": "reset" }))).await;
    assert_eq!(v["clock"], json!({ "scenario_time_s": 0, "speed": 30, "running": false }));
    assert!(v["injects"].as_array().unwrap().iter().all(|i| i["delivered_at"].is_null()));

    // Archived, the clock is still for good.
    let (s, v) = kit.call("POST", &format!("{path}/archive"), sec, None).await;
    assert_eq!((s, v["archived_at"].is_string()), (StatusCode::OK, true), "{v}");
    let (s, _) = kit.call("POST", &format!("{path}/clock"), sec, Some(json!({ "action": "play" }))).await;
    assert_eq!(s, StatusCode::CONFLICT);

    // A real incident has no exercise.
    let real = kit.incident(&["0250"]).await;
    assert_eq!(kit.call("GET", &format!("/api/v1/incidents/{real}/exercise"), sec, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_exercise_never_reaches_the_public_pages_or_the_feed() {
    let kit = Kit::sqlite().await;
    let id = table_top(&kit, 60).await;
    kit.activate(&id).await;
    kit.publish(&id, "ØVELSE: strømmen er væk i Nordjylland").await;
    common::eventually("the live guide", || async {
        kit.call("GET", &format!("/api/v1/incidents/{id}/guide"), kit.token(Role::Agent), None).await.0 == StatusCode::OK
    })
    .await;
    for path in ["/krise", "/krise/0851"] {
        let (s, page, _) = kit.raw("GET", path, None, None, &[]).await;
        assert_eq!(s, StatusCode::OK);
        let page = String::from_utf8(page).unwrap();
        assert!(!page.contains("strømmen er væk i Nordjylland") && !page.contains("ØVELSE") && !page.contains(&id), "{path}: {page}");
    }
    let feed = String::from_utf8(kit.raw("GET", "/cap.atom", None, None, &[]).await.1).unwrap();
    assert!(!feed.contains(&id), "{feed}");
    // A citizen calling Aalborg meets the municipality's own line, not the exercise.
    let (s, v) = kit.call("GET", "/api/v1/ivr/0851", kit.token(Role::Agent), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["crisis_active"].as_bool(), v["route_to"].as_str(), v["message_text"].is_null()),
        (Some(false), Some("normal"), true),
        "{v}"
    );
    // The chatbot answers a citizen of Aalborg from no exercise.
    let (_, v) =
        kit.call("POST", "/api/v1/chat", None, Some(json!({ "message": "hvornår kommer strømmen igen", "municipality": "0851" }))).await;
    assert!(v["source"].is_null() && !v["answer"].as_str().unwrap_or_default().contains("ØVELSE"), "{v}");
}
