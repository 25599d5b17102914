//! The crisis room's forms and the create form as a person meets them: refused input comes back
//! on the same form, in Danish, with what was typed; the role form keeps its holders; every step
//! asks for a reason; closing publishes an all-clear for a day.

mod common;

use axum::http::StatusCode;
use common::{Kit, enc, post_signed as post, session};
use domain::Role;
use serde_json::json;

async fn page(kit: &Kit, path: &str, role: Role) -> String {
    let (s, body, _) = kit.raw("GET", path, kit.token(role), None, &[]).await;
    assert_eq!(s, StatusCode::OK, "{path}");
    String::from_utf8(body).unwrap()
}

/// A refused form as the page shows it: the status, a summary that is an alert, a field marked
/// invalid, and no English page.
fn assert_on_the_form(status: StatusCode, page: &str, want: StatusCode) {
    assert_eq!(status, want, "{}", &page[..page.len().min(600)]);
    assert!(page.contains("role=\"alert\"") && page.contains("Formularen er ikke gemt"), "a Danish summary: {page}");
    assert!(page.contains("<nav"), "the page keeps its navigation");
    assert!(!page.contains("Noget gik galt"), "not the separate error page");
}

async fn second_log_keeper(kit: &Kit) -> String {
    let email = "anden.logfoerer@test.invalid".to_string();
    let u = domain::user::NewUser { email: email.clone(), name: "Anden Logfører".into(), org: "DDH".into(), role: Role::LogKeeper }
        .validate(common::PASSWORD, |_| true)
        .unwrap();
    kit.store.create_user(&u, &app::accounts::hash_password(common::PASSWORD), "test", domain::time::now()).await.unwrap();
    email
}

#[tokio::test]
async fn the_role_form_shows_the_holders_lists_who_fits_and_keeps_the_primary() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let keeper = kit.emails[&Role::LogKeeper].clone();
    let other = second_log_keeper(&kit).await;
    let (s, v) = kit
        .call("PUT", &format!("/api/v1/incidents/{id}/roles/log_keeper"), kit.token(Role::CrisisLeader), Some(json!({ "primary": keeper })))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let room = page(&kit, &format!("/incidents/{id}"), Role::CrisisLeader).await;
    let form = room.split("id=\"primary-log_keeper\"").nth(1).unwrap().split("</select>").next().unwrap();
    assert!(form.contains(&format!("value=\"{keeper}\" selected")), "the current primary is chosen: {form}");
    assert!(form.contains(&other) && !form.contains(&kit.emails[&Role::CrisisLeader]), "only log keepers are offered: {form}");

    // Only the deputy is set (the form leaves the primary out): the primary stays.
    let leader = session(&kit, Role::CrisisLeader).await;
    let (s, _) = post(&kit, &format!("/incidents/{id}/roles"), &leader, &format!("role=log_keeper&deputy={}", enc(&other))).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/roles"), kit.token(Role::CrisisLeader), None).await;
    let lk = v["roles"].as_array().unwrap().iter().find(|r| r["role"] == "log_keeper").unwrap().clone();
    assert_eq!((lk["primary"]["email"].as_str(), lk["deputy"]["email"].as_str()), (Some(keeper.as_str()), Some(other.as_str())));
    let log = kit.call("GET", &format!("/api/v1/incidents/{id}/log"), kit.token(Role::CrisisLeader), None).await.1;
    assert!(!log.to_string().contains("primær ingen"), "the primary was not cleared: {log}");

    // A wrong choice is a Danish message on the form, the choice kept.
    let wrong = format!("role=log_keeper&primary={}&deputy={}", enc(&keeper), enc(&kit.emails[&Role::CrisisLeader]));
    let (s, room) = post(&kit, &format!("/incidents/{id}/roles"), &leader, &wrong).await;
    assert_on_the_form(s, &room, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(room.contains("kan ikke have denne rolle") && !room.contains("is a crisis_leader"), "{room}");
    assert!(
        room.contains("id=\"deputy-log_keeper\" name=\"deputy\" aria-invalid=\"true\" aria-describedby=\"deputy-log_keeper-error\""),
        "{room}"
    );
    assert!(room.contains("href=\"#deputy-log_keeper\""), "the summary links to the field");
}

#[tokio::test]
async fn every_step_asks_a_reason_and_ending_the_service_a_confirmation_that_names_the_crisis() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let leader = session(&kit, Role::CrisisLeader).await;
    let path = format!("/incidents/{id}/status");

    let room = page(&kit, &format!("/incidents/{id}"), Role::CrisisLeader).await;
    assert!(room.contains("class=\"primary\" type=\"submit\" data-status=\"active\""), "activating is the primary step: {room}");

    let (s, room) = post(&kit, &path, &leader, "status=active&note=").await;
    assert_on_the_form(s, &room, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(room.contains("skal udfyldes") && room.contains("id=\"note-active\""), "{room}");
    assert_eq!(post(&kit, &path, &leader, "status=active&note=Kommunen+har+bedt+om+det").await.0, StatusCode::SEE_OTHER);

    // Standing down is a danger button behind a disclosure, and needs the box that names the crisis.
    let room = page(&kit, &format!("/incidents/{id}"), Role::CrisisLeader).await;
    assert!(
        room.contains("<details class=\"danger-zone\">") && room.contains("class=\"danger\" type=\"submit\" data-status=\"standing_down\"")
    );
    assert!(room.contains("Jeg bekræfter, at »Strømafbrydelse i kommunen« skal afvikles."), "{room}");
    let (s, room) = post(&kit, &path, &leader, "status=standing_down&note=F%C3%A6rre+opkald").await;
    assert_on_the_form(s, &room, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(room.contains("sæt flueben for at bekræfte"), "{room}");
    assert!(
        room.contains("<details class=\"danger-zone\" open>") && room.contains(">Færre opkald</textarea>"),
        "typed text kept, form open"
    );
    assert_eq!(post(&kit, &path, &leader, "status=standing_down&note=F%C3%A6rre+opkald&confirm=yes").await.0, StatusCode::SEE_OTHER);

    // A step the state no longer allows (a second tab) is said on the form too.
    let (s, room) = post(&kit, &path, &leader, "status=active&note=igen&confirm=yes").await;
    assert_eq!(s, StatusCode::SEE_OTHER, "reactivating is allowed from standing down: {room}");
    let (s, room) = post(&kit, &path, &leader, "status=closed&note=x&confirm=yes&all_clear=x").await;
    assert_on_the_form(s, &room, StatusCode::CONFLICT);
    assert!(room.contains("Handlingen passer ikke med krisens nuværende tilstand"), "{room}");
}

#[tokio::test]
async fn closing_publishes_the_all_clear_for_a_day() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    kit.publish(&id, "Leverandøren arbejder på fejlen.").await;
    let leader = session(&kit, Role::CrisisLeader).await;
    let path = format!("/incidents/{id}/status");
    post(&kit, &path, &leader, "status=standing_down&note=F%C3%A6rre+opkald&confirm=yes").await;

    let (s, room) = post(&kit, &path, &leader, "status=closed&note=Telefonerne+virker&confirm=yes&all_clear=").await;
    assert_on_the_form(s, &room, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(room.contains("href=\"#all-clear\"") && room.contains("Afblæsning til borgerne"), "{room}");
    let said = "Krisen er ovre. Kommunens telefoner virker igen.";
    let (s, _) = post(&kit, &path, &leader, &format!("status=closed&note=Telefonerne+virker&confirm=yes&all_clear={}", enc(said))).await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    common::eventually("the all-clear on the public page", || async { page(&kit, "/krise/0250", Role::Agent).await.contains(said) }).await;
    let public = page(&kit, "/krise/0250", Role::Agent).await;
    assert!(public.contains("Krisen er ovre</span>"), "{public}");
    let index = page(&kit, "/krise", Role::Agent).await;
    assert!(index.contains("href=\"/krise/0250\"") && index.contains("Krisen er ovre"), "the list leads to the all-clear: {index}");
    let feed = String::from_utf8(kit.raw("GET", "/cap.atom", None, None, &[]).await.1).unwrap();
    assert!(feed.contains(&format!("<summary>{said}</summary>")), "{feed}");
    let log = kit.call("GET", &format!("/api/v1/incidents/{id}/log"), kit.token(Role::CrisisLeader), None).await.1;
    assert!(log.to_string().contains("Afblæsning offentliggjort"), "logged with the closing");

    // The closed room counts down to nothing.
    let room = page(&kit, &format!("/incidents/{id}"), Role::CrisisLeader).await;
    assert!(!room.contains("data-countdown") && room.contains("opdateres ikke mere"), "{room}");

    // A crisis closed more than a day ago is not shown.
    let old = kit.incident(&["0253"]).await;
    kit.activate(&old).await;
    kit.publish(&old, "Fejlen er fundet.").await;
    let lead = kit.store.user_by_email(&kit.emails[&Role::CrisisLeader]).await.unwrap().unwrap().0.actor();
    let then = domain::time::now() - time::Duration::hours(25);
    let close = domain::incident::Transition {
        all_clear: Some("Gammel afblæsning.".into()),
        ..domain::incident::Transition::new(domain::incident::Status::Closed, "Slut")
    };
    let down = domain::incident::Transition::new(domain::incident::Status::StandingDown, "Færre opkald");
    kit.store.change_status(old.parse().unwrap(), &down, &lead, then).await.unwrap();
    kit.store.change_status(old.parse().unwrap(), &close, &lead, then).await.unwrap();
    common::eventually("the old crisis to leave the page", || async {
        page(&kit, "/krise/0253", Role::Agent).await.contains("ingen aktiv krise")
    })
    .await;
    assert!(!page(&kit, "/krise/0253", Role::Agent).await.contains("Gammel afblæsning"));
    assert!(!page(&kit, "/krise", Role::Agent).await.contains("href=\"/krise/0253\""), "nor listed");
}

#[tokio::test]
async fn the_create_form_takes_names_and_says_what_it_does_not_know() {
    let kit = Kit::sqlite().await;
    let form = page(&kit, "/incidents/new", Role::CrisisLeader).await;
    assert!(form.contains("<datalist id=\"organisations\">") && form.contains("<option value=\"Frederikssund (0250)\">"), "{form}");
    assert!(!form.contains("Administration"), "the hint names no page the crisis leader cannot open");
    assert!(page(&kit, "/incidents", Role::CrisisLeader).await.contains("href=\"/incidents/new\""));

    let leader = session(&kit, Role::CrisisLeader).await;
    let (s, page_) =
        post(&kit, "/incidents", &leader, "title=Brand+p%C3%A5+r%C3%A5dhuset&kind=fire&affected=Frederikssand&affected=&channels=phone")
            .await;
    assert_on_the_form(s, &page_, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page_.contains("»Frederikssand« kendes ikke"), "{page_}");
    assert!(page_.contains("value=\"Brand på rådhuset\"") && page_.contains("value=\"Frederikssand\""), "what was typed is kept");
    assert!(page_.contains("href=\"#affected-0\""), "the summary links to the field");

    let (s, _) = post(
        &kit,
        "/incidents",
        &leader,
        "title=Brand+p%C3%A5+r%C3%A5dhuset&kind=fire&affected=Frederikssund&affected=0253&channels=phone",
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, v) = kit.call("GET", "/api/v1/incidents", kit.token(Role::CrisisLeader), None).await;
    assert_eq!(v["incidents"][0]["affected"], json!(["0250", "0253"]), "the name became its code");
}

#[tokio::test]
async fn guide_publish_problems_are_danish_on_the_form() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let lead = session(&kit, Role::ProcessLead).await;
    let (s, page_) = post(
        &kit,
        &format!("/incidents/{id}/guide"),
        &lead,
        "then=publish&banner=&contacts%5B0%5D.name=Politi&contacts%5B0%5D.phone=12\
             &situations%5B0%5D.situation=Borgeren+sp%C3%B8rger&situations%5B0%5D.action=Giv+status\
             &situations%5B0%5D.citizen_text=F%C3%B8lg+forsyningens+r%C3%A5d+om+drikkevand.&situations%5B0%5D.question=",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!page_.contains("forklaringen er på engelsk") && !page_.contains("is required before publishing"), "{page_}");
    assert!(page_.contains("skal udfyldes") && page_.contains("er ikke et dansk telefonnummer"), "{page_}");
    // The template's placeholder and the missing citizen question, in Danish too.
    assert!(page_.contains("er skabelonens pladsholder") && page_.contains("skriv det spørgsmål, teksten svarer på"), "{page_}");
    assert!(
        page_.contains(
            "id=\"g-banner\" name=\"banner\" value=\"\" maxlength=\"160\" aria-invalid=\"true\" aria-describedby=\"g-banner-error\""
        ),
        "{page_}"
    );
}

#[tokio::test]
async fn the_shift_plan_is_a_form_with_rows_and_a_wrong_row_is_named_on_it() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    kit.store.set_member("0253", true, "test", domain::time::now()).await.unwrap();
    let staffing = session(&kit, Role::StaffingLead).await;
    let (_, page_, _) = kit.raw("GET", &format!("/incidents/{id}/shifts"), kit.token(Role::StaffingLead), None, &[]).await;
    let page_ = String::from_utf8(page_).unwrap();
    assert!(page_.contains("name=\"shifts[0].start\" type=\"datetime-local\"") && !page_.contains("<textarea"), "rows, not lines");
    let row = |n: usize, start: &str, end: &str, agents: &str| {
        format!("&shifts%5B{n}%5D.start={}&shifts%5B{n}%5D.end={}&shifts%5B{n}%5D.agents={agents}", enc(start), enc(end))
    };
    // Row 2 is left blank and skipped; row 3 ends before it starts; row 4 has no number of agents.
    let body = format!(
        "base_share=65{}{}{}{}",
        row(0, "2026-11-23T06:00", "2026-11-23T14:00", "20"),
        row(1, "", "", ""),
        row(2, "2026-11-23T14:00", "2026-11-23T13:00", "10"),
        row(3, "2026-11-23T22:00", "2026-11-24T06:00", "tyve")
    );
    let (s, page_) = post(&kit, &format!("/incidents/{id}/shifts/plan"), &staffing, &body).await;
    assert_on_the_form(s, &page_, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page_.contains("href=\"#p-shift-3-agents\"") && page_.contains("Vagt 4"), "the row without agents: {page_}");
    assert!(page_.contains("value=\"tyve\"") && page_.contains("value=\"2026-11-23T22:00\""), "what was typed is kept");
    let body = format!(
        "base_share=65{}{}{}",
        row(0, "2026-11-23T06:00", "2026-11-23T14:00", "20"),
        row(1, "", "", ""),
        row(2, "2026-11-23T14:00", "2026-11-23T13:00", "10")
    );
    let (s, page_) = post(&kit, &format!("/incidents/{id}/shifts/plan"), &staffing, &body).await;
    assert_on_the_form(s, &page_, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page_.contains("href=\"#p-shift-2-end\"") && page_.contains("Vagt 3"),
        "the plan's rule names the form's row, not the plan's: {page_}"
    );

    let body = format!(
        "base_share=65{}{}",
        row(0, "2026-11-23T06:00", "2026-11-23T14:00", "20"),
        row(1, "2026-11-23T14:00", "2026-11-23T22:00", "10")
    );
    let (s, _) = post(&kit, &format!("/incidents/{id}/shifts/plan"), &staffing, &body).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/shifts"), kit.token(Role::StaffingLead), None).await;
    assert_eq!(v["shifts"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["shifts"][0]["start"], "2026-11-23T05:00:00Z", "the rows are Copenhagen time");
    let (_, page_, _) = kit.raw("GET", &format!("/incidents/{id}/shifts"), kit.token(Role::StaffingLead), None, &[]).await;
    let page_ = String::from_utf8(page_).unwrap();
    assert!(
        page_.contains("id=\"p-shift-1-end\" name=\"shifts[1].end\" type=\"datetime-local\" value=\"2026-11-23T22:00\""),
        "the form shows the plan as laid: {page_}"
    );

    // The lines that the form took before still work, and a wrong one is named.
    let lines = "2026-11-23 06:00;2026-11-23 14:00;20\n23-11-2026 14;22;10";
    let (s, page_) = post(&kit, &format!("/incidents/{id}/shifts/plan"), &staffing, &format!("shifts={}&base_share=65", enc(lines))).await;
    assert_on_the_form(s, &page_, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page_.contains("Vagt 2") && page_.contains("skriv start;slut;agenter"), "{page_}");
}

#[tokio::test]
async fn publishing_ticks_the_guide_item_and_corrections_are_marked() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    kit.publish(&id, "Leverandøren arbejder på fejlen.").await;
    let (_, v) = kit.call("GET", &format!("/api/v1/incidents/{id}/checklist"), kit.token(Role::CrisisLeader), None).await;
    let item = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().unwrap().starts_with("Udfyld beredskabsguiden"))
        .unwrap()
        .clone();
    assert!(item["done_at"].is_string(), "{item}");
    let log = kit.call("GET", &format!("/api/v1/incidents/{id}/log"), kit.token(Role::CrisisLeader), None).await.1;
    assert!(log.to_string().contains("Tjekpunkt udført: Udfyld beredskabsguiden"), "logged as any tick");

    let keeper = session(&kit, Role::LogKeeper).await;
    let (s, room) = post(&kit, &format!("/incidents/{id}/log"), &keeper, "category=information&text=Rettelse&corrects=x9").await;
    assert_on_the_form(s, &room, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(room.contains(">Rettelse</textarea>") && room.contains("skriv nummeret på den post"), "{room}");
    assert_eq!(
        post(&kit, &format!("/incidents/{id}/log"), &keeper, "category=information&text=Rettelse&corrects=2").await.0,
        StatusCode::SEE_OTHER
    );
    let seq = kit.call("GET", &format!("/api/v1/incidents/{id}/log"), kit.token(Role::CrisisLeader), None).await.1["entries"]
        .as_array()
        .unwrap()
        .len();
    let room = page(&kit, &format!("/incidents/{id}"), Role::CrisisLeader).await;
    let corrected = room.split("id=\"log-2\"").nth(1).unwrap().split("</li>").next().unwrap();
    assert!(corrected.contains(&format!("rettet af #{seq}")), "{corrected}");
}

#[tokio::test]
async fn cards_are_offered_by_kind_and_can_be_detached() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let room = page(&kit, &format!("/incidents/{id}"), Role::CrisisLeader).await;
    let picker = room.split("id=\"card\"").nth(1).unwrap().split("</select>").next().unwrap();
    assert!(picker.contains("Strømafbrydelse – mobilmaster"), "this kind's card: {picker}");
    assert!(!picker.contains("Fjernvarmen er afbrudt"), "another kind's card is not offered: {picker}");

    let cards = kit.store.action_cards().await.unwrap();
    let (card, _) = cards.iter().find(|(_, c)| c.kind == domain::incident::IncidentKind::PowerCut).unwrap();
    let leader = session(&kit, Role::CrisisLeader).await;
    assert_eq!(post(&kit, &format!("/incidents/{id}/cards"), &leader, &format!("card_id={card}")).await.0, StatusCode::SEE_OTHER);
    assert_eq!(post(&kit, &format!("/incidents/{id}/cards/{card}/detach"), &leader, "").await.0, StatusCode::SEE_OTHER);
    assert!(kit.store.incident_cards(id.parse().unwrap()).await.unwrap().is_empty());
    let (s, room) = post(&kit, &format!("/incidents/{id}/cards/{card}/detach"), &leader, "").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{room}");
}
