//! The crisis room: status and its steps, the crisis staff, the checklist, action cards and the
//! official log. Every form here posts back to the room; a refused one shows the room again
//! with its problems on the form and what was typed kept (see [`Posted`]).

use super::form::Posted;
use super::incidents::{exercise_badge, status_badge};
use super::{Ctx, PageError, PageResult, Path, Typed, back_to, local_time, page, paragraphs};
use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::Permission;
use domain::checklist::{ActionCard, ChecklistItem, Side};
use domain::incident::{Incident, Status, Transition};
use domain::log::{LogCategory, LogEntry, NewLogEntry};
use domain::role::{Assignment, StaffRole};
use domain::user::User;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}", get(room))
        .route("/incidents/{id}/status", post(status))
        .route("/incidents/{id}/roles", post(assign))
        .route("/incidents/{id}/log", post(append))
        .route("/incidents/{id}/checklist/{item}", post(tick))
        .route("/incidents/{id}/cards", post(attach))
        .route("/incidents/{id}/cards/{card}/detach", post(detach))
}

async fn room(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    // Those who may not read the official log get the crisis's agent-facing summary.
    if !ctx.may(Permission::ReadLog) {
        return Ok(axum::response::Redirect::to(&format!("/agent/{id}")).into_response());
    }
    room_page(&s, &ctx, id, &Posted::none()).await
}

/// The room, with `posted` shown on its form when a post was refused.
async fn room_page(s: &AppState, ctx: &Ctx, id: Uuid, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let room = s.app.crisis_room(&ctx.caller.actor(), id).await.map_err(&err)?;
    let (i, orgs) = (&room.incident, &room.organisations);
    // An exercise is never measured; the KPIs are recomputed from the record on each load.
    let kpis = if i.exercise { None } else { s.app.kpis(&ctx.caller.actor(), id).await.ok() };
    let org_name =
        |code: &str| orgs.iter().find(|o| o.code == code).map(|o| format!("{} ({})", o.name, o.code)).unwrap_or_else(|| code.to_string());

    let body = html! {
        p.crumbs { a href="/incidents" { (ctx.t("nav.incidents")) } }
        h1 { (i.title) (exercise_badge(ctx, i)) }
        (super::exercise::room_link(ctx, i))
        p.links {
            @if ctx.may(Permission::ViewReport) { a href=(super::report::path(i.id)) { (ctx.t("report.open")) } }
            @if ctx.may(Permission::ViewStatements) && !i.exercise { " · " a href=(super::billing::path(i.id)) { (ctx.t("billing.open")) } }
        }
        p.meta {
            (status_badge(ctx, i.status)) " · " (ctx.word("kind", i.kind)) " · "
            @for (n, c) in i.channels.iter().enumerate() { @if n > 0 { ", " } (ctx.word("channel", c)) }
        }
        p { @for (n, code) in i.affected.iter().enumerate() { @if n > 0 { ", " } (org_name(code)) } }
        dl.facts {
            dt { (ctx.t("field.created")) } dd { (local_time(i.created_at)) }
            @if let Some(t) = i.activated_at { dt { (ctx.t("field.activated")) } dd { (local_time(t)) } }
            @if let Some(t) = i.closed_at { dt { (ctx.t("field.closed")) } dd { (local_time(t)) } }
        }
        div.room data-last-event=(room.last_event) {
            div.col {
                (status_section(ctx, i, posted))
                (guide_section(ctx, i, room.latest.as_ref(), room.freshness.as_ref(), room.feedback))
                (roles_section(ctx, i, &room.roles, &room.staff, posted))
                @if ctx.may(Permission::ViewCallout) { (super::callout::section(ctx, i, &room.callouts, posted)) }
                (checklist_section(ctx, i, &room.checklist, &org_name, posted))
                (cards_section(ctx, i, &room.cards, &room.all_cards, posted))
                (staffing_links(ctx, i, &room.calls))
                @if let Some(k) = &kpis { (kpi_panel(ctx, k)) }
            }
            div.col { (log_section(ctx, i, &room.log, &room.verification, posted)) }
        }
    };
    let live = i.id.to_string();
    Ok((posted.status, page(ctx, &i.title, body, Some(&live))).into_response())
}

/// The room again after a refused post of `form`, or the error page for what no form can show.
pub(super) async fn refused(s: &AppState, ctx: &Ctx, id: Uuid, form: &str, typed: Vec<(String, String)>, e: app::Error) -> PageResult {
    match Posted::refused(ctx.lang, form, typed, ApiError::from(e)) {
        Ok(posted) => room_page(s, ctx, id, &posted).await,
        Err(e) => Err(PageError::Api(e, ctx.lang)),
    }
}

/// The KPIs at a glance, against their targets.
fn kpi_panel(ctx: &Ctx, kpis: &[domain::kpi::Kpi]) -> Markup {
    use super::report::figure;
    html! {
        section aria-labelledby="h-kpis" {
            h2 #h-kpis { (ctx.t("report.kpis")) }
            table.kpis {
                thead { tr { th scope="col" { (ctx.t("report.kpi")) } th.num scope="col" { (ctx.t("report.value")) } th.num scope="col" { (ctx.t("report.target")) } } }
                tbody { @for k in kpis {
                    tr.kpi data-met=[k.met.map(|m| m.to_string())] {
                        th scope="row" { (k.label) }
                        td.num { (figure(k.unit, k.value)) @if k.met == Some(false) { " " span.badge.guide-late { (ctx.t("report.missed")) } } }
                        td.num { (figure(k.unit, k.target)) }
                    }
                } }
            }
        }
    }
}

fn staffing_links(ctx: &Ctx, i: &Incident, calls: &[domain::calls::CallInterval]) -> Markup {
    html! {
        @if ctx.may(Permission::ViewStaffing) {
            section aria-labelledby="h-staffing" {
                h2 #h-staffing { (ctx.t("staffing.calls")) }
                (super::chart::calls_chart(ctx, calls))
                p.links { a href={ "/incidents/" (i.id) "/staffing" } { (ctx.t("staffing.open")) } " · " a href={ "/incidents/" (i.id) "/shifts" } { (ctx.t("shifts.title")) } }
            }
        } @else if ctx.may(Permission::ViewShifts) {
            section aria-labelledby="h-shifts" {
                h2 #h-shifts { (ctx.t("shifts.title")) }
                p.links { a href={ "/incidents/" (i.id) "/shifts" } { (ctx.t("shifts.yours_link")) } }
            }
        }
    }
}

fn guide_section(
    ctx: &Ctx,
    i: &Incident,
    latest: Option<&domain::guide::Version>,
    fresh: Option<&domain::guide::Freshness>,
    counts: domain::feedback::FeedbackCounts,
) -> Markup {
    let editor = ctx.caller.actor().may_on(Permission::EditGuide, &i.affected).is_ok();
    html! {
        section aria-labelledby="h-guide" {
            h2 #h-guide { (ctx.t("guide.title")) }
            @if let Some(v) = latest { p { strong { (v.guide.banner) } } p.meta { (ctx.t("guide.version")) " " (v.version) ", " (local_time(v.published_at)) } }
            // A closed crisis gets no more updates: no time to count down to.
            @if i.status == Status::Closed { p.freshness { (ctx.t("room.closed_no_updates")) } }
            @else { (super::guide_view::freshness(ctx.lang, fresh)) }
            p { (ctx.t("feedback.counts")) ": " (counts.new) " / " (counts.acknowledged) " / " (counts.resolved) }
            p.links {
                a href={ "/agent/" (i.id) } { (ctx.t("nav.agent")) }
                @if editor { " · " a href={ "/incidents/" (i.id) "/guide" } { (ctx.t("guide.edit")) } }
                @if ctx.may(Permission::HandleFeedback) && editor { " · " a href={ "/incidents/" (i.id) "/feedback" } { (ctx.t("feedback.title")) } }
                @if ctx.caller.actor().may_on(Permission::ViewInquiries, &i.affected).is_ok() { " · " a href={ "/incidents/" (i.id) "/inquiries" } { (ctx.t("inquiries.title")) } }
                @if ctx.caller.actor().may_on(Permission::ViewCallbacks, &i.affected).is_ok() { " · " a href={ "/incidents/" (i.id) "/callbacks" } { (ctx.t("callbacks.title")) } }
            }
        }
    }
}

/// The steps from here: the expected next one first and as the primary button; a step that
/// ends the service (standing down, closing) is a danger button behind a disclosure, lower.
fn status_section(ctx: &Ctx, i: &Incident, posted: &Posted) -> Markup {
    let mut steps: Vec<Status> = Vec::new();
    if i.status == Status::StandingDown {
        steps.push(Status::Active);
    }
    steps.extend(i.status.next());
    html! {
        section aria-labelledby="h-status" {
            h2 #h-status { (ctx.t("room.status")) }
            p { (ctx.t("field.status")) ": " (status_badge(ctx, i.status)) }
            // A step no longer offered (taken meanwhile in another tab) is refused here.
            @if posted.form.starts_with("status-") && !steps.iter().any(|to| posted.form == format!("status-{to}")) {
                (posted.summary(ctx.lang, &|_| None, &|f| f.to_string()))
            }
            @if ctx.may(Permission::ChangeStatus) {
                @for to in steps {
                    @let form = posted.of(&format!("status-{to}"));
                    @if to.needs_confirmation() {
                        details.danger-zone open[form.is_some()] {
                            summary { (step_label(ctx, i, to)) "…" }
                            (status_form(ctx, i, to, posted.only(&format!("status-{to}"))))
                        }
                    } @else {
                        (status_form(ctx, i, to, posted.only(&format!("status-{to}"))))
                    }
                }
            }
        }
    }
}

fn step_label(ctx: &Ctx, i: &Incident, to: Status) -> String {
    match to {
        Status::Active if i.status == Status::StandingDown => ctx.t("room.reactivate").to_string(),
        Status::Active => ctx.t("room.activate").to_string(),
        Status::StandingDown => ctx.t("room.stand_down").to_string(),
        _ => ctx.t("room.close").to_string(),
    }
}

fn status_form(ctx: &Ctx, i: &Incident, to: Status, posted: &Posted) -> Markup {
    let note_id = format!("note-{to}");
    let confirm_id = format!("confirm-{to}");
    let target = |f: &str| match f {
        "note" => Some(note_id.clone()),
        "all_clear" => Some("all-clear".to_string()),
        "confirm" => Some(confirm_id.clone()),
        _ => None,
    };
    let label = |f: &str| match f {
        "all_clear" => ctx.t("room.all_clear").to_string(),
        "confirm" => ctx.t("room.confirm").to_string(),
        _ => ctx.t("room.note").to_string(),
    };
    let class = match (to.needs_confirmation(), i.status == Status::StandingDown && to == Status::Active) {
        (true, _) => "danger",
        (false, true) => "secondary",
        _ => "primary",
    };
    let title = [("title", i.title.as_str())];
    let confirm = match to {
        Status::Closed => crate::i18n::tf(ctx.lang, "room.confirm.closed", &title),
        _ => crate::i18n::tf(ctx.lang, "room.confirm.standing_down", &title),
    };
    html! {
        form.stack.status-step method="post" action={ "/incidents/" (i.id) "/status" } {
            (ctx.csrf_field())
            (posted.summary(ctx.lang, &target, &label))
            input type="hidden" name="status" value=(to);
            div.field {
                label for=(note_id) { (ctx.t("room.note")) }
                textarea id=(note_id) name="note" rows="2" maxlength=(domain::incident::NOTE_MAX) required
                    aria-invalid=[posted.invalid("note")] aria-describedby=[posted.described_by("note", &note_id, None)] { (posted.value("note").unwrap_or("")) }
                (posted.message(ctx.lang, "note", &note_id))
            }
            @if to.needs_all_clear() {
                div.field {
                    label for="all-clear" { (ctx.t("room.all_clear")) }
                    span.hint #all-clear-hint { (ctx.t("room.all_clear.hint")) }
                    textarea #all-clear name="all_clear" rows="3" maxlength=(domain::incident::ALL_CLEAR_MAX) required
                        aria-invalid=[posted.invalid("all_clear")] aria-describedby=[posted.described_by("all_clear", "all-clear", Some("all-clear-hint"))] { (posted.value("all_clear").unwrap_or("")) }
                    (posted.message(ctx.lang, "all_clear", "all-clear"))
                }
            }
            @if to.needs_confirmation() {
                div.field {
                    label.check for=(confirm_id) {
                        input id=(confirm_id) type="checkbox" name="confirm" value="yes" required
                            aria-invalid=[posted.invalid("confirm")] aria-describedby=[posted.described_by("confirm", &confirm_id, None)];
                        " " (confirm)
                    }
                    (posted.message(ctx.lang, "confirm", &confirm_id))
                }
            }
            button class=(class) type="submit" data-status=(to) { (step_label(ctx, i, to)) }
        }
    }
}

/// The people who may hold `role`, and the current holder even if no longer one of them (so
/// saving the other place never clears them unseen).
fn candidates<'a>(role: StaffRole, staff: &'a [User], held: Option<&'a domain::user::Person>) -> Vec<(&'a str, String)> {
    let mut out: Vec<(&str, String)> = staff.iter().filter(|u| role.may_hold(u.role)).map(|u| (u.email.as_str(), u.name.clone())).collect();
    if let Some(p) = held.filter(|p| !out.iter().any(|(e, _)| *e == p.email)) {
        out.push((p.email.as_str(), p.name.clone()));
    }
    out
}

fn person_select(ctx: &Ctx, id: &str, field: &str, people: &[(&str, String)], current: Option<&str>, posted: &Posted) -> Markup {
    let chosen = posted.value(field).or(current);
    html! {
        select id=(id) name=(field) aria-invalid=[posted.invalid(field)] aria-describedby=[posted.described_by(field, id, None)] {
            option value="" selected[chosen.is_none_or(str::is_empty)] { (ctx.t("room.nobody")) }
            @for (email, name) in people { option value=(email) selected[chosen == Some(*email)] { (name) } }
        }
        (posted.message(ctx.lang, field, id))
    }
}

fn roles_section(ctx: &Ctx, i: &Incident, roles: &[Assignment], staff: &[User], posted: &Posted) -> Markup {
    let name = |p: &Option<domain::user::Person>| p.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| "–".into());
    let open = StaffRole::ALL.iter().any(|r| posted.of(&format!("roles-{r}")).is_some());
    html! {
        section aria-labelledby="h-roles" {
            h2 #h-roles { (ctx.t("room.roles")) }
            // Focusable, so keyboard users can scroll the table on a narrow screen.
            div.scroll tabindex="0" role="region" aria-labelledby="h-roles" {
                table.staff {
                    thead { tr { th scope="col" { (ctx.t("room.role")) } th scope="col" { (ctx.t("room.primary")) } th scope="col" { (ctx.t("room.deputy")) } } }
                    tbody {
                        @for a in roles {
                            tr { th scope="row" { (ctx.word("role", a.role)) } td { (name(&a.primary)) } td { (name(&a.deputy)) } }
                        }
                    }
                }
            }
            @if ctx.may(Permission::AssignRoles) {
                details open[open] {
                    summary { (ctx.t("room.assign")) }
                    @for role in StaffRole::ALL {
                        @let held = roles.iter().find(|a| a.role == *role);
                        (role_form(ctx, i, *role, held, staff, posted.only(&format!("roles-{role}"))))
                    }
                }
            }
        }
    }
}

/// One role's form: only the people who may hold it, the current holders chosen.
fn role_form(ctx: &Ctx, i: &Incident, role: StaffRole, held: Option<&Assignment>, staff: &[User], posted: &Posted) -> Markup {
    let (primary, deputy) = (held.and_then(|a| a.primary.as_ref()), held.and_then(|a| a.deputy.as_ref()));
    let people = candidates(role, staff, primary);
    let deputies = candidates(role, staff, deputy);
    let (pid, did) = (format!("primary-{role}"), format!("deputy-{role}"));
    let target = |f: &str| match f {
        "primary" => Some(pid.clone()),
        "deputy" => Some(did.clone()),
        _ => None,
    };
    let label = |f: &str| if f == "primary" { ctx.t("room.primary").to_string() } else { ctx.t("room.deputy").to_string() };
    html! {
        form.role-form method="post" action={ "/incidents/" (i.id) "/roles" } {
            (ctx.csrf_field())
            input type="hidden" name="role" value=(role);
            fieldset {
                legend { (ctx.word("role", role)) }
                (posted.summary(ctx.lang, &target, &label))
                div.field { label for=(pid) { (ctx.t("room.primary")) } (person_select(ctx, &pid, "primary", &people, primary.map(|p| p.email.as_str()), posted)) }
                div.field { label for=(did) { (ctx.t("room.deputy")) } (person_select(ctx, &did, "deputy", &deputies, deputy.map(|p| p.email.as_str()), posted)) }
                button type="submit" aria-label={ (ctx.t("room.assign")) ": " (ctx.word("role", role)) } { (ctx.t("room.assign")) }
            }
        }
    }
}

fn checklist_section(ctx: &Ctx, i: &Incident, items: &[ChecklistItem], org_name: &dyn Fn(&str) -> String, posted: &Posted) -> Markup {
    let (done, total) = domain::checklist::progress(items);
    let actor = ctx.caller.actor();
    // The authority's side once per affected organisation, then the crisis staff's side.
    let mut groups: Vec<(String, Vec<&ChecklistItem>)> = Vec::new();
    for item in items {
        let heading = match (&item.side, &item.org) {
            (Side::Authority, Some(org)) => format!("{}: {}", ctx.word("side", Side::Authority), org_name(org)),
            (side, _) => ctx.word("side", side).to_string(),
        };
        match groups.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, list)) => list.push(item),
            None => groups.push((heading, vec![item])),
        }
    }
    groups.sort_by_key(|(_, list)| list[0].side == Side::CrisisStaff);
    let none = |_: &str| None;
    let label = |f: &str| f.to_string();
    html! {
        section aria-labelledby="h-checklist" {
            h2 #h-checklist { (ctx.t("room.checklist")) }
            @if let Some(p) = posted.of("checklist") { (p.summary(ctx.lang, &none, &label)) }
            @if items.is_empty() { p { (ctx.t("room.checklist.none")) } } @else {
                p {
                    label for="progress" { (done) " / " (total) " " (ctx.t("room.progress")) }
                    " " progress #progress max=(total) value=(done) { (done) "/" (total) }
                }
                @for (heading, list) in &groups {
                    h3 { (heading) }
                    ul.checklist {
                        @for item in list {
                            li class=(if item.done_at.is_some() { "done" } else { "open" }) {
                                span.item-title { @if item.done_at.is_some() { span.tick aria-hidden="true" { "✓ " } } (item.title) }
                                span.meta {
                                    (ctx.t("responsible")) ": " (ctx.word("role", item.responsible))
                                    @if let (Some(by), Some(at)) = (&item.done_by, item.done_at) { " · " (ctx.t("room.done")) ": " (by) ", " (local_time(at)) }
                                }
                                @if ctx.may(Permission::CompleteChecklistItem) && domain::checklist::may_complete(&actor, item).is_ok() {
                                    form.inline method="post" action={ "/incidents/" (i.id) "/checklist/" (item.id) } {
                                        (ctx.csrf_field())
                                        input type="hidden" name="done" value=(item.done_at.is_none());
                                        button.small type="submit" aria-label={ (if item.done_at.is_none() { ctx.t("room.mark_done") } else { ctx.t("room.undo") }) ": " (item.title) } {
                                            (if item.done_at.is_none() { ctx.t("room.mark_done") } else { ctx.t("room.undo") })
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn cards_section(ctx: &Ctx, i: &Incident, cards: &[(Uuid, ActionCard)], offered: &[(Uuid, ActionCard)], posted: &Posted) -> Markup {
    let attachable: Vec<_> = offered.iter().filter(|(id, _)| !cards.iter().any(|(c, _)| c == id)).collect();
    let may = ctx.may(Permission::AttachActionCard);
    let posted = posted.only("cards");
    let target = |f: &str| (f == "card_id").then(|| "card".to_string());
    let label = |_: &str| ctx.t("room.attach").to_string();
    html! {
        section aria-labelledby="h-cards" {
            h2 #h-cards { (ctx.t("room.cards")) }
            (posted.summary(ctx.lang, &target, &label))
            @if cards.is_empty() { p { (ctx.t("room.cards.none")) } }
            @for (id, c) in cards {
                article.actioncard {
                    h3 { (c.title) }
                    (super::card_details(ctx, c))
                    @if may {
                        form.inline method="post" action={ "/incidents/" (i.id) "/cards/" (id) "/detach" } {
                            (ctx.csrf_field())
                            button.small type="submit" aria-label={ (ctx.t("room.detach")) ": " (c.title) } { (ctx.t("room.detach")) }
                        }
                    }
                }
            }
            @if may && !attachable.is_empty() {
                form method="post" action={ "/incidents/" (i.id) "/cards" } {
                    (ctx.csrf_field())
                    div.field {
                        label for="card" { (ctx.t("room.attach")) }
                        span.hint #card-hint { (crate::i18n::tf(ctx.lang, "room.cards.offered", &[("kind", ctx.word("kind", i.kind))])) }
                        select #card name="card_id" aria-describedby=[posted.described_by("card_id", "card", Some("card-hint"))] aria-invalid=[posted.invalid("card_id")] {
                            @for (id, c) in &attachable { option value=(id) { (ctx.word("kind", c.kind)) ": " (c.title) } }
                        }
                        (posted.message(ctx.lang, "card_id", "card"))
                    }
                    button type="submit" { (ctx.t("room.attach")) }
                }
            }
        }
    }
}

/// One log entry; `corrected_by` lists the entries that correct it.
pub fn log_item(ctx: &Ctx, e: &LogEntry, corrected_by: &[i64]) -> Markup {
    html! {
        li.entry id={ "log-" (e.seq) } data-seq=(e.seq) {
            div.entry-head {
                span.seq { "#" (e.seq) } " "
                (local_time(e.at)) " · "
                span class={ "cat cat-" (e.category) } { (ctx.word("category", e.category)) } " · "
                (e.author.name) ", " (ctx.word("role", e.author.role)) " (" (e.author.org) ")"
                @if let Some(c) = e.corrects { " · " a href={ "#log-" (c) } { (ctx.t("room.log.corrects")) " " (c) } }
                span.corrected-by {
                    @for by in corrected_by { " · " a.corrected href={ "#log-" (by) } { (ctx.t("room.log.corrected_by")) " #" (by) } }
                }
            }
            p.entry-text { (paragraphs(&e.text)) }
        }
    }
}

fn log_section(ctx: &Ctx, i: &Incident, log: &[LogEntry], v: &domain::log::Verification, posted: &Posted) -> Markup {
    let posted = posted.only("log");
    let target = |f: &str| matches!(f, "category" | "text" | "corrects").then(|| f.to_string());
    let label = |f: &str| match f {
        "category" => ctx.t("room.log.category").to_string(),
        "corrects" => ctx.t("room.log.corrects").to_string(),
        _ => ctx.t("room.log.text").to_string(),
    };
    let corrections = |seq: i64| log.iter().filter(|e| e.corrects == Some(seq)).map(|e| e.seq).collect::<Vec<_>>();
    let chosen = posted.value("category");
    html! {
        section aria-labelledby="h-log" {
            h2 #h-log { (ctx.t("room.log")) }
            @if v.valid { p.ok { "✓ " (ctx.t("room.log.valid")) " (" span #chain-count { (v.entries) } ")" } }
            @else { div.notice.error role="alert" { p { (ctx.t("room.log.invalid")) ": #" (v.first_invalid.unwrap_or(0)) } } }
            p.links {
                a href={ "/api/v1/incidents/" (i.id) "/log.csv" } { (ctx.t("room.log.csv")) } " · "
                a href={ "/incidents/" (i.id) "/log/print" } { (ctx.t("room.log.print")) }
            }
            @if ctx.may(Permission::AppendLog) {
                form #log-form method="post" action={ "/incidents/" (i.id) "/log" } {
                    (ctx.csrf_field())
                    fieldset {
                        legend { (ctx.t("room.log.add")) }
                        (posted.summary(ctx.lang, &target, &label))
                        div.field {
                            label for="category" { (ctx.t("room.log.category")) }
                            select #category name="category" { @for c in LogCategory::ALL { option value=(c) selected[chosen == Some(c.as_str())] { (ctx.word("category", c)) } } }
                        }
                        div.field {
                            label for="text" { (ctx.t("room.log.text")) }
                            textarea #text name="text" rows="3" required maxlength=(domain::log::TEXT_MAX)
                                aria-invalid=[posted.invalid("text")] aria-describedby=[posted.described_by("text", "text", None)] { (posted.value("text").unwrap_or("")) }
                            (posted.message(ctx.lang, "text", "text"))
                        }
                        div.field {
                            label for="corrects" { (ctx.t("room.log.corrects")) }
                            input #corrects name="corrects" type="number" min="1" max=(log.len()) inputmode="numeric" value=[posted.value("corrects")]
                                aria-invalid=[posted.invalid("corrects")] aria-describedby=[posted.described_by("corrects", "corrects", None)];
                            (posted.message(ctx.lang, "corrects", "corrects"))
                        }
                        button type="submit" { (ctx.t("room.log.submit")) }
                    }
                }
            }
            @if log.is_empty() { p { (ctx.t("room.log.empty")) } }
            ol #log.log reversed aria-live="polite" aria-relevant="additions" {
                @for e in log.iter().rev() { (log_item(ctx, e, &corrections(e.seq))) }
            }
        }
    }
}

#[derive(Deserialize)]
struct StatusForm {
    status: Status,
    note: Option<String>,
    all_clear: Option<String>,
    confirm: Option<String>,
}

async fn status(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<StatusForm>) -> PageResult {
    let step = Transition { to: f.status, note: f.note, all_clear: f.all_clear, confirmed: f.confirm.is_some() };
    match s.app.change_status(&ctx.caller.actor(), id, &step).await {
        Ok(_) => Ok(back_to(&format!("/incidents/{id}"))),
        Err(e) => refused(&s, &ctx, id, &format!("status-{}", f.status), typed, e).await,
    }
}

/// A place the form leaves out is kept as it is; an empty one ("Ingen") is cleared.
#[derive(Deserialize)]
struct AssignForm {
    role: StaffRole,
    primary: Option<String>,
    deputy: Option<String>,
}

async fn assign(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<AssignForm>) -> PageResult {
    let actor = ctx.caller.actor();
    let form = format!("roles-{}", f.role);
    let roles = s.app.roles(&actor, id).await.map_err(PageError::from(ctx.lang))?;
    let held = roles.iter().find(|a| a.role == f.role);
    let keep = |p: Option<&domain::user::Person>| p.map(|p| p.email.clone());
    let primary = f.primary.or_else(|| keep(held.and_then(|a| a.primary.as_ref())));
    let deputy = f.deputy.or_else(|| keep(held.and_then(|a| a.deputy.as_ref())));
    match s.app.assign_role(&actor, id, f.role, primary.as_deref(), deputy.as_deref()).await {
        Ok(_) => Ok(back_to(&format!("/incidents/{id}#h-roles"))),
        Err(e) => refused(&s, &ctx, id, &form, typed, e).await,
    }
}

#[derive(Deserialize)]
struct LogForm {
    category: LogCategory,
    text: String,
    corrects: Option<String>,
}

async fn append(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<LogForm>) -> PageResult {
    let corrects = match f.corrects.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => match c.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = domain::DomainError::invalid_coded("corrects", domain::error::code::ENTRY_NUMBER, "must be an entry number");
                return refused(&s, &ctx, id, "log", typed, e.into()).await;
            }
        },
    };
    match s.app.append_log(&ctx.caller.actor(), id, NewLogEntry { category: f.category, text: f.text, corrects }).await {
        Ok(_) => Ok(back_to(&format!("/incidents/{id}#h-log"))),
        Err(e) => refused(&s, &ctx, id, "log", typed, e).await,
    }
}

#[derive(Deserialize)]
struct TickForm {
    done: bool,
}

async fn tick(State(s): State<AppState>, ctx: Ctx, Path((id, item)): Path<(Uuid, Uuid)>, Typed(f, typed): Typed<TickForm>) -> PageResult {
    match s.app.complete_item(&ctx.caller.actor(), id, item, f.done).await {
        Ok(_) => Ok(back_to(&format!("/incidents/{id}#h-checklist"))),
        Err(e) => refused(&s, &ctx, id, "checklist", typed, e).await,
    }
}

#[derive(Deserialize)]
struct AttachForm {
    card_id: Uuid,
}

async fn attach(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<AttachForm>) -> PageResult {
    match s.app.attach_card(&ctx.caller.actor(), id, f.card_id).await {
        Ok(_) => Ok(back_to(&format!("/incidents/{id}#h-cards"))),
        Err(e) => refused(&s, &ctx, id, "cards", typed, e).await,
    }
}

async fn detach(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, card)): Path<(Uuid, Uuid)>,
    Typed(_, typed): Typed<super::NoFields>,
) -> PageResult {
    match s.app.detach_card(&ctx.caller.actor(), id, card).await {
        Ok(_) => Ok(back_to(&format!("/incidents/{id}#h-cards"))),
        Err(e) => refused(&s, &ctx, id, "cards", typed, e).await,
    }
}
