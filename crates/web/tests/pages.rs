//! Walks every page and every form as every role (with a real session and its CSRF token) and as
//! nobody: the permission table decides, and no form is accepted without its token.

mod common;

use axum::http::{StatusCode, header};
use common::{Kit, post_form, session};
use domain::permission::allows;
use domain::{Permission, Role};

const PAGES: &[(&str, Permission)] = &[
    ("/incidents", Permission::ViewIncidents),
    // Without the log, the room is the agent-facing summary (see `SUMMARY`).
    ("/incidents/{id}", Permission::ReadLog),
    ("/incidents/{id}/log/print", Permission::ReadLog),
    ("/agent", Permission::ViewIncidents),
    ("/agent/{id}", Permission::ViewIncidents),
    ("/agent/banners", Permission::ViewIncidents),
    ("/agent/search?q=pas&municipality=0250", Permission::SearchGuides),
    ("/agent/guides/0250/pas", Permission::SearchGuides),
    ("/incidents/{id}/guide", Permission::EditGuide),
    ("/incidents/{id}/feedback", Permission::HandleFeedback),
    ("/incidents/{id}/inquiries", Permission::ViewInquiries),
    ("/incidents/{id}/callbacks", Permission::ViewCallbacks),
    ("/incidents/{id}/staffing", Permission::ViewStaffing),
    ("/incidents/{id}/shifts", Permission::ViewShifts),
    ("/incidents/{id}/report", Permission::ViewReport),
    ("/incidents/{id}/afregning", Permission::ViewStatements),
    ("/takster", Permission::ViewTariffs),
    ("/admin/evaluering", Permission::KeepEvaluationTemplates),
    ("/admin/organisations", Permission::ManageOrganisations),
    ("/admin/users", Permission::ManageUsers),
    ("/admin/roster", Permission::ManageRoster),
    ("/admin/templates", Permission::ManageTemplates),
    ("/admin/security", Permission::ManageUsers),
    ("/account/totp", Permission::UseSecondFactor),
    ("/kontaktlister", Permission::ReadContactLists),
    // The authority editor's own organisation: it reads that list.
    ("/kontaktlister/0250", Permission::ReadContactLists),
    ("/kontaktlister/0250/udskrift", Permission::ReadContactLists),
    ("/kontaktlister/udskrift", Permission::ReadContactLists),
    ("/kontaktlister/0250/kontakter/{contact}", Permission::KeepContactLists),
];

/// The crisis room sends those who may not read the official log to the crisis's agent-facing page.
const SUMMARY: (&str, &str) = ("/incidents/{id}", "/agent/{id}");

/// Form posts, their permission and a body that is valid for those allowed.
const FORMS: &[(&str, Permission, &str)] = &[
    ("/incidents", Permission::CreateIncident, "title=Oversv%C3%B8mmelse&kind=flood&affected=0250&channels=phone&channels=chat"),
    ("/incidents/{id}/status", Permission::ChangeStatus, "status=standing_down&note=Opkaldene+er+faldet&confirm=yes"),
    ("/incidents/{id}/roles", Permission::AssignRoles, "role=log_keeper&primary=&deputy="),
    ("/incidents/{id}/log", Permission::AppendLog, "category=information&text=Statusm%C3%B8de&corrects="),
    ("/incidents/{id}/report/notes", Permission::WriteReport, "strengths=Hurtig+aktivering&improvements=IVR"),
    ("/incidents/{id}/report/actions", Permission::WriteReport, "text=%C3%98v+IVR&owner=Frederikssund+Kommune&due=2027-02-01"),
    ("/incidents/{id}/afregning/udsted", Permission::IssueStatements, ""),
    ("/admin/evaluering/maal", Permission::SetKpiTargets, "service_level=85&callback_agreed_min=60"),
    (
        "/admin/evaluering/skema",
        Permission::KeepEvaluationTemplates,
        "audience=agents&title=Evaluering+for+agenter&q0.kind=likert&q0.text=I+hvor+h%C3%B8j+grad+var+guiden+opdateret%3F",
    ),
    ("/incidents/{id}/checklist/{item}", Permission::CompleteChecklistItem, "done=true"),
    ("/incidents/{id}/cards", Permission::AttachActionCard, "card_id={card}"),
    ("/agent/{id}/inquiries", Permission::RecordInquiry, "version=1&situation=0&text=&municipality=0250"),
    ("/agent/{id}/feedback", Permission::SendFeedback, "version=1&section=contacts&category=other&text=Nummeret+mangler"),
    ("/agent/{id}/callbacks", Permission::RecordInquiry, "name=Bo+Borger&phone=20304050&email=&reason=Ring+venligst&municipality=0250"),
    ("/incidents/{id}/feedback/{feedback}", Permission::HandleFeedback, "state=acknowledged"),
    (
        "/incidents/{id}/guide",
        Permission::EditGuide,
        "then=save&banner=Ny+banner&situations%5B0%5D.situation=Sp%C3%B8rger&situations%5B0%5D.action=Svar",
    ),
    (
        "/incidents/{id}/staffing/settings",
        Permission::PlanStaffing,
        "target_service_level=80&target_answer_s=20&max_occupancy=85&shrinkage=30&interval_s=1800&aht_s=&patience_s=&max_abandon=",
    ),
    ("/incidents/{id}/staffing/override", Permission::PlanStaffing, "start=2026-11-23T15%3A00&calls=120"),
    (
        "/incidents/{id}/staffing/import",
        Permission::RecordCallStats,
        "csv=start%3Blength_s%3Boffered%3Banswered%3Babandoned%3Banswered_within_target%3Bavg_handle_s%3Bavg_wait_s%0A2026-11-23+14%3A00%3B1800%3B100%3B90%3B10%3B70%3B180%3B12",
    ),
    ("/incidents/{id}/staffing/log", Permission::PlanStaffing, ""),
    ("/incidents/{id}/shifts/plan", Permission::PlanStaffing, "shifts=2026-11-23+06%3A00%3B2026-11-23+14%3A00%3B20&base_share=65"),
    ("/incidents/{id}/shifts/bid", Permission::BidForShifts, "shift={shift}&agents=1"),
    ("/incidents/{id}/shifts/award", Permission::PlanStaffing, ""),
    ("/admin/organisations/0250", Permission::ManageOrganisations, "member=true"),
    ("/admin/users", Permission::ManageUsers, "name=Ny+Agent&email={email}&role=agent&org=0253&password=gule+roser+i+vindueskarmen"),
    ("/admin/users/{user}/active", Permission::ManageUsers, "active=true"),
    ("/admin/roster", Permission::ManageRoster, "role=log_keeper&primary=&deputy="),
    // Requires a second factor of no role (the walk's sessions have none); `tests/passwords.rs` requires one.
    ("/admin/security", Permission::ManageUsers, ""),
    ("/account/totp", Permission::UseSecondFactor, ""),
    ("/admin/templates/checklist", Permission::ManageTemplates, "side=authority&title=Nyt+punkt&responsible=authority_editor"),
    (
        "/admin/templates/cards",
        Permission::ManageTemplates,
        "kind=fire&title=Brand&problem=p&solution=s&communication=c&responsible=process_lead&steps=Trin+1",
    ),
    ("/kontaktlister/0250", Permission::KeepContactLists, "kind=authority_crisis&name=Mette+Holm&function=&phone=33445566&email=&note="),
    (
        "/kontaktlister/0250/kontakter/{contact}",
        Permission::KeepContactLists,
        "kind=knowledge_base&name=Vidensbasen&phone=&email=viden%40ddh.invalid",
    ),
    ("/kontaktlister/0250/kontakter/{contact}/tjekket", Permission::KeepContactLists, ""),
    // Last: it removes the entry the forms above work on.
    ("/kontaktlister/0250/kontakter/{contact}/slet", Permission::KeepContactLists, ""),
];

#[tokio::test]
async fn every_page_and_form_as_every_role_follows_the_permission_table() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    kit.publish(&id, "Leverandøren arbejder på fejlen.").await;
    let feedback = domain::feedback::NewFeedback {
        version: 1,
        section: domain::feedback::GuideSection::Contacts,
        category: domain::feedback::FeedbackCategory::ContactDetails,
        text: "Nummeret er forkert".into(),
    };
    let agent = kit.store.user_by_email(&kit.emails[&Role::Agent]).await.unwrap().unwrap().0.actor();
    let feedback = kit.store.create_feedback(id.parse().unwrap(), feedback, &agent, domain::time::now()).await.unwrap().id;
    let item = kit.store.checklist(id.parse().unwrap()).await.unwrap().into_iter().find(|i| i.org.as_deref() == Some("0250")).unwrap().id;
    let card = kit.store.action_cards().await.unwrap()[0].0;
    let user = kit.store.user_by_email(&kit.emails[&Role::Agent]).await.unwrap().unwrap().0.id;
    let pas = domain::everyday::EverydayGuide::from_file("0250", "pas.md", "# Pas\n\nBestil tid.").unwrap();
    kit.store.import_everyday("0250", vec![pas], domain::time::now()).await.unwrap();
    for code in ["0253", "0250"] {
        kit.store.set_member(code, true, "test", domain::time::now()).await.unwrap();
    }
    let contact = domain::contact_list::NewEntry {
        kind: domain::contact_list::EntryKind::AuthorityCrisis,
        name: "Jens Vagt".into(),
        function: String::new(),
        phone: "1813".into(),
        email: String::new(),
        note: String::new(),
    };
    let contact = kit.store.add_contact_entry("0250", &contact, "test", domain::time::now()).await.unwrap().id.to_string();
    let plan = serde_json::json!({ "shifts": [{ "start": "2026-11-23T05:00:00Z", "end": "2026-11-23T13:00:00Z", "agents": 10 }] });
    let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{id}/shifts/plan"), kit.token(Role::StaffingLead), Some(plan)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    for (path, action) in PAGES {
        let path = path.replace("{id}", &id).replace("{contact}", &contact);
        let (s, _, h) = kit.raw("GET", &path, None, None, &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "anonymous {path}");
        assert!(h[header::LOCATION].to_str().unwrap().starts_with("/login"));
        let summary = path == SUMMARY.0.replace("{id}", &id);
        for role in Role::ALL {
            let (s, body, h) = kit.raw("GET", &path, kit.token(*role), None, &[]).await;
            let expected = match (allows(*role, *action), summary) {
                (true, _) => StatusCode::OK,
                (false, true) => StatusCode::SEE_OTHER,
                (false, false) => StatusCode::FORBIDDEN,
            };
            assert_eq!(s, expected, "{role} GET {path}: {}", String::from_utf8_lossy(&body).chars().take(300).collect::<String>());
            if s == StatusCode::SEE_OTHER {
                assert_eq!(h[header::LOCATION], SUMMARY.1.replace("{id}", &id).as_str(), "{role} GET {path}");
            }
        }
    }

    for role in Role::ALL {
        let session = session(&kit, *role).await;
        for (n, (path, action, body)) in FORMS.iter().enumerate() {
            let path = path
                .replace("{id}", &id)
                .replace("{item}", &item.to_string())
                .replace("{user}", &user.to_string())
                .replace("{feedback}", &feedback.to_string())
                .replace("{contact}", &contact);
            // The shift plan may have been laid again by an earlier form: bid on the current one.
            let shift = kit.store.shifts(id.parse().unwrap()).await.unwrap().first().map(|s| s.id.to_string()).unwrap_or_default();
            let body = body
                .replace("{shift}", &shift)
                .replace("{card}", &card.to_string())
                .replace("{email}", &format!("ny-{role}-{n}@test.invalid"));

            let (s, _) = post_form(&kit, &path, &session, body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role} POST {path} without the form token");
            let (s, _) = post_form(&kit, &path, &session, format!("{body}&_csrf=wrong")).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role} POST {path} with a wrong form token");

            let (s, page) = post_form(&kit, &path, &session, format!("{body}&_csrf={}", session.csrf)).await;
            if allows(*role, *action) {
                // Allowed: done, or refused by the incident's state (a transition already made, an item already ticked);
                // the guide's form shows itself again with what was saved.
                let shown_again = (path.ends_with("/guide") && s == StatusCode::OK && page.contains("Kladden er gemt"))
                    || (path.ends_with("/staffing/import") && s == StatusCode::OK && page.contains("Indlæst"));
                assert!(
                    s == StatusCode::SEE_OTHER || s == StatusCode::CONFLICT || shown_again,
                    "{role} POST {path}: {s} {}",
                    page.chars().take(400).collect::<String>()
                );
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "{role} POST {path} should be denied");
            }
        }
    }
}

#[tokio::test]
async fn a_malformed_id_in_a_page_is_a_danish_404_page() {
    let kit = Kit::sqlite().await;
    let (s, body, _) = kit.raw("GET", "/incidents/not-an-id", kit.token(Role::Agent), None, &[]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("<html lang=\"da\"") && body.contains("findes ikke"), "{body}");
}

/// Logging in on the form without a page to return to: an agent lands in the agent console, the
/// crisis staff in the crises; a page asked for wins.
#[tokio::test]
async fn after_login_each_role_lands_where_its_work_is() {
    let kit = Kit::sqlite().await;
    let (_, _, h) = kit.raw("GET", "/login", None, None, &[]).await;
    let login_cookie = h[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let token = login_cookie.split_once('=').unwrap().1.to_string();
    let land = |role: Role, next: &str| {
        let email = kit.emails[&role].replace('@', "%40");
        let body = format!("_csrf={token}&email={email}&password={}&totp=&next={next}", common::PASSWORD.replace(' ', "+"));
        let req = axum::http::Request::post("/login")
            .header(header::COOKIE, &login_cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap();
        let app = kit.app.clone();
        async move {
            let res = tower::ServiceExt::oneshot(app, req).await.unwrap();
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{role}");
            res.headers()[header::LOCATION].to_str().unwrap().to_string()
        }
    };
    assert_eq!(land(Role::Agent, "").await, "/agent");
    assert_eq!(land(Role::ShiftContact, "").await, "/agent");
    assert_eq!(land(Role::CrisisLeader, "").await, "/incidents");
    assert_eq!(land(Role::Agent, "%2Fagent%2Fsearch").await, "/agent/search");
}

/// The crisis list shows at a glance where to act: each crisis's guide state, its next update,
/// its open feedback and uncovered questions; an exercise stands apart in its own section.
#[tokio::test]
async fn the_crisis_list_shows_where_to_act_and_sets_exercises_apart() {
    let kit = Kit::sqlite().await;
    let unpublished = kit.incident(&["0250"]).await;
    let late = kit.incident(&["0250"]).await;
    kit.activate(&late).await;
    kit.publish_due(&late, "Leverandøren arbejder på fejlen.", time::Duration::seconds(1)).await;
    let body = serde_json::json!({ "version": 1, "situation": null, "text": "Kan jeg hente pas?", "municipality": "0250" });
    let (s, v) = kit.call("POST", &format!("/api/v1/incidents/{late}/inquiries"), kit.token(Role::Agent), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let exercise = serde_json::json!({ "title": "Øvelse: Cyberangreb", "kind": "cyber_attack", "affected": ["0253"], "channels": ["phone"], "exercise": true });
    let (s, v) = kit.call("POST", "/api/v1/incidents", kit.token(Role::CrisisLeader), Some(exercise)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let exercise = v["id"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    let (_, page, _) = kit.raw("GET", "/incidents", kit.token(Role::CrisisLeader), None, &[]).await;
    let page = String::from_utf8(page).unwrap();
    let card = |id: &str| {
        let at = page.find(&format!("href=\"/incidents/{id}\"")).unwrap_or_else(|| panic!("{id} listed"));
        page[at..].split("</li>").next().unwrap().to_string()
    };
    assert!(card(&unpublished).contains("Guiden er ikke offentliggjort"), "{}", card(&unpublished));
    let late_card = card(&late);
    assert!(late_card.contains("Opdateringen er forsinket"), "{late_card}");
    assert!(late_card.contains("1 spørgsmål guiden ikke dækker") && late_card.contains("0 åbne tilbagemeldinger"), "{late_card}");
    // The exercise is in its own section, after the real crises, and nowhere else.
    let section = page.find("<section class=\"exercises\"").expect("an exercise section");
    let at = page.find(&format!("href=\"/incidents/{exercise}\"")).unwrap();
    assert!(at > section && page.find(&format!("href=\"/incidents/{late}\"")).unwrap() < section);

    // A fresh guide shows when its next update is due, in Danish.
    kit.publish(&late, "Fejlen er fundet.").await;
    let (_, page, _) = kit.raw("GET", "/incidents", kit.token(Role::CrisisLeader), None, &[]).await;
    let page = String::from_utf8(page).unwrap();
    let at = page.find(&format!("href=\"/incidents/{late}\"")).unwrap();
    let fresh = page[at..].split("</li>").next().unwrap();
    assert!(fresh.contains("Guiden er opdateret") && fresh.contains("Næste opdatering") && fresh.contains(" kl. "), "{fresh}");
    assert!(fresh.contains("0 spørgsmål guiden ikke dækker"), "a question of an earlier version is not open: {fresh}");

    // Those who may not read the log are linked to the crisis's agent-facing page.
    let (_, page, _) = kit.raw("GET", "/incidents", kit.token(Role::Agent), None, &[]).await;
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains(&format!("href=\"/agent/{late}\"")) && !page.contains(&format!("href=\"/incidents/{late}\"")));
    assert!(!page.contains("åbne tilbagemeldinger"), "agents do not get the statistics");
}

/// The interface speaks Danish: a query without words is explained in Danish, and large numbers
/// have Danish thousand separators.
#[tokio::test]
async fn the_interface_speaks_danish_with_danish_numbers() {
    let kit = Kit::sqlite().await;
    let (s, page, _) = kit.raw("GET", "/agent/search?q=%21%21%3F&municipality=0250", kit.token(Role::Agent), None, &[]).await;
    let page = String::from_utf8(page).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Skriv mindst ét ord at søge efter.") && !page.contains("the query"), "{page}");
    // The citizen's municipality is chosen by its name, the chosen one kept.
    assert!(
        page.contains("<option value=\"0250\" selected>Frederikssund</option>") && page.contains("<option value=\"0253\">Greve</option>"),
        "{page}"
    );
    let (_, page, _) = kit.raw("GET", "/admin/organisations", kit.token(Role::Secretariat), None, &[]).await;
    let page = String::from_utf8(page).unwrap();
    let copenhagen = domain::org::reference().into_iter().find(|o| o.code == "0101").unwrap().population;
    assert!(copenhagen > 1000);
    let danish = copenhagen.to_string().as_bytes().rchunks(3).rev().map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(".");
    assert!(page.contains(&format!(">{danish}<")), "København's population as {danish}");
}
