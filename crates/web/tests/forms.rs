//! Every form that a rule can refuse shows its problems on the form, in Danish, with what was
//! typed kept: the agent's forms, the secretariat's, the staffing lead's and the account's.

mod common;

use axum::http::StatusCode;
use common::{Kit, enc, post_signed as post, session};
use domain::Role;

/// A refused form as the page shows it: the status, a Danish summary that is an alert, the
/// page with its navigation (not the separate error page), the Danish message, none of the
/// English one, and the field marked invalid and pointing at its message.
struct Refused<'a> {
    want: StatusCode,
    danish: &'a str,
    english: &'a str,
    /// The input's id, marked `aria-invalid` and described by its message.
    field: &'a str,
    /// What was typed, as the page shows it again.
    kept: &'a [&'a str],
}

fn assert_refused(status: StatusCode, page: &str, r: Refused) {
    let head = &page[..page.len().min(800)];
    assert_eq!(status, r.want, "{head}");
    assert!(page.contains("role=\"alert\"") && page.contains("Formularen er ikke gemt"), "a Danish summary: {page}");
    assert!(page.contains("<nav"), "the page keeps its navigation");
    assert!(!page.contains("Noget gik galt"), "not the separate error page");
    assert!(page.contains(r.danish), "the Danish message {:?}: {page}", r.danish);
    assert!(!page.contains(r.english), "no English message {:?}: {page}", r.english);
    assert_invalid(page, r.field);
    for kept in r.kept {
        assert!(page.contains(kept), "what was typed is kept: {kept:?}");
    }
}

/// The input `id` is marked invalid and points at its message.
fn assert_invalid(page: &str, id: &str) {
    let attr = format!("id=\"{id}\"");
    let tag = page.split('<').find(|t| t.contains(&attr)).unwrap_or_else(|| panic!("no field {id}: {page}"));
    assert!(tag.contains("aria-invalid=\"true\""), "the field is marked invalid: {tag}");
    assert!(tag.contains(&format!("{id}-error")), "the field points at its message: {tag}");
}

/// A live crisis in Frederikssund with a published guide, as the agents see it.
async fn live_crisis(kit: &Kit) -> String {
    let id = kit.incident(&["0250"]).await;
    kit.activate(&id).await;
    kit.publish(&id, "Omstillingen er nede.").await;
    id
}

#[tokio::test]
async fn not_covered_without_text_is_a_danish_message_on_the_agents_form_with_the_choice_kept() {
    let kit = Kit::sqlite().await;
    let id = live_crisis(&kit).await;
    let agent = session(&kit, Role::Agent).await;
    let (s, page) = post(&kit, &format!("/agent/{id}/inquiries"), &agent, "version=1&situation=none&text=&municipality=0101").await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "skriv med få ord, hvad borgeren spurgte om",
            english: "say in a few words",
            field: "inq-text",
            kept: &["<option value=\"0101\" selected>"],
        },
    );
}

#[tokio::test]
async fn an_inquiry_without_a_municipality_asks_for_one_and_keeps_the_question() {
    let kit = Kit::sqlite().await;
    let id = live_crisis(&kit).await;
    let agent = session(&kit, Role::Agent).await;
    let (s, page) =
        post(&kit, &format!("/agent/{id}/inquiries"), &agent, "version=1&situation=none&text=Hvorn%C3%A5r+virker+det&municipality=").await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "vælg borgerens kommune",
            english: "is not a known municipality",
            field: "inq-municipality",
            kept: &["value=\"Hvornår virker det\"", "<option value=\"\" selected>"],
        },
    );
}

#[tokio::test]
async fn a_callback_with_a_bad_phone_and_no_name_keeps_what_was_typed() {
    let kit = Kit::sqlite().await;
    let id = live_crisis(&kit).await;
    let agent = session(&kit, Role::Agent).await;
    let body = "name=&phone=12ab&email=bo%40example.invalid&reason=Ring+om+vandet&municipality=0250";
    let (s, page) = post(&kit, &format!("/agent/{id}/callbacks"), &agent, body).await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "er ikke et dansk telefonnummer",
            english: "is not a Danish phone number",
            field: "cb-phone",
            kept: &["value=\"12ab\"", "value=\"bo@example.invalid\"", ">Ring om vandet</textarea>"],
        },
    );
    assert!(page.contains("skal udfyldes"), "the missing name is named");
    assert_invalid(&page, "cb-name");
}

#[tokio::test]
async fn feedback_too_short_is_said_on_the_feedback_form() {
    let kit = Kit::sqlite().await;
    let id = live_crisis(&kit).await;
    let agent = session(&kit, Role::Agent).await;
    let (s, page) =
        post(&kit, &format!("/agent/{id}/feedback"), &agent, "version=1&section=contacts&category=information_wrong&text=x").await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "skal være mindst 3 tegn",
            english: "must be at least 3 characters",
            field: "fb-text",
            kept: &[">x</textarea>", "value=\"information_wrong\" selected"],
        },
    );
}

fn user_form(name: &str, email: &str, org: &str, password: &str) -> String {
    format!("name={}&email={}&role=agent&org={}&password={}", enc(name), enc(email), enc(org), enc(password))
}

#[tokio::test]
async fn a_new_user_with_a_weak_password_is_told_in_danish_and_the_password_is_not_shown_again() {
    let kit = Kit::sqlite().await;
    let sec = session(&kit, Role::Secretariat).await;
    let (s, page) = post(&kit, "/admin/users", &sec, &user_form("Ny Agent", "ny.agent@test.invalid", "0250", "sommersommer1")).await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "bygger på en almindelig adgangskode",
            english: "is built on a common password",
            field: "u-password",
            kept: &["value=\"Ny Agent\"", "value=\"ny.agent@test.invalid\"", "value=\"agent\" selected", "value=\"0250\" selected"],
        },
    );
    assert!(!page.contains("sommersommer1"), "the password is typed anew, never sent back");
}

#[tokio::test]
async fn a_new_user_with_a_taken_email_is_a_clash_on_the_email_field() {
    let kit = Kit::sqlite().await;
    let sec = session(&kit, Role::Secretariat).await;
    let taken = kit.emails[&Role::Agent].clone();
    let (s, page) = post(&kit, "/admin/users", &sec, &user_form("Ny Agent", &taken, "0250", common::PASSWORD)).await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::CONFLICT,
            danish: &format!("der er allerede en bruger med e-mailen »{taken}«"),
            english: "already exists",
            field: "u-email",
            kept: &["value=\"Ny Agent\""],
        },
    );
}

#[tokio::test]
async fn a_new_user_of_an_organisation_typed_as_a_name_is_told_the_name_is_not_known() {
    let kit = Kit::sqlite().await;
    let sec = session(&kit, Role::Secretariat).await;
    let (s, page) =
        post(&kit, "/admin/users", &sec, &user_form("Ny Agent", "ny.agent@test.invalid", "Frederikssund", common::PASSWORD)).await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "»Frederikssund« kendes ikke",
            english: "unknown organisation code",
            field: "u-org",
            kept: &["value=\"ny.agent@test.invalid\""],
        },
    );
}

#[tokio::test]
async fn the_roster_names_a_person_who_cannot_hold_the_role_and_keeps_the_choice() {
    let kit = Kit::sqlite().await;
    let sec = session(&kit, Role::Secretariat).await;
    let leader = kit.emails[&Role::CrisisLeader].clone();
    let (s, page) = post(&kit, "/admin/roster", &sec, &format!("role=log_keeper&primary={}&deputy=", enc(&leader))).await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "kan ikke have denne rolle",
            english: "not a log_keeper",
            field: "p-log_keeper",
            kept: &[&format!("value=\"{leader}\" selected")],
        },
    );
}

#[tokio::test]
async fn a_template_item_too_short_and_a_card_without_its_texts_are_said_on_their_forms() {
    let kit = Kit::sqlite().await;
    let sec = session(&kit, Role::Secretariat).await;
    let (s, page) = post(&kit, "/admin/templates/checklist", &sec, "side=crisis_staff&title=ab&responsible=log_keeper").await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "skal være mindst 3 tegn",
            english: "must be at least 3 characters",
            field: "t-title",
            kept: &["value=\"ab\"", "value=\"crisis_staff\" selected", "value=\"log_keeper\" selected"],
        },
    );
    let card =
        "kind=water_supply&title=Kogeanbefaling&problem=Vandet+er+forurenet&solution=&communication=&responsible=process_lead&steps=Ri";
    let (s, page) = post(&kit, "/admin/templates/cards", &sec, card).await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "skal udfyldes",
            english: "is required",
            field: "c-solution",
            kept: &["value=\"Kogeanbefaling\"", ">Vandet er forurenet</textarea>", ">Ri</textarea>", "value=\"water_supply\" selected"],
        },
    );
    // A step of two letters is named too.
    assert_invalid(&page, "c-steps");
}

#[tokio::test]
async fn staffing_targets_out_of_bounds_and_not_numbers_are_said_per_field_in_percent() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let lead = session(&kit, Role::StaffingLead).await;
    let path = format!("/incidents/{id}/staffing/settings");
    let body = "target_service_level=120&target_answer_s=tyve&max_occupancy=85&shrinkage=30&interval_s=900&aht_s=&patience_s=&max_abandon=";
    let (s, page) = post(&kit, &path, &lead, body).await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "skriv et tal",
            english: "write a number",
            field: "s-target_answer_s",
            kept: &["value=\"tyve\"", "value=\"120\"", "value=\"900\" selected"],
        },
    );
    // The number is read; the bound is the domain's, worded in the form's percent.
    let body = "target_service_level=120&target_answer_s=20&max_occupancy=85&shrinkage=30&interval_s=1800&aht_s=&patience_s=&max_abandon=";
    let (s, page) = post(&kit, &path, &lead, body).await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "skal være en procent over 0 og under 100, fx 80",
            english: "a share strictly between",
            field: "s-target_service_level",
            kept: &["value=\"120\""],
        },
    );
}

#[tokio::test]
async fn a_forecast_override_off_the_interval_start_names_the_interval() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let lead = session(&kit, Role::StaffingLead).await;
    let (s, page) = post(&kit, &format!("/incidents/{id}/staffing/override"), &lead, "start=2026-11-23T15%3A10&calls=120").await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "skal være starten af et planlægningsinterval på 30 minutter",
            english: "must be the start of a planning interval",
            field: "o-start",
            kept: &["value=\"2026-11-23T15:10\"", "value=\"120\""],
        },
    );
    let (s, page) = post(&kit, &format!("/incidents/{id}/staffing/override"), &lead, "start=2026-11-23T15%3A00&calls=-5").await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "skal være et antal opkald fra 0 til 1.000.000",
            english: "must be a number of calls",
            field: "s-calls",
            kept: &["value=\"-5\""],
        },
    );
}

#[tokio::test]
async fn a_call_export_without_its_columns_is_refused_on_the_import_form_with_the_text_kept() {
    let kit = Kit::sqlite().await;
    let id = kit.incident(&["0250"]).await;
    let lead = session(&kit, Role::StaffingLead).await;
    let (s, page) = post(&kit, &format!("/incidents/{id}/staffing/import"), &lead, "csv=start%3Boffered%0A2026-11-23+14%3A00%3B100").await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "første linje mangler kolonnen/kolonnerne length_s, answered",
            english: "the header lacks",
            field: "i-csv",
            kept: &["start;offered\n2026-11-23 14:00;100</textarea>"],
        },
    );
}

#[tokio::test]
async fn a_wrong_one_time_code_is_said_on_the_enrolment_form() {
    let kit = Kit::sqlite().await;
    let leader = session(&kit, Role::CrisisLeader).await;
    let (s, _) = post(&kit, "/account/totp", &leader, "").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // One code in a million is right by chance; two wrong in a row are certain enough.
    let (mut s, mut page) = post(&kit, "/account/totp/confirm", &leader, "code=000000").await;
    if s == StatusCode::SEE_OTHER {
        (s, page) = post(&kit, "/account/totp/confirm", &leader, "code=000000").await;
    }
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "Koden passer ikke med nøglen",
            english: "the code does not match",
            field: "totp-code",
            kept: &["value=\"000000\""],
        },
    );
}

#[tokio::test]
async fn requiring_a_second_factor_of_a_role_that_cannot_enrol_is_said_on_the_security_form() {
    let kit = Kit::sqlite().await;
    let sec = session(&kit, Role::Secretariat).await;
    let (s, page) = post(&kit, "/admin/security", &sec, "roles=crisis_leader&roles=agent").await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "kun roller, der kan få totrinslogin",
            english: "cannot enrol a second factor",
            field: "role-secretariat",
            kept: &["value=\"crisis_leader\" checked"],
        },
    );
    assert!(!page.contains("value=\"steering_group\" checked"), "the choice as typed, not as saved");
}

#[tokio::test]
async fn handling_feedback_with_the_wrong_version_or_twice_is_said_on_its_item() {
    let kit = Kit::sqlite().await;
    let id = live_crisis(&kit).await;
    let agent = session(&kit, Role::Agent).await;
    let (s, _) =
        post(&kit, &format!("/agent/{id}/feedback"), &agent, "version=1&section=contacts&category=other&text=Nummeret+mangler").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    kit.publish(&id, "Omstillingen virker igen.").await;
    let (_, list) = kit.call("GET", &format!("/api/v1/incidents/{id}/feedback"), kit.token(Role::ProcessLead), None).await;
    let item =
        list["feedback"].as_array().and_then(|l| l.first()).and_then(|f| f["id"].as_str()).unwrap_or_else(|| panic!("{list}")).to_string();
    let lead = session(&kit, Role::ProcessLead).await;
    let path = format!("/incidents/{id}/feedback/{item}");
    let (s, page) = post(&kit, &path, &lead, "state=resolved&resolved_by_version=1").await;
    assert_refused(
        s,
        &page,
        Refused {
            want: StatusCode::UNPROCESSABLE_ENTITY,
            danish: "vælg en offentliggjort version, der er nyere",
            english: "must be a published version after",
            field: &format!("v-{item}"),
            // Version 1 is no option of the select (only later versions are offered).
            kept: &[],
        },
    );
    let (s, _) = post(&kit, &path, &lead, "state=acknowledged").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, page) = post(&kit, &path, &lead, "state=acknowledged").await;
    assert_eq!(s, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("tilbagemeldingen er allerede behandlet") && page.contains("Formularen er ikke gemt"), "{page}");
    assert!(!page.contains("Noget gik galt") && !page.contains("cannot become"), "{page}");
}
