//! The collaboration's table-top exercise at 60× from start to end, with the clock job running:
//! every inject on time (within one tick) to the right people and nobody else, the synthetic
//! calls in the staffing plan, the chatbot's questions among the inquiries, and nothing of it on
//! the public pages, in the feed or in a real incident's figures. Takes about six minutes.

mod common;

use axum::http::StatusCode;
use common::Kit;
use domain::Role;
use domain::callout::{ContactChannel, ContactMethod};
use domain::exercise::{At, Scenario, builtin};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The clock job's tick, and what the scheduler and a loaded test machine may add to it.
const TICK_S: f64 = 1.0;
const SLACK_S: f64 = 0.5;

struct Person {
    /// Its address on each channel.
    addresses: HashMap<ContactChannel, String>,
}

async fn reachable(kit: &Kit, id: Uuid, n: u32, t0: OffsetDateTime) -> Person {
    let mut addresses = HashMap::new();
    for (channel, address) in [
        (ContactChannel::Email, format!("person{n}@test.invalid")),
        (ContactChannel::Sms, format!("+452000{n:04}")),
        (ContactChannel::Teams, format!("team-{n}")),
    ] {
        let m = ContactMethod { channel, address: address.clone(), verified_at: Some(t0 - Duration::days(1)) };
        kit.store.add_contact_method(id, &m, t0).await.unwrap();
        addresses.insert(channel, address);
    }
    Person { addresses }
}

async fn new_user(kit: &Kit, email: &str, role: Role, org: &str) -> Uuid {
    let u = domain::user::NewUser { email: email.into(), name: format!("Spiller {org}"), org: org.into(), role }
        .validate(common::PASSWORD, |_| true)
        .unwrap();
    kit.store.create_user(&u, "not-a-real-hash", "test", domain::time::now()).await.unwrap().id
}

async fn id_of(kit: &Kit, role: Role) -> Uuid {
    kit.store.user_by_email(&kit.emails[&role]).await.unwrap().unwrap().0.id
}

fn parse_time(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(v.as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_top_runs_at_60x_from_start_to_end() {
    let kit = Kit::sqlite_with_jobs().await;
    let t0 = domain::time::now();
    let sec = kit.token(Role::Secretariat);
    let scenario: Scenario = builtin::get(builtin::TABLE_TOP, &domain::org::reference()).unwrap();

    // The crisis staff on the roster, each reachable on every channel; players from two of the
    // authorities and the agents; one of Aalborg's editors who does not take part.
    let mut people: HashMap<String, Person> = HashMap::new();
    for (n, role) in [Role::CrisisLeader, Role::LogKeeper, Role::ProcessLead, Role::StaffingLead].into_iter().enumerate() {
        let id = id_of(&kit, role).await;
        let staff: domain::role::StaffRole = role.as_str().parse().unwrap();
        kit.store.set_roster(staff, Some(id), None, "test", t0).await.unwrap();
        people.insert(staff.as_str().to_string(), reachable(&kit, id, n as u32 + 1, t0).await);
    }
    people.insert("agents".into(), reachable(&kit, id_of(&kit, Role::Agent).await, 10, t0).await);
    for (n, code) in [(11, "0851"), (12, "0860")] {
        let id = new_user(&kit, &format!("redaktor-{code}@test.invalid"), Role::AuthorityEditor, code).await;
        people.insert(format!("authority:{code}"), reachable(&kit, id, n, t0).await);
    }
    let outsider = new_user(&kit, "udenfor@test.invalid", Role::AuthorityEditor, "0851").await;
    let outsider = reachable(&kit, outsider, 99, t0).await;

    // A real crisis in Aalborg at the same time, whose figures the exercise must not touch.
    let real = kit.incident(&["0851"]).await;
    kit.activate(&real).await;

    // Run, name the players, activate and publish the guide template, as the players would.
    let (s, v) = kit.call("POST", "/api/v1/scenarios/energinet-cyberangreb/run", sec, Some(json!({ "speed": 60 }))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["incident"].as_str().unwrap().to_string();
    let path = format!("/api/v1/incidents/{id}/exercise");
    for email in [kit.emails[&Role::Agent].clone(), "redaktor-0851@test.invalid".into(), "redaktor-0860@test.invalid".into()] {
        let (s, v) = kit.call("PUT", &format!("{path}/parts"), sec, Some(json!({ "email": email, "part": "player" }))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    kit.activate(&id).await;
    let guide = format!("/api/v1/incidents/{id}/guide");
    let lead = kit.token(Role::ProcessLead);
    let mut draft = kit.call("GET", &format!("{guide}/draft"), lead, None).await.1["draft"].clone();
    draft["started_at"] = json!(domain::time::rfc3339(t0));
    draft["next_update_at"] = json!(domain::time::rfc3339(t0 + Duration::hours(8)));
    let (s, v) = kit.call("PUT", &guide, lead, Some(draft)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = kit.call("POST", &format!("{guide}/publish"), lead, None).await;
    assert_eq!(s, StatusCode::CREATED, "the template publishes as it is: {v}");
    let staffing = format!("/api/v1/incidents/{id}/staffing");
    let before = kit.call("GET", &staffing, kit.token(Role::StaffingLead), None).await.1;

    // Play, and deliver the manual injects by hand along the way.
    let played = domain::time::now();
    let (s, v) = kit.call("POST", &format!("{path}/clock"), sec, Some(json!({ "action": "play" }))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let manual: Vec<u32> = scenario.injects.iter().filter(|i| i.at == At::Manual).map(|i| i.number).collect();
    let mut by_hand = manual.iter();
    let started = std::time::Instant::now();
    let last = loop {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let (_, v) = kit.call("GET", &path, sec, None).await;
        let t = v["clock"]["scenario_time_s"].as_i64().unwrap();
        if t > 3600
            && t % 3600 < 120
            && let Some(n) = by_hand.next()
        {
            let (s, v) = kit.call("POST", &format!("{path}/injects/{n}/deliver"), sec, None).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        if v["finished"] == json!(true) && by_hand.len() == 0 {
            break v;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(8 * 60), "the exercise did not finish in 8 minutes: {v}");
    };
    for n in by_hand {
        kit.call("POST", &format!("{path}/injects/{n}/deliver"), sec, None).await;
    }

    // Every timed inject within one tick of its time.
    let mut worst: f64 = 0.0;
    for i in last["injects"].as_array().unwrap() {
        assert!(!i["delivered_at"].is_null(), "inject {} was not delivered: {i}", i["number"]);
        if let Some(at_s) = i["at_s"].as_i64() {
            let due = played + Duration::milliseconds(at_s * 1000 / 60);
            let late = (parse_time(&i["delivered_at"]) - due).as_seconds_f64();
            assert!((-SLACK_S..=TICK_S + SLACK_S).contains(&late), "inject {} went {late:.2} s after its time", i["number"]);
            worst = worst.max(late);
        }
    }
    println!("latest inject: {worst:.3} s after its time (tick {TICK_S} s)");

    // To the right people on the inject's channel, and nobody outside the exercise.
    let mut sent: HashMap<String, BTreeSet<String>> = HashMap::new();
    let callback_mailbox = scenario.guide.callback_email.clone();
    let channels = [ContactChannel::Email, ContactChannel::Sms, ContactChannel::Teams];
    let now = domain::time::now();
    while let Some(m) = kit.store.claim_message(&channels, now, now + Duration::minutes(5)).await.unwrap() {
        assert!(!outsider.addresses.values().any(|a| *a == m.address), "{} is outside the exercise: {}", m.address, m.subject);
        assert_ne!(m.address, callback_mailbox, "a synthetic callback request mails nobody");
        if !m.subject.starts_with("ØVELSE") {
            // The real crisis called its staff out on activation.
            assert!(m.subject.contains("Strømafbrydelse i kommunen"), "unmarked: {} {}", m.subject, m.body);
            continue;
        }
        assert!(m.body.starts_with("ØVELSE"), "unmarked: {} {}", m.subject, m.body);
        sent.entry(m.subject.clone()).or_default().insert(m.address.clone());
    }
    let incident: Uuid = id.parse().unwrap();
    for i in &scenario.injects {
        let Some(channel) = domain::exercise::run::contact_channel(i.channel) else { continue };
        let subject = domain::exercise::run::inject_message(incident, i, channel, "").subject;
        let want: BTreeSet<String> = [people[&i.to.to_string()].addresses[&channel].clone()].into();
        assert_eq!(sent.get(&subject), Some(&want), "inject {} to {}", i.number, i.to);
    }
    let log = kit.call("GET", &format!("/api/v1/incidents/{id}/log"), sec, None).await.1;
    let logged = log["entries"].as_array().unwrap().iter().filter(|e| e["text"].as_str().unwrap().starts_with("ØVELSE: inject")).count();
    assert!(logged >= scenario.injects.len(), "every delivery is logged: {logged}");

    // The synthetic calls, per half hour along the curve, moved the staffing plan.
    let stats_path = format!("/api/v1/incidents/{id}/call-stats");
    common::eventually("the last half hour's calls", || async {
        kit.call("GET", &stats_path, sec, None).await.1["intervals"].as_array().is_some_and(|i| i.len() == 12)
    })
    .await;
    let stats = kit.call("GET", &stats_path, sec, None).await.1;
    let intervals = stats["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 12, "six hours of half hours");
    let offered: i64 = intervals.iter().map(|i| i["offered"].as_i64().unwrap()).sum();
    assert_eq!(offered, scenario.load.calls.iter().map(|c| i64::from(*c)).sum::<i64>());
    assert!(intervals.iter().any(|i| i["abandoned"].as_i64().unwrap() > 0), "a base crew loses callers at the peaks");
    let after = kit.call("GET", &staffing, kit.token(Role::StaffingLead), None).await.1;
    let required = |v: &Value| v["plan"].as_array().unwrap().iter().map(|r| r["required_agents"].as_u64().unwrap()).max().unwrap_or(0);
    assert!(required(&after) > required(&before), "before {} after {}", required(&before), required(&after));
    assert!(!after["recommendations"].as_array().unwrap().is_empty(), "{after}");

    // The chatbot's questions are among the inquiries; those it handed over are grouped to adopt.
    let summary = kit.call("GET", &format!("/api/v1/incidents/{id}/inquiries/summary"), sec, None).await.1;
    let agents_wrote = scenario.load.inquiries_per_hour as u64 * 6;
    assert!(summary["total"].as_u64().unwrap() > agents_wrote, "{summary}");
    let handovers = kit.call("GET", &format!("/api/v1/incidents/{id}/inquiries/handovers"), kit.token(Role::ProcessLead), None).await.1;
    assert!(!handovers["groups"].as_array().unwrap().is_empty(), "{handovers}");

    // Nothing on the public pages, in the feed, or in the real crisis's figures.
    for p in ["/krise", "/krise/0851", "/cap.atom"] {
        let page = String::from_utf8(kit.raw("GET", p, None, None, &[]).await.1).unwrap();
        assert!(!page.contains("ØVELSE") && !page.contains(&id), "{p}");
    }
    let real_stats = kit.call("GET", &format!("/api/v1/incidents/{real}/call-stats"), sec, None).await.1;
    assert!(real_stats["intervals"].as_array().unwrap().is_empty(), "{real_stats}");
    let real_summary = kit.call("GET", &format!("/api/v1/incidents/{real}/inquiries/summary"), sec, None).await.1;
    assert_eq!(real_summary["total"], json!(0), "{real_summary}");
    let (real, system) = (real.parse().unwrap(), domain::Actor::system());
    assert!(kit.store.callbacks(real, &system, "view", now).await.unwrap().is_empty());
    assert!(kit.store.inquiries(real).await.unwrap().is_empty());
    let synthetic = kit.store.callbacks(incident, &system, "view", now).await.unwrap();
    assert_eq!(synthetic.len() as u64, scenario.load.callbacks_per_hour as u64 * 6, "the callback requests at their rate");
}
