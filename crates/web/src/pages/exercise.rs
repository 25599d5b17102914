//! The exercise page: the controller's clock and injects, the players' view of what has been
//! delivered, who takes part, and the evaluators' observations.

use super::form::{Field, Posted};
use super::{Ctx, Form, NoFields, PageError, PageResult, Path, Typed, back_to, page};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::tf;
use app::exercises::ClockAction;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use domain::exercise::clock::MAX_SPEED;
use domain::exercise::scenario::format_offset;
use domain::exercise::{At, Exercise, NewObservation, Part, Rating};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

/// The speeds the controller chooses from.
const SPEEDS: &[u32] = &[1, 2, 5, 10, 30, MAX_SPEED];

pub fn path(id: Uuid) -> String {
    format!("/incidents/{id}/exercise")
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/exercise", get(show))
        .route("/incidents/{id}/exercise/clock", post(clock))
        .route("/incidents/{id}/exercise/injects/{number}/deliver", post(deliver))
        .route("/incidents/{id}/exercise/parts", post(set_part))
        .route("/incidents/{id}/exercise/observations", post(observe))
        .route("/incidents/{id}/exercise/archive", post(archive))
}

async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    exercise_page(&s, &ctx, id, &Posted::none()).await
}

async fn exercise_page(s: &AppState, ctx: &Ctx, id: Uuid, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let e = s.app.exercise(&ctx.caller.actor(), id).await.map_err(&err)?;
    let part = e.part_of(ctx.caller.user.id);
    let controls = e.archived_at.is_none()
        && ctx.may(domain::Permission::RunExercise)
        && (ctx.caller.user.role == domain::Role::Secretariat || part == Some(Part::Controller));
    let evaluates = part == Some(Part::Evaluator) && ctx.may(domain::Permission::ObserveExercise);
    let now = domain::time::now();
    let title = tf(ctx.lang, "exercise.page_title", &[("title", &e.scenario.title)]);
    let body = html! {
        h1 { (title) " " span.badge.exercise { (ctx.t("exercise")) } }
        p.meta { a href={ "/incidents/" (id) } { (ctx.t("exercise.room")) } }
        @if posted.is_refused() { (posted.summary(ctx.lang, &|_| None, &|_| String::new())) }
        (clock_section(ctx, &e, controls, now))
        (injects_section(ctx, &e, controls))
        (parts_section(ctx, &e, controls, posted.only("part")))
        (observations_section(ctx, &e, evaluates, posted.only("observation")))
    };
    let mut r = page(ctx, &title, body, None);
    *r.status_mut() = posted.status;
    Ok(r)
}

fn clock_section(ctx: &Ctx, e: &Exercise, controls: bool, now: time::OffsetDateTime) -> Markup {
    let c = e.clock;
    let speed = Field::new("speed", "clock-speed", ctx.t("exercise.speed"));
    html! {
        section aria-labelledby="h-clock" {
            h2 #h-clock { (ctx.t("exercise.clock")) }
            dl.facts {
                dt { (ctx.t("exercise.scenario_time")) } dd.clock { (format_offset(c.seconds(now))) " / " (format_offset(e.scenario.duration_s)) }
                dt { (ctx.t("exercise.speed")) } dd { (c.speed) "×" }
                dt { (ctx.t("exercise.state")) } dd { @if e.finished(now) { (ctx.t("exercise.finished")) } @else if c.running { (ctx.t("exercise.running")) } @else { (ctx.t("exercise.paused")) } }
            }
            @if controls {
                form.stack.clock method="post" action={ (path(e.incident_id)) "/clock" } {
                    (ctx.csrf_field())
                    div.field {
                        label for=(speed.id) { (speed.label) }
                        select id=(speed.id) name="speed" {
                            @for s in SPEEDS { option value=(s) selected[*s == c.speed] { (s) "×" } }
                        }
                    }
                    div.buttons {
                        @if c.running {
                            button type="submit" name="action" value="pause" { (ctx.t("exercise.pause")) }
                        } @else {
                            button type="submit" name="action" value="play" { (ctx.t("exercise.play")) }
                        }
                        " " button type="submit" name="action" value="next" disabled[e.next_due().is_none()] { (ctx.t("exercise.next")) }
                        " " button type="submit" name="action" value="speed" { (ctx.t("exercise.set_speed")) }
                        " " button.secondary type="submit" name="action" value="reset" { (ctx.t("exercise.reset")) }
                    }
                }
                form.inline method="post" action={ (path(e.incident_id)) "/archive" } {
                    (ctx.csrf_field())
                    button.secondary type="submit" { (ctx.t("exercise.archive")) }
                }
            }
            @if let Some(at) = e.archived_at { p.notice { (ctx.t("exercise.archived")) " " (super::local_time(at)) } }
        }
    }
}

fn injects_section(ctx: &Ctx, e: &Exercise, controls: bool) -> Markup {
    html! {
        section aria-labelledby="h-injects" {
            h2 #h-injects { (ctx.t("exercise.injects")) }
            table.injects {
                caption.visually-hidden { (ctx.t("exercise.injects")) }
                thead { tr {
                    th scope="col" { (ctx.t("exercise.number")) }
                    th scope="col" { (ctx.t("exercise.at")) }
                    th scope="col" { (ctx.t("exercise.from_to")) }
                    th scope="col" { (ctx.t("exercise.message")) }
                    th scope="col" { (ctx.t("exercise.delivered")) }
                } }
                tbody {
                    @for i in &e.injects {
                        tr.delivered[i.delivered_at.is_some()] {
                            (inject_cells(ctx, &i.inject))
                            td {
                                @match i.delivered_at {
                                    Some(at) => { (super::local_time(at)) @if let Some(s) = i.delivered_s { " (" (format_offset(s)) ")" } },
                                    None if controls => form.inline method="post" action={ (path(e.incident_id)) "/injects/" (i.inject.number) "/deliver" } {
                                        (ctx.csrf_field())
                                        button.small type="submit" aria-label={ (ctx.t("exercise.deliver")) " " (i.inject.number) } { (ctx.t("exercise.deliver")) }
                                    },
                                    None => (ctx.t("exercise.not_yet")),
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An inject's number, time, sender and recipient, and message: the cells both the exercise's
/// and the scenario's tables show.
pub(super) fn inject_cells(ctx: &Ctx, i: &domain::exercise::Inject) -> Markup {
    html! {
        th scope="row" { (i.number) }
        td { @match i.at { At::Offset(s) => (format_offset(s)), At::Manual => (ctx.t("exercise.manual")) } }
        td { (i.from) " → " (recipient(ctx, &i.to)) br; span.meta { (ctx.word("inject_channel", i.channel)) } }
        td {
            (i.message)
            @if !i.expected_action.is_empty() { br; span.meta { (ctx.t("exercise.expected")) ": " (i.expected_action) } }
            @if !i.objective.is_empty() { br; span.meta { (ctx.t("exercise.objective")) " " (i.objective) } }
        }
    }
}

/// An inject's recipient in the reader's words.
pub(super) fn recipient(ctx: &Ctx, to: &domain::exercise::Recipient) -> String {
    use domain::exercise::Recipient;
    match to {
        Recipient::Role(r) => ctx.word("role", r).to_string(),
        Recipient::Agents => ctx.t("exercise.agents").to_string(),
        Recipient::Authority(code) => tf(ctx.lang, "exercise.authority", &[("code", code)]),
    }
}

fn parts_section(ctx: &Ctx, e: &Exercise, controls: bool, posted: &Posted) -> Markup {
    let email = Field::new("email", "part-email", ctx.t("exercise.part_email"));
    let part = Field::new("part", "part-part", ctx.t("exercise.part"));
    html! {
        section aria-labelledby="h-parts" {
            h2 #h-parts { (ctx.t("exercise.parts")) }
            p.hint { (ctx.t("exercise.parts_hint")) }
            ul {
                @for p in &e.parts { li { (p.person.name) " · " (ctx.word("exercise_part", p.part)) " · " span.meta { (ctx.word("role", p.role)) } } }
            }
            @if controls {
                form.stack method="post" action={ (path(e.incident_id)) "/parts" } {
                    (ctx.csrf_field())
                    (posted.summary_of(ctx.lang, &[email, part]))
                    (posted.field(ctx.lang, email, |invalid, described| html! {
                        input id=(email.id) name="email" type="email" required autocomplete="off" value=[posted.value("email")] aria-invalid=[invalid] aria-describedby=[described];
                    }))
                    (posted.field(ctx.lang, part, |_, _| html! {
                        select id=(part.id) name="part" {
                            @for p in Part::ALL { option value=(p) { (ctx.word("exercise_part", p)) } }
                        }
                    }))
                    button type="submit" { (ctx.t("exercise.add_part")) }
                }
            }
        }
    }
}

fn observations_section(ctx: &Ctx, e: &Exercise, evaluates: bool, posted: &Posted) -> Markup {
    let inject = Field::new("inject", "obs-inject", ctx.t("exercise.obs_inject"));
    let objective = Field::new("objective", "obs-objective", ctx.t("exercise.obs_objective"));
    let text = Field::new("text", "obs-text", ctx.t("exercise.obs_text")).hint(ctx.t("exercise.obs_text_hint"));
    let chosen = posted.value("rating").unwrap_or("");
    html! {
        section aria-labelledby="h-observations" {
            h2 #h-observations { (ctx.t("exercise.observations")) }
            @if e.observations.is_empty() { p { (ctx.t("exercise.no_observations")) } }
            ul.cards {
                @for o in &e.observations {
                    li.card {
                        p { strong { (ctx.word("rating", o.rating)) } @if let Some(n) = o.inject { " · " (ctx.t("exercise.number")) " " (n) } @if !o.objective.is_empty() { " · " (o.objective) } }
                        p { (o.text) }
                        p.meta { (o.author_name) " · " (super::local_time(o.at)) }
                    }
                }
            }
            @if evaluates {
                form.stack method="post" action={ (path(e.incident_id)) "/observations" } {
                    (ctx.csrf_field())
                    (posted.summary_of(ctx.lang, &[inject, objective, text]))
                    (posted.field(ctx.lang, inject, |invalid, described| html! {
                        select id=(inject.id) name="inject" aria-invalid=[invalid] aria-describedby=[described] {
                            option value="" { (ctx.t("exercise.obs_none")) }
                            @for i in &e.injects { option value=(i.inject.number) selected[posted.value("inject") == Some(&i.inject.number.to_string())] { (i.inject.number) ": " (i.inject.message.chars().take(60).collect::<String>()) } }
                        }
                    }))
                    (posted.field(ctx.lang, objective, |invalid, described| html! {
                        select id=(objective.id) name="objective" aria-invalid=[invalid] aria-describedby=[described] {
                            option value="" { (ctx.t("exercise.obs_none")) }
                            @for o in &e.scenario.objectives { option value=(o.id) selected[posted.value("objective") == Some(o.id.as_str())] { (o.id) ": " (o.text) } }
                        }
                    }))
                    fieldset {
                        legend { (ctx.t("exercise.rating")) }
                        @for (n, r) in Rating::ALL.iter().enumerate() {
                            div.choice {
                                input type="radio" id={ "obs-rating-" (n) } name="rating" value=(r) required checked[chosen == r.as_str() || (chosen.is_empty() && n == 0)];
                                label for={ "obs-rating-" (n) } { (ctx.word("rating", r)) }
                            }
                        }
                    }
                    (posted.field(ctx.lang, text, |invalid, described| html! {
                        textarea id=(text.id) name="text" rows="4" required maxlength="2000" aria-invalid=[invalid] aria-describedby=[described] { (posted.value("text").unwrap_or("")) }
                    }))
                    button type="submit" { (ctx.t("exercise.observe")) }
                }
            }
        }
    }
}

/// A refused form shown again on the page, or the error page for what a form cannot show.
async fn refused(s: &AppState, ctx: &Ctx, id: Uuid, form: &str, typed: Vec<(String, String)>, e: app::Error) -> PageResult {
    match Posted::refused(ctx.lang, form, typed, ApiError::from(e)) {
        Ok(posted) => exercise_page(s, ctx, id, &posted).await,
        Err(e) => Err(PageError::Api(e, ctx.lang)),
    }
}

#[derive(Deserialize)]
struct ClockForm {
    action: String,
    #[serde(default)]
    speed: Option<u32>,
}

async fn clock(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<ClockForm>) -> PageResult {
    let (action, speed) = match f.action.as_str() {
        "play" => (ClockAction::Play, f.speed),
        "pause" => (ClockAction::Pause, None),
        "next" => (ClockAction::Next, None),
        "reset" => (ClockAction::Reset, None),
        _ => (ClockAction::Speed, f.speed.or(Some(1))),
    };
    match s.app.control_exercise(&ctx.caller.actor(), id, action, speed).await {
        Ok(_) => Ok(back_to(&format!("{}#h-clock", path(id)))),
        Err(e) => refused(&s, &ctx, id, "clock", typed, e).await,
    }
}

async fn deliver(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(Uuid, u32)>,
    Form(NoFields {}): Form<NoFields>,
) -> PageResult {
    match s.app.deliver_inject(&ctx.caller.actor(), id, number).await {
        Ok(_) => Ok(back_to(&format!("{}#h-injects", path(id)))),
        Err(e) => refused(&s, &ctx, id, "deliver", Vec::new(), e).await,
    }
}

#[derive(Deserialize)]
struct PartForm {
    email: String,
    part: String,
}

async fn set_part(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<PartForm>) -> PageResult {
    let part = match f.part.parse::<Part>() {
        Ok(p) => p,
        Err(e) => return refused(&s, &ctx, id, "part", typed, e.into()).await,
    };
    match s.app.set_exercise_part(&ctx.caller.actor(), id, &f.email, Some(part)).await {
        Ok(_) => Ok(back_to(&format!("{}#h-parts", path(id)))),
        Err(e) => refused(&s, &ctx, id, "part", typed, e).await,
    }
}

#[derive(Deserialize)]
struct ObservationForm {
    #[serde(default)]
    inject: String,
    #[serde(default)]
    objective: String,
    rating: String,
    text: String,
}

async fn observe(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<ObservationForm>) -> PageResult {
    let rating = match f.rating.parse::<Rating>() {
        Ok(r) => r,
        Err(e) => return refused(&s, &ctx, id, "observation", typed, e.into()).await,
    };
    let o = NewObservation { inject: f.inject.trim().parse().ok(), objective: f.objective, rating, text: f.text };
    match s.app.observe(&ctx.caller.actor(), id, o).await {
        Ok(_) => Ok(back_to(&format!("{}#h-observations", path(id)))),
        Err(e) => refused(&s, &ctx, id, "observation", typed, e).await,
    }
}

async fn archive(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(NoFields {}): Form<NoFields>) -> PageResult {
    match s.app.archive_exercise(&ctx.caller.actor(), id).await {
        Ok(_) => Ok(back_to(&format!("{}#h-clock", path(id)))),
        Err(e) => refused(&s, &ctx, id, "archive", Vec::new(), e).await,
    }
}

/// The room's link to its exercise.
pub fn room_link(ctx: &Ctx, i: &domain::incident::Incident) -> Markup {
    html! { @if i.exercise && ctx.may(domain::Permission::ViewExercise) { p.links { a href=(path(i.id)) { (ctx.t("exercise.open")) } } } }
}
