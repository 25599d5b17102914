//! Staffing through the router: the Erlang calculator (the published worked example, Erlang A,
//! bad input), call statistics (idempotent per interval, all or nothing, a CSV with broken rows),
//! and the plan with its logged decisions.

mod common;

use axum::http::StatusCode;
use common::Kit;
use domain::Role;
use serde_json::{Value, json};

async fn erlang(kit: &Kit, body: Value) -> (StatusCode, Value) {
    kit.call("POST", "/api/v1/staffing/erlang", kit.token(Role::StaffingLead), Some(body)).await
}

fn worked_example() -> Value {
    json!({ "calls": 100, "interval_s": 1800, "aht_s": 180, "target_answer_s": 20, "target_service_level": 0.8, "shrinkage": 0.3, "max_occupancy": 1.0 })
}

#[tokio::test]
async fn the_erlang_calculator_answers_the_published_example_and_refuses_bad_input() {
    let kit = Kit::sqlite().await;
    let (status, v) = erlang(&kit, worked_example()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!((v["agents"].as_u64(), v["scheduled_agents"].as_u64()), (Some(14), Some(20)), "{v}");
    assert!(v["service_level"].as_f64().unwrap() >= 0.8 && v.get("p_abandon").is_none(), "{v}");

    let mut a = worked_example();
    a["patience_s"] = json!(60);
    a["max_abandon"] = json!(0.03);
    let (status, v) = erlang(&kit, a).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["p_abandon"].as_f64().unwrap() <= 0.03 && v["agents"].as_u64().unwrap() >= 12, "{v}");

    for (field, value, code) in [
        ("aht_s", json!(0), "validation_failed"),
        ("aht_s", json!(-180), "validation_failed"),
        ("target_service_level", json!(1.0), "validation_failed"),
        ("target_service_level", json!(0), "validation_failed"),
        ("shrinkage", json!(1), "validation_failed"),
        ("calls", json!("many"), "invalid_field"),
    ] {
        let mut b = worked_example();
        b[field] = value.clone();
        let (status, v) = erlang(&kit, b).await;
        assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(code)), "{field}={value}: {v}");
        if code == "validation_failed" {
            assert_eq!(v["error"]["fields"][0]["field"], field, "{v}");
        }
    }
    let mut b = worked_example();
    b["max_abandon"] = json!(0.05);
    assert_eq!(erlang(&kit, b).await.1["error"]["fields"][0]["field"], "max_abandon", "an abandonment cap needs patience");
    let (status, v) =
        erlang(&kit, json!({ "calls": 1e7, "interval_s": 60, "aht_s": 86400, "target_answer_s": 20, "target_service_level": 0.8 })).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("impossible_targets")), "{v}");
    assert_eq!(kit.call("POST", "/api/v1/staffing/erlang", kit.token(Role::Agent), Some(worked_example())).await.0, StatusCode::FORBIDDEN);
}

fn interval(start: &str, offered: i64) -> Value {
    json!({ "start": start, "length_s": 1800, "offered": offered, "answered": offered - 6, "abandoned": 6,
        "answered_within_target": offered * 3 / 4, "avg_handle_s": 200.0, "avg_wait_s": 15.0 })
}

#[tokio::test]
async fn call_statistics_are_idempotent_all_or_nothing_and_import_row_by_row() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let lead = kit.token(Role::StaffingLead);
    let path = format!("/api/v1/incidents/{id}/call-stats");
    let body = json!({ "intervals": [interval("2026-11-23T13:00:00Z", 100), interval("2026-11-23T13:30:00Z", 160)] });
    let (status, v) = kit.call("POST", &path, lead, Some(body.clone())).await;
    assert_eq!((status, v["recorded"].as_u64(), v["replaced"].as_u64()), (StatusCode::OK, Some(2), Some(0)), "{v}");
    let (_, v) = kit.call("POST", &path, lead, Some(body)).await;
    assert_eq!((v["recorded"].as_u64(), v["replaced"].as_u64()), (Some(0), Some(2)), "re-sending replaces: {v}");
    let (_, v) = kit.call("GET", &path, lead, None).await;
    let got = v["intervals"].as_array().unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["service_level"], 0.75);
    assert_eq!(got[1]["abandon_rate"], 6.0 / 160.0);

    // Backwards, overlapping or broken: a precise 422 and nothing written.
    let bad = json!([interval("2026-11-23T15:00:00Z", 100), interval("2026-11-23T14:30:00Z", 100)]);
    let (status, v) = kit.call("POST", &path, lead, Some(bad)).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("intervals[1].start")), "{v}");
    let mut broken = interval("2026-11-23T15:00:00Z", 100);
    broken["avg_handle_s"] = json!(0);
    let (status, v) = kit.call("POST", &path, lead, Some(json!([broken]))).await;
    assert_eq!(
        (status, v["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("intervals[0].avg_handle_s")),
        "{v}"
    );
    // Times and lengths that would overflow are refused by field, not a panic.
    let mut huge = interval("2026-11-23T15:00:00Z", 100);
    huge["length_s"] = json!(i64::MAX);
    let far = interval("9999-12-31T23:30:00-01:00", 100);
    let (status, v) = kit.call("POST", &path, lead, Some(json!([huge, far]))).await;
    let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["intervals[0].length_s", "intervals[1].start"]), "{v}");
    let overlap = json!([interval("2026-11-23T13:15:00Z", 100)]);
    assert_eq!(kit.call("POST", &path, lead, Some(overlap)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(kit.call("GET", &path, lead, None).await.1["intervals"].as_array().unwrap().len(), 2, "nothing written");

    // A Danish export: `;`, decimal commas, local time; broken rows reported by line.
    let csv = "start;length_s;offered;answered;abandoned;answered_within_target;avg_handle_s;avg_wait_s\n\
        2026-11-23 14:30;1800;180;170;10;120;195,5;22,1\n\
        2026-11-23 16:00;1800;-4;0;0;0;0;0\n\
        2026-11-23 15:00;1800;150;140;10;100;190;18\n";
    let import = format!("/api/v1/incidents/{id}/call-stats/import");
    let (status, raw, _) = kit.raw("POST", &import, lead, Some(csv.into()), &[("content-type", "text/csv")]).await;
    let v: Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["recorded"].as_u64(), v["replaced"].as_u64()),
        (Some(1), Some(1)),
        "14:30 in Copenhagen (13:30 UTC) replaces, 15:00 is new: {v}"
    );
    assert_eq!(v["rejected"][0]["line"], 3, "{v}");
    assert!(v["rejected"][0]["reason"].as_str().unwrap().contains("offered"), "{v}");
    let (status, raw, _) = kit.raw("POST", &import, lead, Some("start,offered\n".into()), &[("content-type", "text/csv")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", String::from_utf8_lossy(&raw));
    let (status, _, _) = kit.raw("POST", &import, lead, Some(csv.into()), &[("content-type", "application/json")]).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _, _) = kit.raw("POST", &import, kit.token(Role::Agent), Some(csv.into()), &[("content-type", "text/csv")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_plan_follows_the_calls_and_the_staffing_leads_decisions_are_logged() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let lead = kit.token(Role::StaffingLead);
    // Six hours of figures up to the current half hour: the plan starts with the next one.
    let now = domain::calls::interval_start(domain::time::now(), 1800);
    let at = |i: i64| (now - time::Duration::minutes(30 * (12 - i))).format(&time::format_description::well_known::Rfc3339).unwrap();
    let all: Vec<Value> = (0..12).map(|i| interval(&at(i), 120)).collect();
    assert_eq!(kit.call("POST", &format!("/api/v1/incidents/{id}/call-stats"), lead, Some(json!(all))).await.0, StatusCode::OK);

    let (status, o) = kit.call("GET", &format!("/api/v1/incidents/{id}/staffing"), lead, None).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    let plan = o["plan"].as_array().unwrap();
    assert_eq!(plan.len(), 16);
    assert_eq!(plan[0]["start"].as_str().unwrap(), at(12), "the plan starts after the last recorded interval");
    assert!((plan[0]["forecast_calls"].as_f64().unwrap() - 120.0).abs() < 1e-6, "a steady line: {}", plan[0]);
    assert_eq!(o["aht_s"], 200.0);
    assert_eq!(o["aht_from_calls"], true);
    let first = o["recommendations"][0]["text"].as_str().unwrap();
    assert!(first.starts_with("Der mangler "), "nobody is rostered yet: {first}");
    let (from, to) = (o["recommendations"][0]["from"].as_str().unwrap(), o["recommendations"][0]["to"].as_str().unwrap());
    assert_eq!((from, to), (at(12).as_str(), at(28).as_str()), "the whole eight hours");

    let settings = json!({ "interval_s": 1800, "aht_s": null, "target_answer_s": 30, "target_service_level": 0.9, "shrinkage": 0.25,
        "max_occupancy": 0.85, "patience_s": 120, "max_abandon": 0.04 });
    let (status, v) = kit.call("PUT", &format!("/api/v1/incidents/{id}/staffing/settings"), lead, Some(settings)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["target_service_level"], 0.9);
    let bad = json!({ "interval_s": 1700, "target_answer_s": 30, "target_service_level": 0.9, "shrinkage": 0.25, "max_occupancy": 0.85 });
    let (status, v) = kit.call("PUT", &format!("/api/v1/incidents/{id}/staffing/settings"), lead, Some(bad)).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("interval_s")), "{v}");

    let over = json!({ "start": at(14), "calls": 400 });
    assert_eq!(kit.call("PUT", &format!("/api/v1/incidents/{id}/staffing/overrides"), lead, Some(over)).await.0, StatusCode::OK);
    let off = json!({ "start": "2026-12-01T15:10:00Z", "calls": 400 });
    let (status, v) = kit.call("PUT", &format!("/api/v1/incidents/{id}/staffing/overrides"), lead, Some(off)).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("start")), "{v}");
    let (_, o) = kit.call("GET", &format!("/api/v1/incidents/{id}/staffing"), lead, None).await;
    let p2 = &o["plan"][2];
    assert_eq!((p2["forecast_calls"].as_f64(), p2["overridden"].as_bool()), (Some(400.0), Some(true)), "{p2}");
    assert!(p2["required_agents"].as_u64() > o["plan"][1]["required_agents"].as_u64());

    let (status, e) = kit.call("POST", &format!("/api/v1/incidents/{id}/staffing/log"), lead, None).await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    assert!(e["text"].as_str().unwrap().starts_with("Bemandingsanbefaling: Der mangler"), "{e}");
    let (_, log) = kit.call("GET", &format!("/api/v1/incidents/{id}/log"), lead, None).await;
    let staffing: Vec<&str> =
        log["entries"].as_array().unwrap().iter().filter(|e| e["category"] == "staffing").map(|e| e["text"].as_str().unwrap()).collect();
    assert!(staffing.iter().any(|t| t.contains("90 % besvaret inden for 30 s")), "{staffing:?}");
    assert!(staffing.iter().any(|t| t.contains("sat manuelt til 400 opkald")), "{staffing:?}");
    let (status, _) = kit
        .call(
            "PUT",
            &format!("/api/v1/incidents/{id}/staffing/overrides"),
            kit.token(Role::CrisisLeader),
            Some(json!({ "start": "2026-11-23T15:00:00Z", "calls": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the staffing lead decides");
}

/// A second shift contact, for another member municipality.
async fn contact(kit: &Kit, org: &str) -> String {
    let u = domain::user::NewUser {
        email: format!("vagter-{org}@test.invalid"),
        name: format!("Vagtkontakt {org}"),
        org: org.into(),
        role: Role::ShiftContact,
    }
    .validate("gule roser i vindueskarmen", |_| true)
    .unwrap();
    let user = kit.store.create_user(&u, "not-a-real-hash", "test", domain::time::now()).await.unwrap();
    let token = app::accounts::new_secret();
    kit.store
        .create_token(user.id, &web::auth::secret_hash(&token), domain::time::now(), domain::time::now() + time::Duration::days(1))
        .await
        .unwrap();
    token
}

#[tokio::test]
async fn shifts_are_shared_by_population_bid_for_awarded_fairly_and_exported() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    for code in ["0101", "0250", "0253"] {
        kit.store.set_member(code, true, "test", domain::time::now()).await.unwrap();
    }
    let lead = kit.token(Role::StaffingLead);
    let greve = kit.token(Role::ShiftContact); // 0253
    let frederikssund = contact(&kit, "0250").await;
    let base = format!("/api/v1/incidents/{id}/shifts");
    let plan = json!({ "shifts": [
        { "start": "2026-11-23T06:00:00Z", "end": "2026-11-23T14:00:00Z", "agents": 20 },
        { "start": "2026-11-23T14:00:00Z", "end": "2026-11-23T22:00:00Z", "agents": 10 } ], "base_share": 0.65 });
    let bad = json!({ "shifts": [{ "start": "2026-11-23T06:00:00Z", "end": "2026-11-23T05:00:00Z", "agents": 0 }], "base_share": 1.5 });
    let (status, v) = kit.call("POST", &format!("{base}/plan"), lead, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["base_share", "shifts[0].end", "shifts[0].agents"]);

    let (status, v) = kit.call("POST", &format!("{base}/plan"), lead, Some(plan.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let shifts = v["shifts"].as_array().unwrap();
    assert_eq!((shifts[0]["base"].as_u64(), shifts[0]["open"].as_u64()), (Some(13), Some(7)));
    assert_eq!((shifts[1]["base"].as_u64(), shifts[1]["open"].as_u64()), (Some(7), Some(3)), "6.5 rounds up");
    let base_of =
        |s: &Value, org: &str| s["members"].as_array().unwrap().iter().find(|m| m["org"] == org).map_or(0, |m| m["base"].as_u64().unwrap());
    let sum: u64 = ["0101", "0250", "0253"].iter().map(|o| base_of(&shifts[0], o)).sum();
    assert_eq!(sum, 13);
    assert!(base_of(&shifts[0], "0101") > base_of(&shifts[0], "0253"), "København is far larger: {}", shifts[0]);
    assert!(shifts.iter().all(|s| base_of(s, "0250") == 0), "Frederikssund, hit by the crisis, takes no base seats of it: {v}");
    let (first, second) = (shifts[0]["id"].as_str().unwrap().to_string(), shifts[1]["id"].as_str().unwrap().to_string());

    // Bids: never above what is offered; a shift contact sees only its own municipality.
    let bid = |shift: &str, agents: u32| json!({ "shift": shift, "agents": agents });
    let (status, v) = kit.call("POST", &format!("{base}/bids"), greve, Some(bid(&first, 8))).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("agents")), "{v}");
    assert_eq!(kit.call("POST", &format!("{base}/bids"), greve, Some(bid(&first, 5))).await.0, StatusCode::OK);
    assert_eq!(kit.call("POST", &format!("{base}/bids"), Some(&frederikssund), Some(bid(&first, 4))).await.0, StatusCode::OK);
    assert_eq!(kit.call("POST", &format!("{base}/bids"), Some(&frederikssund), Some(bid(&second, 3))).await.0, StatusCode::OK);
    let (_, own) = kit.call("GET", &base, greve, None).await;
    assert!(own["shifts"].as_array().unwrap().iter().all(|s| s["members"].as_array().unwrap().iter().all(|m| m["org"] == "0253")), "{own}");
    assert_eq!(kit.call("POST", &format!("{base}/bids"), lead, Some(bid(&first, 1))).await.0, StatusCode::FORBIDDEN, "only members bid");

    // Awards spread over the bidders; the plan cannot be replaced once members have bid.
    let (status, v) = kit.call("POST", &format!("{base}/award"), lead, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let awarded = |s: &Value, org: &str| {
        s["members"].as_array().unwrap().iter().find(|m| m["org"] == org).map_or(0, |m| m["awarded"].as_u64().unwrap())
    };
    let s = &v["shifts"];
    assert_eq!((awarded(&s[0], "0253"), awarded(&s[0], "0250"), awarded(&s[1], "0250")), (4, 3, 3), "{s}");
    let (status, refused) = kit.call("POST", &format!("{base}/plan"), lead, Some(plan)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");

    // Exports: iCalendar per municipality, CSV.
    let (status, raw, headers) = kit.raw("GET", &format!("{base}/0253.ics"), greve, None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[axum::http::header::CONTENT_TYPE].to_str().unwrap().starts_with("text/calendar"));
    let ics = String::from_utf8(raw).unwrap();
    let greve_shifts = v["shifts"].as_array().unwrap().iter().filter(|s| base_of(s, "0253") + awarded(s, "0253") > 0).count();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.matches("BEGIN:VEVENT").count() == greve_shifts, "{ics}");
    let first_base = base_of(&v["shifts"][0], "0253");
    assert!(
        ics.contains("DTSTART:20261123T060000Z") && ics.contains(&format!("SUMMARY:Kriseservice: {} agenter fra Greve", first_base + 4)),
        "{ics}"
    );
    assert_eq!(kit.raw("GET", &format!("{base}/0250.ics"), greve, None, &[]).await.0, StatusCode::FORBIDDEN, "another member's calendar");
    let (_, raw, _) = kit.raw("GET", &format!("/api/v1/incidents/{id}/shifts.csv"), lead, None, &[]).await;
    let csv = String::from_utf8(raw).unwrap();
    assert!(csv.starts_with("start,end,agents,base,open,municipality_code") && csv.contains(",0253,"), "{csv}");

    let (_, log) = kit.call("GET", &format!("/api/v1/incidents/{id}/log"), lead, None).await;
    let texts: Vec<&str> = log["entries"].as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.starts_with("Vagtplan lagt: 2 vagter med 30 agentvagter")), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.starts_with("Udbudte vagter tildelt: 10 agentvagter til 2 kommuner. Alle udbudte vagter er besat.")),
        "{texts:?}"
    );
}
