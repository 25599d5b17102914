//! What flows back to the authority and the process lead: feedback on the guide, what citizens
//! ask, and callback requests (personal data; every view is logged by the store).

use super::form::{Field, Posted, on_field};
use super::handovers;
use super::{Ctx, PageError, PageResult, Path, Typed, back_to, local_time, page, paragraphs};
use crate::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::Permission;
use domain::feedback::FeedbackState;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/feedback", get(feedback))
        .route("/incidents/{id}/feedback/{item}", post(handle))
        .route("/incidents/{id}/inquiries", get(inquiries))
        .route("/incidents/{id}/callbacks", get(callbacks))
}

async fn feedback(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    feedback_page(&s, &ctx, id, &Posted::none()).await
}

/// The feedback list, with a refused handling on its item's form (`feedback-{item}`).
async fn feedback_page(s: &AppState, ctx: &Ctx, id: Uuid, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    let i = s.app.incident(&actor, id, Permission::HandleFeedback).await.map_err(&err)?;
    let list = s.app.feedback(&actor, id).await.map_err(&err)?;
    let latest = s.app.guide_state(&actor, id).await.map_err(&err)?.0.map_or(0, |v| v.version);
    let body = html! {
        p.crumbs { a href={ "/incidents/" (id) } { (i.title) } " · " a href={ "/incidents/" (id) "/guide" } { (ctx.t("guide.edit")) } }
        h1 { (ctx.t("feedback.title")) }
        @if list.is_empty() { p { (ctx.t("feedback.none")) } }
        ul.cards {
            @for f in &list {
                li.card {
                    p { strong { (ctx.word("feedback", f.category)) } " · " (ctx.word("section", f.section)) " · " (ctx.t("guide.version")) " " (f.version) }
                    p { (paragraphs(&f.text)) }
                    p.meta {
                        (f.created_by) ", " (local_time(f.created_at)) " · " (ctx.t("feedback.routed")) " " (ctx.word("role", f.routed_to)) " · "
                        strong { (ctx.word("feedback_state", f.state)) }
                        @if let Some(v) = f.resolved_by_version { " (" (ctx.t("guide.version")) " " (v) ")" }
                    }
                    @let posted = posted.only(&format!("feedback-{}", f.id));
                    @let version_id = format!("v-{}", f.id);
                    @let fields = [Field::new("resolved_by_version", &version_id, ctx.t("feedback.resolve"))];
                    (posted.summary_of(ctx.lang, &fields))
                    @if f.state != FeedbackState::Resolved {
                        form.inline method="post" action={ "/incidents/" (id) "/feedback/" (f.id) } {
                            (ctx.csrf_field())
                            @if f.state == FeedbackState::New {
                                button.small type="submit" name="state" value="acknowledged" { (ctx.t("feedback.acknowledge")) } " "
                            }
                            @if latest > f.version {
                                @let chosen = posted.value("resolved_by_version");
                                label.visually-hidden for=(version_id) { (ctx.t("feedback.resolve")) }
                                select.narrow-select id=(version_id) name="resolved_by_version" aria-invalid=[posted.invalid("resolved_by_version")]
                                    aria-describedby=[posted.described_by("resolved_by_version", &version_id, None)] {
                                    @for v in (f.version + 1..=latest).rev() { option value=(v) selected[chosen == Some(v.to_string().as_str())] { (v) } }
                                }
                                " " button.small type="submit" name="state" value="resolved" { (ctx.t("feedback.resolve")) }
                                (posted.message(ctx.lang, "resolved_by_version", &version_id))
                            }
                        }
                    }
                }
            }
        }
    };
    Ok((posted.status, page(ctx, ctx.t("feedback.title"), body, None)).into_response())
}

#[derive(Deserialize)]
struct HandleForm {
    state: FeedbackState,
    resolved_by_version: Option<i64>,
}

async fn handle(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(Uuid, Uuid)>,
    Typed(f, typed): Typed<HandleForm>,
) -> PageResult {
    let resolved_by = if f.state == FeedbackState::Resolved { f.resolved_by_version } else { None };
    match s.app.handle_feedback(&ctx.caller.actor(), id, item, f.state, resolved_by).await {
        Ok(_) => Ok(back_to(&format!("/incidents/{id}/feedback"))),
        Err(e) => {
            // The one clash: the item was handled meanwhile; the page shows its state now.
            let e = on_field(e.into(), "conflict", "state", domain::error::code::FEEDBACK_HANDLED, "");
            let posted = Posted::refused(ctx.lang, &format!("feedback-{item}"), typed, e).map_err(PageError::from(ctx.lang))?;
            feedback_page(&s, &ctx, id, &posted).await
        }
    }
}

async fn inquiries(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Query(added): Query<handovers::Added>) -> PageResult {
    Ok(inquiries_page(&s, &ctx, id, &handovers::Notice::Added(added)).await?.into_response())
}

/// What citizens ask, with `notice` on the chatbot's questions (what the last click did).
pub(super) async fn inquiries_page(
    s: &AppState,
    ctx: &Ctx,
    id: Uuid,
    notice: &handovers::Notice,
) -> Result<axum::response::Response, PageError> {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    let i = s.app.incident(&actor, id, Permission::ViewInquiries).await.map_err(&err)?;
    let a = s.app.inquiry_summary(&actor, id).await.map_err(&err)?;
    let chatbot = s.app.handovers(&actor, id).await.map_err(&err)?;
    let max_hour = a.per_hour.iter().map(|h| h.1).max().unwrap_or(1);
    let body = html! {
        p.crumbs { a href={ "/incidents/" (id) } { (i.title) } }
        h1 { (ctx.t("inquiries.title")) }
        p { (ctx.t("inquiries.total")) ": " strong { (a.total) } }
        @if a.total == 0 { p { (ctx.t("inquiries.none")) } }
        (handovers::section(ctx, id, &chatbot, notice))
        @if !a.top_not_covered.is_empty() {
            h2 { (ctx.t("inquiries.top_not_covered")) }
            ol { @for (q, n) in &a.top_not_covered { li { (q) " (" (n) ")" } } }
        }
        @if !a.per_situation.is_empty() {
            h2 { (ctx.t("inquiries.per_situation")) }
            div.scroll { table {
                thead { tr { th scope="col" { (ctx.t("guide.situation")) } th.num scope="col" { (ctx.t("inquiries.count")) } } }
                tbody { @for (sit, n) in &a.per_situation {
                    tr { th scope="row" { @match sit { Some(t) => (t), None => em { (ctx.t("agent.not_covered")) } } } td.num { (n) } }
                } }
            } }
        }
        @if !a.chat_answered.is_empty() {
            h2 #h-chat-answered { (ctx.t("inquiries.chat_answered")) }
            p.hint { (ctx.t("inquiries.chat_answered_hint")) }
            div.scroll { table aria-labelledby="h-chat-answered" {
                thead { tr { th scope="col" { (ctx.t("guide.situation")) } th.num scope="col" { (ctx.t("inquiries.count")) } } }
                tbody { @for x in &a.chat_answered {
                    tr { th scope="row" { (answered_label(ctx, x)) } td.num { (x.count) } }
                } }
            } }
        }
        @if !a.per_hour.is_empty() {
            h2 { (ctx.t("inquiries.per_hour")) }
            div.scroll { table.bars {
                thead { tr { th scope="col" { (ctx.t("inquiries.hour")) } th.num scope="col" { (ctx.t("inquiries.count")) } th scope="col" { span.visually-hidden { (ctx.t("inquiries.per_hour")) } } } }
                tbody { @for (hour, n) in &a.per_hour {
                    tr { th scope="row" { (hour) } td.num { (n) } td aria-hidden="true" { svg.bar viewBox="0 0 100 1" preserveAspectRatio="none" { rect width=(n * 100 / max_hour) height="1" {} } } }
                } }
            } }
        }
    };
    Ok(page(ctx, ctx.t("inquiries.title"), body, None))
}

/// A situation by its wording; the summary and the contacts by their section's name.
fn answered_label(ctx: &Ctx, x: &domain::inquiry::Answered) -> String {
    match (x.section, &x.situation) {
        (_, Some(s)) => s.clone(),
        (domain::inquiry::AnsweredSection::Contacts, None) => ctx.t("guide.contacts").to_string(),
        _ => ctx.t("guide.citizen_summary").to_string(),
    }
}

async fn callbacks(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    let i = s.app.incident(&actor, id, Permission::ViewCallbacks).await.map_err(&err)?;
    let list = s.app.callbacks(&actor, id, false).await.map_err(&err)?;
    let access = s.app.personal_data_access(&actor, id).await.map_err(&err)?;
    let body = html! {
        p.crumbs { a href={ "/incidents/" (id) } { (i.title) } }
        h1 { (ctx.t("callbacks.title")) }
        p.notice { (ctx.t("callbacks.privacy")) }
        p.links { a href={ "/api/v1/incidents/" (id) "/callbacks.csv" } download { (ctx.t("callbacks.export")) } }
        @if list.is_empty() { p { (ctx.t("callbacks.none")) } }
        ul.cards {
            @for c in &list {
                li.card {
                    p { strong { (c.name) } " · " a href={ "tel:" (c.phone.replace(' ', "")) } { (c.phone) }
                        @if !c.email.is_empty() { " · " (c.email) } }
                    p { (paragraphs(&c.reason)) }
                    p.meta { (ctx.t("callbacks.received")) " " (local_time(c.created_at)) " · " (ctx.t("callbacks.recorded_by")) " " (c.created_by)
                        " · " (c.municipality) " · " (ctx.t("callbacks.mailed")) ": " (if c.mailed { ctx.t("yes") } else { ctx.t("no") }) }
                }
            }
        }
        details {
            summary { (ctx.t("callbacks.access")) }
            ul { @for a in &access { li { (local_time(a.at)) " · " (a.user_name) " · " (a.what) " · " (a.records) } } }
        }
    };
    Ok(page(&ctx, ctx.t("callbacks.title"), body, None))
}
