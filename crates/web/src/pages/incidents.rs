//! The incident overview and the crisis room.

use super::Path;
use super::{Ctx, Form, PageError, PageResult, back_to, local_time, page, paragraphs};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use domain::Permission;
use domain::checklist::{ChecklistItem, Side};
use domain::incident::{Channel, Incident, IncidentKind, NewIncident, Status};
use domain::log::{LogCategory, LogEntry, NewLogEntry};
use domain::role::StaffRole;
use domain::user::User;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(overview).post(create))
        .route("/incidents/{id}", get(room))
        .route("/incidents/{id}/status", post(status))
        .route("/incidents/{id}/roles", post(assign))
        .route("/incidents/{id}/log", post(append))
        .route("/incidents/{id}/checklist/{item}", post(tick))
        .route("/incidents/{id}/cards", post(attach))
        .route("/incidents/{id}/log/print", get(super::print::activity_log))
}

fn status_badge(ctx: &Ctx, s: Status) -> Markup {
    html! { span class={ "badge status-" (s) } { (ctx.word("status", s)) } }
}

pub fn exercise_badge(ctx: &Ctx, i: &Incident) -> Markup {
    html! { @if i.exercise { " " span.badge.exercise { (ctx.t("exercise")) } } }
}

async fn overview(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let err = PageError::from(ctx.lang);
    let list = s.app.crisis_list(&ctx.caller.actor()).await.map_err(&err)?;
    // An exercise must never be mistaken for a real crisis: exercises have their own section.
    let (exercises, real): (Vec<_>, Vec<_>) = list.iter().partition(|(i, _)| i.exercise);
    let body = html! {
        h1 { (ctx.t("incidents.title")) }
        @if real.is_empty() { p { (ctx.t("incidents.none")) } }
        @for st in Status::ALL {
            @let group: Vec<_> = real.iter().filter(|(i, _)| i.status == *st).collect();
            @if !group.is_empty() {
                section aria-labelledby={ "h-" (st) } {
                    h2 id={ "h-" (st) } { (ctx.word("status", st)) " (" (group.len()) ")" }
                    ul.cards { @for (i, g) in group { (crisis_card(&ctx, i, g)) } }
                }
            }
        }
        @if !exercises.is_empty() {
            section.exercises aria-labelledby="h-exercises" {
                h2 #h-exercises { span.exercise-label { (ctx.t("exercise")) } " " (ctx.t("incidents.exercises")) " (" (exercises.len()) ")" }
                ul.cards { @for (i, g) in &exercises { (crisis_card(&ctx, i, g)) } }
            }
        }
        @if ctx.may(Permission::CreateIncident) { (create_form(&ctx)) }
    };
    Ok(page(&ctx, ctx.t("incidents.title"), body, Some("all")))
}

/// One crisis in the list, with what a crisis leader acts on: the guide's state, the next
/// update, and the feedback and questions waiting.
fn crisis_card(ctx: &Ctx, i: &Incident, g: &domain::guide::Glance) -> Markup {
    use domain::guide::GuideState;
    // Without the log, a crisis opens as its agent-facing page.
    let href = if ctx.may(Permission::ReadLog) { format!("/incidents/{}", i.id) } else { format!("/agent/{}", i.id) };
    let live = !matches!(i.status, Status::Closed);
    let (state, class) = match g.state(domain::time::now()) {
        GuideState::NotPublished => (ctx.t("incidents.guide_none"), "guide-none"),
        GuideState::Fresh => (ctx.t("incidents.guide_fresh"), "guide-fresh"),
        GuideState::Late => (ctx.t("incidents.guide_late"), "guide-late"),
    };
    html! {
        li.card.exercise-card[i.exercise] {
            a href=(href) { (i.title) }
            (exercise_badge(ctx, i))
            p.meta { (ctx.word("kind", i.kind)) " · " (i.affected.join(", ")) " · " (ctx.t("field.created")) " " (local_time(i.created_at)) }
            @if live {
                p.glance {
                    span class={ "badge " (class) } { (state) }
                    @if let Some(f) = g.freshness.as_ref().filter(|_| class != "guide-late") {
                        " " (ctx.t("incidents.next_update")) " " (local_time(f.next_update_at))
                    }
                    @if ctx.may(Permission::ViewInquiries) {
                        " · " a href={ "/incidents/" (i.id) "/feedback" } { (crate::i18n::counted(ctx.lang, "incidents.open_feedback", g.open_feedback as usize)) }
                        " · " a href={ "/incidents/" (i.id) "/inquiries" } { (crate::i18n::counted(ctx.lang, "incidents.open_questions", g.open_questions as usize)) }
                    }
                }
            }
        }
    }
}

fn create_form(ctx: &Ctx) -> Markup {
    let own = if ctx.caller.user.role == domain::Role::AuthorityEditor { ctx.caller.user.org.clone() } else { String::new() };
    html! {
        section aria-labelledby="h-new" {
            h2 #h-new { (ctx.t("incidents.new")) }
            form method="post" action="/incidents" {
                (ctx.csrf_field())
                div.field { label for="title" { (ctx.t("field.title")) } input #title name="title" required maxlength="200"; }
                div.field {
                    label for="kind" { (ctx.t("field.kind")) }
                    select #kind name="kind" { @for k in IncidentKind::ALL { option value=(k) { (ctx.word("kind", k)) } } }
                }
                div.field {
                    label for="affected" { (ctx.t("field.affected")) }
                    input #affected name="affected" required value=(own) aria-describedby="affected-hint" inputmode="numeric";
                    p #affected-hint .hint { (ctx.t("field.affected.hint")) }
                }
                fieldset {
                    legend { (ctx.t("field.channels")) }
                    @for c in Channel::ALL {
                        label.check { input type="checkbox" name="channels" value=(c) checked[*c == Channel::Phone]; " " (ctx.word("channel", c)) }
                    }
                }
                label.check { input type="checkbox" name="exercise" value="true"; " " (ctx.t("field.exercise")) }
                button type="submit" { (ctx.t("incidents.create")) }
            }
        }
    }
}

#[derive(Deserialize)]
struct CreateForm {
    title: String,
    kind: IncidentKind,
    affected: String,
    #[serde(default)]
    channels: Vec<Channel>,
    #[serde(default)]
    exercise: Option<String>,
}

async fn create(State(s): State<AppState>, ctx: Ctx, Form(f): Form<CreateForm>) -> PageResult {
    let n = NewIncident {
        title: f.title,
        kind: f.kind,
        affected: f.affected.split([',', ' ', ';']).map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect(),
        channels: f.channels,
        exercise: f.exercise.is_some(),
    };
    let i = s.app.create_incident(&ctx.caller.actor(), n).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{}", i.id)))
}

async fn room(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    // Those who may not read the official log get the crisis's agent-facing summary.
    if !ctx.may(Permission::ReadLog) {
        return Ok(axum::response::IntoResponse::into_response(axum::response::Redirect::to(&format!("/agent/{id}"))));
    }
    let err = PageError::from(ctx.lang);
    let room = s.app.crisis_room(&ctx.caller.actor(), id).await.map_err(&err)?;
    let (i, orgs) = (&room.incident, &room.organisations);
    let org_name =
        |code: &str| orgs.iter().find(|o| o.code == code).map(|o| format!("{} ({})", o.name, o.code)).unwrap_or_else(|| code.to_string());

    let body = html! {
        p.crumbs { a href="/incidents" { (ctx.t("nav.incidents")) } }
        h1 { (i.title) (exercise_badge(&ctx, i)) }
        p.meta {
            (status_badge(&ctx, i.status)) " · " (ctx.word("kind", i.kind)) " · "
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
                (status_section(&ctx, i))
                (guide_section(&ctx, i, room.latest.as_ref(), room.freshness.as_ref(), room.feedback))
                (roles_section(&ctx, i, &room.roles, &room.staff))
                (checklist_section(&ctx, i, &room.checklist, &org_name))
                (cards_section(&ctx, i, &room.cards, &room.all_cards))
                @if ctx.may(Permission::ViewStaffing) {
                    section aria-labelledby="h-staffing" {
                        h2 #h-staffing { (ctx.t("staffing.calls")) }
                        (super::chart::calls_chart(&ctx, &room.calls))
                        p.links { a href={ "/incidents/" (i.id) "/staffing" } { (ctx.t("staffing.open")) } " · " a href={ "/incidents/" (i.id) "/shifts" } { (ctx.t("shifts.title")) } }
                    }
                } @else if ctx.may(Permission::ViewShifts) {
                    section aria-labelledby="h-shifts" {
                        h2 #h-shifts { (ctx.t("shifts.title")) }
                        p.links { a href={ "/incidents/" (i.id) "/shifts" } { (ctx.t("shifts.yours_link")) } }
                    }
                }
            }
            div.col { (log_section(&ctx, i, &room.log, &room.verification)) }
        }
    };
    let live = i.id.to_string();
    Ok(page(&ctx, &i.title, body, Some(&live)))
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
            (super::guide_view::freshness(ctx.lang, fresh))
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

fn status_section(ctx: &Ctx, i: &Incident) -> Markup {
    let targets: Vec<Status> = i.status.next().into_iter().chain((i.status == Status::StandingDown).then_some(Status::Active)).collect();
    html! {
        section aria-labelledby="h-status" {
            h2 #h-status { (ctx.t("room.status")) }
            p { (ctx.t("field.status")) ": " (status_badge(ctx, i.status)) }
            @if ctx.may(Permission::ChangeStatus) {
                @for to in targets {
                    form.stack method="post" action={ "/incidents/" (i.id) "/status" } {
                        (ctx.csrf_field())
                        input type="hidden" name="status" value=(to);
                        div.field {
                            @let fid = format!("note-{to}");
                            label for=(fid) { (if to.needs_note() { ctx.t("room.note.close") } else { ctx.t("room.note") }) }
                            textarea id=(fid) name="note" rows="2" maxlength="4000" required[to.needs_note()] {}
                        }
                        button type="submit" data-status=(to) {
                            @if to == Status::Active && i.status == Status::StandingDown { (ctx.t("room.reactivate")) }
                            @else { (ctx.t("room.goto")) " " (ctx.word("status", to).to_lowercase()) }
                        }
                    }
                }
            }
        }
    }
}

fn person_select(ctx: &Ctx, id: &str, name: &str, staff: &[User], current: Option<&str>) -> Markup {
    html! {
        select id=(id) name=(name) {
            option value="" { (ctx.t("room.nobody")) }
            @for u in staff { option value=(u.email) selected[current == Some(u.email.as_str())] { (u.name) " – " (ctx.word("role", u.role)) } }
        }
    }
}

fn roles_section(ctx: &Ctx, i: &Incident, roles: &[domain::role::Assignment], staff: &[User]) -> Markup {
    let name = |p: &Option<domain::user::Person>| p.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| "–".into());
    html! {
        section aria-labelledby="h-roles" {
            h2 #h-roles { (ctx.t("room.roles")) }
            // Focusable, so keyboard users can scroll the table on a narrow screen.
            div.scroll tabindex="0" role="region" aria-labelledby="h-roles" {
                table {
                    thead { tr { th scope="col" { (ctx.t("room.role")) } th scope="col" { (ctx.t("room.primary")) } th scope="col" { (ctx.t("room.deputy")) } } }
                    tbody {
                        @for a in roles {
                            tr { th scope="row" { (ctx.word("role", a.role)) } td { (name(&a.primary)) } td { (name(&a.deputy)) } }
                        }
                    }
                }
            }
            @if ctx.may(Permission::AssignRoles) {
                details {
                    summary { (ctx.t("room.assign")) }
                    form method="post" action={ "/incidents/" (i.id) "/roles" } {
                        (ctx.csrf_field())
                        div.field {
                            label for="role" { (ctx.t("room.role")) }
                            select #role name="role" { @for r in StaffRole::ALL { option value=(r) { (ctx.word("role", r)) } } }
                        }
                        div.field { label for="primary" { (ctx.t("room.primary")) } (person_select(ctx, "primary", "primary", staff, None)) }
                        div.field { label for="deputy" { (ctx.t("room.deputy")) } (person_select(ctx, "deputy", "deputy", staff, None)) }
                        button type="submit" { (ctx.t("room.assign")) }
                    }
                }
            }
        }
    }
}

fn checklist_section(ctx: &Ctx, i: &Incident, items: &[ChecklistItem], org_name: &dyn Fn(&str) -> String) -> Markup {
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
    html! {
        section aria-labelledby="h-checklist" {
            h2 #h-checklist { (ctx.t("room.checklist")) }
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

fn cards_section(
    ctx: &Ctx,
    i: &Incident,
    cards: &[(Uuid, domain::checklist::ActionCard)],
    all: &[(Uuid, domain::checklist::ActionCard)],
) -> Markup {
    let attachable: Vec<_> = all.iter().filter(|(id, _)| !cards.iter().any(|(c, _)| c == id)).collect();
    html! {
        section aria-labelledby="h-cards" {
            h2 #h-cards { (ctx.t("room.cards")) }
            @if cards.is_empty() { p { (ctx.t("room.cards.none")) } }
            @for (_, c) in cards {
                article.actioncard {
                    h3 { (c.title) }
                    (super::card_details(ctx, c))
                }
            }
            @if ctx.may(Permission::AttachActionCard) && !attachable.is_empty() {
                form method="post" action={ "/incidents/" (i.id) "/cards" } {
                    (ctx.csrf_field())
                    div.field {
                        label for="card" { (ctx.t("room.attach")) }
                        select #card name="card_id" {
                            @for (id, c) in &attachable { option value=(id) selected[c.kind == i.kind] { (ctx.word("kind", c.kind)) ": " (c.title) } }
                        }
                    }
                    button type="submit" { (ctx.t("room.attach")) }
                }
            }
        }
    }
}

pub fn log_item(ctx: &Ctx, e: &LogEntry) -> Markup {
    html! {
        li.entry id={ "log-" (e.seq) } data-seq=(e.seq) {
            div.entry-head {
                span.seq { "#" (e.seq) } " "
                (local_time(e.at)) " · "
                span class={ "cat cat-" (e.category) } { (ctx.word("category", e.category)) } " · "
                (e.author.name) ", " (ctx.word("role", e.author.role)) " (" (e.author.org) ")"
                @if let Some(c) = e.corrects { " · " a href={ "#log-" (c) } { (ctx.t("room.log.corrects")) " " (c) } }
            }
            p.entry-text { (paragraphs(&e.text)) }
        }
    }
}

fn log_section(ctx: &Ctx, i: &Incident, log: &[LogEntry], v: &domain::log::Verification) -> Markup {
    html! {
        section aria-labelledby="h-log" {
            h2 #h-log { (ctx.t("room.log")) }
            @if v.valid { p.ok { "✓ " (ctx.t("room.log.valid")) " (" (v.entries) ")" } }
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
                        div.field {
                            label for="category" { (ctx.t("room.log.category")) }
                            select #category name="category" { @for c in LogCategory::ALL { option value=(c) { (ctx.word("category", c)) } } }
                        }
                        div.field { label for="text" { (ctx.t("room.log.text")) } textarea #text name="text" rows="3" required maxlength="4000" {} }
                        div.field {
                            label for="corrects" { (ctx.t("room.log.corrects")) }
                            input #corrects name="corrects" type="number" min="1" max=(log.len()) inputmode="numeric";
                        }
                        button type="submit" { (ctx.t("room.log.submit")) }
                    }
                }
            }
            @if log.is_empty() { p { (ctx.t("room.log.empty")) } }
            ol #log.log reversed aria-live="polite" aria-relevant="additions" {
                @for e in log.iter().rev() { (log_item(ctx, e)) }
            }
        }
    }
}

#[derive(Deserialize)]
struct StatusForm {
    status: Status,
    note: Option<String>,
}

async fn status(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<StatusForm>) -> PageResult {
    let note = f.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    s.app.change_status(&ctx.caller.actor(), id, f.status, note).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}")))
}

#[derive(Deserialize)]
struct AssignForm {
    role: StaffRole,
    primary: Option<String>,
    deputy: Option<String>,
}

async fn assign(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<AssignForm>) -> PageResult {
    s.app
        .assign_role(&ctx.caller.actor(), id, f.role, f.primary.as_deref(), f.deputy.as_deref())
        .await
        .map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}#h-roles")))
}

#[derive(Deserialize)]
struct LogForm {
    category: LogCategory,
    text: String,
    corrects: Option<String>,
}

async fn append(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<LogForm>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let corrects = match f.corrects.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(c.parse::<i64>().map_err(|_| err(domain::DomainError::invalid("corrects", "must be an entry number").into()))?),
        None => None,
    };
    s.app.append_log(&ctx.caller.actor(), id, NewLogEntry { category: f.category, text: f.text, corrects }).await.map_err(&err)?;
    Ok(back_to(&format!("/incidents/{id}#h-log")))
}

#[derive(Deserialize)]
struct TickForm {
    done: bool,
}

async fn tick(State(s): State<AppState>, ctx: Ctx, Path((id, item)): Path<(Uuid, Uuid)>, Form(f): Form<TickForm>) -> PageResult {
    s.app.complete_item(&ctx.caller.actor(), id, item, f.done).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}#h-checklist")))
}

#[derive(Deserialize)]
struct AttachForm {
    card_id: Uuid,
}

async fn attach(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<AttachForm>) -> PageResult {
    s.app.attach_card(&ctx.caller.actor(), id, f.card_id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}#h-cards")))
}
