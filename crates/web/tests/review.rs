//! After the crisis, end to end through the API: a crisis is run and closed, the evaluation
//! forms go out and come back anonymously from every audience, the KPIs equal figures computed
//! here by hand from the same events, the report's PDF opens in a standard reader with the KPIs
//! in it, and the statements' totals match a hand calculation for a member and a non-member.

mod common;

use axum::http::StatusCode;
use common::Kit;
use domain::Role;
use domain::callout::ContactChannel;
use domain::user::NewUser;
use serde_json::{Value, json};

fn kpi<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|k| k["key"] == key).unwrap_or_else(|| panic!("no KPI {key} in {list}"))
}

/// A Monday's shift from `from` to `to` o'clock, Copenhagen time, in December 2026 (UTC+1).
fn shift(from: u8, to: u8, agents: u32) -> Value {
    json!({ "start": format!("2026-12-07T{:02}:00:00Z", from - 1), "end": format!("2026-12-07T{:02}:00:00Z", to - 1), "agents": agents })
}

async fn close(kit: &Kit, id: &str) {
    let leader = kit.token(Role::CrisisLeader);
    let path = format!("/api/v1/incidents/{id}/status");
    let (s, v) = kit.call("POST", &path, leader, Some(json!({ "status": "standing_down", "note": "Opkaldene er faldet." }))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let body =
        json!({ "status": "closed", "note": "Strømmen er tilbage.", "all_clear": "Krisen er ovre: strømmen er tilbage i hele kommunen." });
    let (s, v) = kit.call("POST", &path, leader, Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn a_closed_crisis_is_evaluated_measured_reported_and_billed() {
    let kit = Kit::sqlite().await;
    let sec = kit.token(Role::Secretariat);
    // Members: the member crisis's base seats come from an unaffected member (Frederiksberg).
    for code in ["0253", "0147"] {
        kit.store.set_member(code, true, "test", domain::time::now()).await.unwrap();
    }
    // Five more agents: an agents' result is shown from five answers.
    for n in 0..5 {
        let u = NewUser { email: format!("agent{n}@test.invalid"), name: format!("Agent {n}"), org: "0253".into(), role: Role::Agent }
            .validate(common::PASSWORD, |_| true)
            .unwrap();
        kit.store.create_user(&u, "x", "test", domain::time::now()).await.unwrap();
    }
    let tariff = json!({ "valid_from": "2026-01-01", "activation_fee_dkk": 25000, "hour_rate_dkk": 450, "outside_surcharge_dkk": 225, "bid_compensation_dkk": 400 });
    let (s, v) = kit.call("POST", "/api/v1/tariffs", sec, Some(tariff)).await;
    assert_eq!((s, &v["hour_rate"]), (StatusCode::CREATED, &json!(45_000)), "{v}");

    // The non-member's crisis: activated, a guide, calls, inquiries, a shift plan inside the opening hours.
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    let version = kit.publish(&id, "Strømmen er væk i det meste af kommunen.").await;
    let calls = json!({ "intervals": [
        { "start": "2026-12-07T08:00:00Z", "length_s": 1800, "offered": 120, "answered": 110, "abandoned": 10, "answered_within_target": 90, "avg_handle_s": 180.0, "avg_wait_s": 25.0 },
        { "start": "2026-12-07T08:30:00Z", "length_s": 1800, "offered": 80, "answered": 78, "abandoned": 2, "answered_within_target": 70, "avg_handle_s": 170.0, "avg_wait_s": 12.0 },
    ] });
    let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{id}/call-stats"), kit.token(Role::StaffingLead), Some(calls)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let agent = kit.token(Role::Agent);
    for body in [
        json!({ "version": version, "situation": 0, "municipality": "0250" }),
        json!({ "version": version, "text": "Kan jeg få erstatning?", "municipality": "0250" }),
    ] {
        let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{id}/inquiries"), agent, Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let plan = json!({ "shifts": [shift(9, 13, 10)] });
    let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{id}/shifts/plan"), kit.token(Role::StaffingLead), Some(plan)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // Closing sends the forms; each audience answers through its link.
    close(&kit, &id).await;
    // The KPIs, against figures computed by hand from the same record.
    let (s, kpis) = kit.call("GET", &format!("/api/v1/incidents/{id}/kpis"), kit.token(Role::CrisisLeader), None).await;
    assert_eq!(s, StatusCode::OK, "{kpis}");
    let incident = kit.store.incident(id.parse().unwrap()).await.unwrap().unwrap();
    let published = kit.store.guide_history(incident.id).await.unwrap()[0].1;
    let (created, activated, ended) = (incident.created_at, incident.activated_at.unwrap(), incident.standing_down_at.unwrap());
    let to_active = (activated - created).as_seconds_f64();
    let to_guide = (published - created).as_seconds_f64();
    // Fresh from the publication (due two hours on) until it stood down; not before it.
    let fresh = (ended - published).as_seconds_f64() / (ended - activated).as_seconds_f64();
    assert_eq!(kpi(&kpis, "time_to_active_s")["value"], json!(to_active));
    assert_eq!(kpi(&kpis, "time_to_first_guide_s")["value"], json!(to_guide));
    assert_eq!(kpi(&kpis, "answered_calls")["value"], json!(188.0));
    assert_eq!(kpi(&kpis, "service_level")["value"], json!(160.0 / 200.0));
    assert_eq!(kpi(&kpis, "abandonment")["value"], json!(12.0 / 200.0));
    assert_eq!(kpi(&kpis, "not_covered_share")["value"], json!(0.5));
    assert_eq!(kpi(&kpis, "agent_hours")["value"], json!(40.0));
    assert_eq!(kpi(&kpis, "agent_hours")["parts"].as_array().unwrap().iter().map(|p| p["value"].as_f64().unwrap()).sum::<f64>(), 40.0);
    assert_eq!(kpi(&kpis, "guide_fresh_share")["value"], json!(fresh), "{kpis}");
    assert_eq!(kpi(&kpis, "guide_overdue_periods")["value"], json!(0.0));
    for k in kpis.as_array().unwrap() {
        for field in ["key", "label", "value", "unit", "target"] {
            assert!(k.get(field).is_some(), "{field} missing in {k}");
        }
    }

    let mut links: Vec<(String, String)> = Vec::new();
    let now = domain::time::now();
    while let Some(m) = kit.store.claim_message(&[ContactChannel::Email], now, now + time::Duration::minutes(5)).await.unwrap() {
        if let Some((_, link)) = m.link.filter(|(_, l)| l.starts_with("/evaluering/")) {
            links.push((m.address, link.trim_start_matches("/evaluering/").to_string()));
        }
    }
    let for_role = |role: Role| links.iter().find(|(a, _)| *a == format!("{role}@test.invalid")).map(|(_, t)| t.clone()).unwrap();
    let agent_links: Vec<String> = links.iter().filter(|(a, _)| a.starts_with("agent")).map(|(_, t)| t.clone()).collect();
    assert_eq!(agent_links.len(), 6, "every agent is asked: {links:?}");
    for (n, token) in agent_links.iter().enumerate() {
        let body = json!({ "answers": [ (n % 5 + 1), null, true, format!("Svar {n}") ] });
        let (s, v) = kit.call("POST", &format!("/api/v1/evaluation-forms/{token}"), None, Some(body)).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        if n == 4 {
            // Five of six have answered and the form is open: results that moved with each
            // answer would tell what it said, so only the response shows.
            let (_, e) = kit.call("GET", &format!("/api/v1/incidents/{id}/evaluation"), kit.token(Role::CrisisLeader), None).await;
            let agents = e["forms"].as_array().unwrap().iter().find(|f| f["audience"] == "agents").unwrap();
            assert_eq!(
                (&agents["visible"], &agents["answered"], &agents["questions"][0]["answers"]),
                (&json!(false), &json!(5), &json!(0)),
                "{agents}"
            );
        }
    }
    let (s, v) = kit
        .call("POST", &format!("/api/v1/evaluation-forms/{}", agent_links[0]), None, Some(json!({ "answers": [1, null, true, null] })))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "one answer per person: {v}");
    let (s, v) = kit
        .call(
            "POST",
            &format!("/api/v1/evaluation-forms/{}", for_role(Role::AuthorityEditor)),
            None,
            Some(json!({ "answers": [7, null, null, null] })),
        )
        .await;
    assert_eq!((s, &v["error"]["fields"][0]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("answers[0]")), "{v}");
    for (role, answers) in [
        (Role::AuthorityEditor, json!([4, 5, true, "Godt samarbejde"])),
        (Role::ShiftContact, json!([3, 0, null])),
        (Role::CrisisLeader, json!([5, 4, true, "Klare roller"])),
    ] {
        let (s, v) =
            kit.call("POST", &format!("/api/v1/evaluation-forms/{}", for_role(role)), None, Some(json!({ "answers": answers }))).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{role}: {v}");
    }
    // Anonymity: the stored answers are the values alone, with nothing of who gave them.
    let forms = kit.store.evaluation(incident.id).await.unwrap();
    let agents = forms.iter().find(|f| f.audience == domain::evaluation::Audience::Agents).unwrap();
    let stored = serde_json::to_string(&agents.answers).unwrap();
    for who in ["agent", "Agent", "@test.invalid", "0253"] {
        assert!(!stored.contains(who), "{who} in the stored answers: {stored}");
    }
    assert_eq!(agents.answers.len(), 6);
    let (s, e) = kit.call("GET", &format!("/api/v1/incidents/{id}/evaluation"), kit.token(Role::CrisisLeader), None).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let agents = e["forms"].as_array().unwrap().iter().find(|f| f["audience"] == "agents").unwrap();
    assert_eq!(
        agents["questions"][0]["counts"].as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).collect::<Vec<_>>(),
        [2, 1, 1, 1, 1]
    );
    assert_eq!(agents["questions"][3]["texts"].as_array().unwrap().len(), 6, "the crisis staff read the free texts");
    let authority = e["forms"].as_array().unwrap().iter().find(|f| f["audience"] == "authority").unwrap();
    assert_eq!(
        (authority["answered"].as_u64(), authority["questions"][0]["shown"].as_bool()),
        (Some(1), Some(false)),
        "one answer: not shown"
    );
    let (_, for_agent) = kit.call("GET", &format!("/api/v1/incidents/{id}/evaluation"), agent, None).await;
    let agents = for_agent["forms"].as_array().unwrap().iter().find(|f| f["audience"] == "agents").unwrap();
    assert!(agents["questions"][3].get("texts").is_none(), "free texts only for the crisis staff and the steering group: {agents}");

    // The report: HTML naming the chain head, and a PDF a standard reader turns into text with the KPIs in it.
    let (s, html, _) = kit.raw("GET", &format!("/api/v1/incidents/{id}/report"), kit.token(Role::CrisisLeader), None, &[]).await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    let head = kit.store.log_head(incident.id).await.unwrap().unwrap();
    assert!(html.contains(&head.1), "the report names the log's chain head");
    let (s, pdf, headers) = kit.raw("GET", &format!("/api/v1/incidents/{id}/report.pdf"), kit.token(Role::CrisisLeader), None, &[]).await;
    assert_eq!((s, headers["content-type"].to_str().unwrap()), (StatusCode::OK, "application/pdf"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rapport.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "Nøgletal",
        "Tid fra oprettelse til aktiv",
        "Besvarede opkald: 188",
        "Serviceniveau: 80 %",
        "Agenttimer: 40,0 t",
        "Evaluering for agenter",
    ] {
        assert!(text.contains(want), "{want} not in the PDF's text:\n{text}");
    }

    // The member's crisis: Monday 14–22, half of it outside the opening hours.
    let member = kit.incident(&["0253"]).await;
    kit.activate(&member).await;
    let (s, v) = kit
        .call(
            "POST",
            &format!("/api/v1/incidents/{member}/shifts/plan"),
            kit.token(Role::StaffingLead),
            Some(json!({ "shifts": [shift(14, 22, 10)] })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let base = kit.store.shifts(member.parse().unwrap()).await.unwrap()[0].base as f64;

    // Statements: by hand, the non-member 25,000 + 40 h × 450 = 43,000 DKK; the member
    // (10 − base) × 4 h × 450 inside and 10 × 4 h × 675 outside.
    for (incident, org, total) in [(&id, "0250", 43_000.0), (&member, "0253", (10.0 - base) * 4.0 * 450.0 + 40.0 * 675.0)] {
        let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{incident}/statements"), sec, None).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, list) = kit.call("GET", &format!("/api/v1/incidents/{incident}/statements"), sec, None).await;
        let st = list.as_array().unwrap().iter().find(|x| x["org"] == org).unwrap_or_else(|| panic!("no statement for {org}: {list}"));
        assert_eq!(st["total_dkk"], json!(total), "{st}");
        assert_eq!(st["vat_dkk"], json!(total * 0.25), "{st}");
        let lines: f64 = st["lines"].as_array().unwrap().iter().map(|l| l["amount_dkk"].as_f64().unwrap()).sum();
        assert_eq!(lines, total);
        let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{incident}/statements"), sec, None).await;
        assert_eq!((s, v), (StatusCode::OK, json!([])), "unchanged: not issued again");
    }
    let (_, list) = kit.call("GET", &format!("/api/v1/incidents/{id}/statements"), sec, None).await;
    assert!(list[0]["lines"].as_array().unwrap().iter().any(|l| l["kind"] == "activation"), "the non-member pays the activation");
    let (_, list) = kit.call("GET", &format!("/api/v1/incidents/{member}/statements"), sec, None).await;
    assert!(list[0]["lines"].as_array().unwrap().iter().all(|l| l["kind"] != "activation"), "a member pays no activation");
    let (s, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/statements"), kit.token(Role::AuthorityEditor), None).await;
    assert_eq!((s, v.as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "the billed authority's editor sees its own: {v}");
    let (s, _) = kit.call("GET", &format!("/api/v1/incidents/{id}/statements"), agent, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_exercise_is_neither_measured_nor_billed() {
    let kit = Kit::sqlite().await;
    let (s, v) =
        kit.call("POST", "/api/v1/scenarios/energinet-cyberangreb/run", kit.token(Role::Secretariat), Some(json!({ "speed": 60 }))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["incident"].as_str().unwrap();
    let (s, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/kpis"), kit.token(Role::Secretariat), None).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{id}/statements"), kit.token(Role::Secretariat), None).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
}
