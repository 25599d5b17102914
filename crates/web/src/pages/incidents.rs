//! The incident overview and creating an incident (the crisis room is `room.rs`).

use super::form::Posted;
use super::{Ctx, PageError, PageResult, Typed, back_to, local_time, page};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::Permission;
use domain::incident::{Channel, Incident, IncidentKind, NewIncident, Status};
use domain::org::Organisation;
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(overview).post(create))
        .route("/incidents/new", get(new_incident))
        .route("/incidents/{id}/log/print", get(super::print::activity_log))
}

pub fn status_badge(ctx: &Ctx, s: Status) -> Markup {
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
    let actions =
        if ctx.may(Permission::ViewOpenActions) { s.app.open_actions(&ctx.caller.actor()).await.map_err(&err)? } else { Vec::new() };
    let now = domain::time::now();
    let body = html! {
        h1 { (ctx.t("incidents.title")) }
        @if !actions.is_empty() {
            section aria-labelledby="h-actions" {
                h2 #h-actions { (ctx.t("actions.open")) " (" (actions.len()) ")" }
                ul { @for (a, title) in &actions { li {
                    a href={ (super::report::path(a.incident_id)) "#plan" } { (a.text) } " – " (a.owner) ", " (ctx.t("report.due")) " " (a.due)
                    " (" (ctx.word("action_status", a.status)) ") · " (title)
                    @if a.overdue(now) { " " span.badge.guide-late { (ctx.t("actions.overdue")) } }
                } } }
            }
        }
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
    let state = g.state(domain::time::now());
    let (text, class) = match state {
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
                    span class={ "badge " (class) } { (text) }
                    // A late update's time has passed: the badge says so instead.
                    @if let (GuideState::Fresh, Some(f)) = (state, &g.freshness) {
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

/// Where the overview offers to create an incident: the form is a page of its own, with the
/// organisations to choose from.
fn create_form(ctx: &Ctx) -> Markup {
    html! {
        section aria-labelledby="h-new" {
            h2 #h-new { (ctx.t("incidents.new")) }
            p { a.button href="/incidents/new" { (ctx.t("incidents.new")) } }
        }
    }
}

async fn new_incident(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    create_page(&s, &ctx, &Posted::none()).await
}

/// The create form, with what was typed and its problems when a post was refused.
async fn create_page(s: &AppState, ctx: &Ctx, posted: &Posted) -> PageResult {
    ctx.caller.actor().may(domain::Permission::CreateIncident).map_err(|e| PageError::Api(e.into(), ctx.lang))?;
    let orgs = s.app.public_organisations().await.map_err(PageError::from(ctx.lang))?;
    let body = html! {
        p.crumbs { a href="/incidents" { (ctx.t("nav.incidents")) } }
        h1 { (ctx.t("incidents.new")) }
        (create_fields(ctx, &orgs, posted))
    };
    Ok((posted.status, page(ctx, ctx.t("incidents.new"), body, None)).into_response())
}

/// How many organisation fields the form offers: what was typed, and room for more.
const AFFECTED_ROWS: usize = 3;

fn create_fields(ctx: &Ctx, orgs: &[Organisation], posted: &Posted) -> Markup {
    let own = (ctx.caller.user.role == domain::Role::AuthorityEditor).then(|| ctx.caller.user.org.clone());
    let mut affected: Vec<String> = posted.values("affected").filter(|v| !v.trim().is_empty()).map(str::to_string).collect();
    if affected.is_empty() && !posted.is_refused() {
        affected.extend(own.iter().filter_map(|c| orgs.iter().find(|o| &o.code == c)).map(option_value));
    }
    let rows = affected.len().max(AFFECTED_ROWS - 1) + 1;
    let channels: Vec<&str> = posted.values("channels").collect();
    let target = |f: &str| match f {
        "title" | "kind" => Some(f.to_string()),
        "affected" => Some("affected-0".to_string()),
        "channels" => Some(format!("channel-{}", Channel::ALL[0])),
        _ => None,
    };
    let label = |f: &str| crate::i18n::t_or(ctx.lang, &format!("field.{f}"), f).to_string();
    html! {
        form.stack method="post" action="/incidents" {
            (ctx.csrf_field())
            (posted.summary(ctx.lang, &target, &label))
            div.field {
                label for="title" { (ctx.t("field.title")) }
                input #title name="title" required maxlength=(domain::incident::TITLE_MAX) value=[posted.value("title")]
                    aria-invalid=[posted.invalid("title")] aria-describedby=[posted.described_by("title", "title", None)];
                (posted.message(ctx.lang, "title", "title"))
            }
            div.field {
                label for="kind" { (ctx.t("field.kind")) }
                select #kind name="kind" { @for k in IncidentKind::ALL { option value=(k) selected[posted.value("kind") == Some(k.as_str())] { (ctx.word("kind", k)) } } }
            }
            fieldset aria-describedby="affected-hint" {
                legend { (ctx.t("field.affected")) }
                p #affected-hint .hint { (ctx.t("field.affected.hint")) }
                @for n in 0..rows {
                    @let id = format!("affected-{n}");
                    div.field {
                        label for=(id) { (crate::i18n::tf(ctx.lang, "field.affected.row", &[("n", &(n + 1).to_string())])) }
                        input id=(id) name="affected" list="organisations" autocomplete="off" required[n == 0] value=[affected.get(n)]
                            aria-invalid=[posted.invalid("affected")] aria-describedby=[posted.described_by("affected", "affected", None)];
                    }
                }
                (posted.message(ctx.lang, "affected", "affected"))
                datalist #organisations { @for o in orgs { option value=(option_value(o)) {} } }
            }
            fieldset {
                legend { (ctx.t("field.channels")) }
                @for c in Channel::ALL {
                    @let on = if posted.is_refused() { channels.contains(&c.as_str()) } else { *c == Channel::Phone };
                    label.check { input id={ "channel-" (c) } type="checkbox" name="channels" value=(c) checked[on] aria-invalid=[posted.invalid("channels")]; " " (ctx.word("channel", c)) }
                }
                (posted.message(ctx.lang, "channels", "channels"))
            }
            label.check { input type="checkbox" name="exercise" value="true" checked[posted.value("exercise").is_some()]; " " (ctx.t("field.exercise")) }
            button type="submit" { (ctx.t("incidents.create")) }
        }
    }
}

/// An organisation as the list offers it and the server reads it back: "Frederikssund (0250)".
fn option_value(o: &Organisation) -> String {
    format!("{} ({})", o.name, o.code)
}

#[derive(Deserialize)]
struct CreateForm {
    title: String,
    kind: IncidentKind,
    #[serde(default)]
    affected: Vec<String>,
    #[serde(default)]
    channels: Vec<Channel>,
    #[serde(default)]
    exercise: Option<String>,
}

/// Each field names one organisation, or several separated by commas or semicolons (codes
/// also by spaces, as the form took them before).
fn affected_entries(fields: &[String]) -> Vec<String> {
    let parts = fields.iter().flat_map(|f| f.split([',', ';', '\n'])).map(str::trim).filter(|p| !p.is_empty());
    parts
        .flat_map(|p| {
            let words: Vec<&str> = p.split_whitespace().collect();
            let codes = words.len() > 1 && words.iter().all(|w| domain::org::valid_code(w));
            if codes { words.into_iter().map(String::from).collect() } else { vec![p.to_string()] }
        })
        .collect()
}

async fn create(State(s): State<AppState>, ctx: Ctx, Typed(f, typed): Typed<CreateForm>) -> PageResult {
    let n = NewIncident {
        title: f.title,
        kind: f.kind,
        affected: affected_entries(&f.affected),
        channels: f.channels,
        exercise: f.exercise.is_some(),
    };
    match s.app.create_incident(&ctx.caller.actor(), n).await {
        Ok(i) => Ok(back_to(&format!("/incidents/{}", i.id))),
        Err(e) => match Posted::refused(ctx.lang, "create", typed, e.into()) {
            Ok(posted) => create_page(&s, &ctx, &posted).await,
            Err(e) => Err(PageError::Api(e, ctx.lang)),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn affected_fields_split_into_names_and_codes() {
        let fields = ["Frederikssund (0250)".to_string(), "0101 0147".into(), "Lyngby-Taarbæk; Region Hovedstaden".into(), " ".into()];
        let got = super::affected_entries(&fields);
        assert_eq!(got, ["Frederikssund (0250)", "0101", "0147", "Lyngby-Taarbæk", "Region Hovedstaden"]);
    }
}
