//! On "what citizens ask": the questions the chatbot handed over or answered with low
//! confidence, grouped with their counts, and per group the one-click form that adds the
//! question to the guide (shown only to those who may edit the guide).

use super::form::{self, problem_text};
use super::{Ctx, Form, PageError, PageResult, Path, back_to, local_time};
use crate::AppState;
use crate::error::ApiError;
use app::handovers::{AdoptQuestion, Adopted, Handovers};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new().route("/incidents/{id}/inquiries/handovers", post(adopt))
}

/// What the last click did, from the redirect's query: `?added=published&version=3`.
#[derive(Debug, Default, Deserialize)]
pub struct Added {
    added: Option<String>,
    version: Option<i64>,
}

/// What the section says above the groups.
pub enum Notice {
    Added(Added),
    /// The click was refused: its question and why.
    Refused {
        question: String,
        error: ApiError,
    },
}

/// The value of the form's "new row" choice.
const NEW_ROW: &str = "new";

#[derive(Deserialize)]
struct AdoptForm {
    question: String,
    version: i64,
    row: String,
}

async fn adopt(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<AdoptForm>) -> PageResult {
    let row = match f.row.as_str() {
        NEW_ROW => None,
        r => Some(r.parse::<usize>().map_err(|_| {
            PageError::Api(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "row: choose a row or a new row"), ctx.lang)
        })?),
    };
    let cmd = AdoptQuestion { question: f.question.clone(), version: f.version, row };
    match s.app.adopt_question(&ctx.caller.actor(), id, cmd).await {
        Ok(Adopted::Published { version, .. }) => {
            Ok(back_to(&format!("/incidents/{id}/inquiries?added=published&version={version}#handovers")))
        }
        Ok(Adopted::AwaitsPublishing { .. }) => Ok(back_to(&format!("/incidents/{id}/inquiries?added=draft#handovers"))),
        // The new row's action and citizen text are to be written: the editor opens at them.
        Ok(Adopted::NewRow { row }) => Ok(back_to(&format!("/incidents/{id}/guide#g-situations-{row}-action"))),
        Err(e) => {
            let error = ApiError::from(e);
            // Not allowed, or no such crisis: the page's own answer, not a message on the form.
            if matches!(error.status.as_u16(), 401 | 403 | 404) {
                return Err(PageError::Api(error, ctx.lang));
            }
            let status = error.status;
            let notice = Notice::Refused { question: f.question, error };
            let page = super::authority::inquiries_page(&s, &ctx, id, &notice).await?;
            Ok((status, page).into_response())
        }
    }
}

/// The section of the inquiries page.
pub fn section(ctx: &Ctx, id: Uuid, h: &Handovers, notice: &Notice) -> Markup {
    html! {
        section aria-labelledby="handovers" {
            h2 #handovers tabindex="-1" { (ctx.t("handovers.title")) }
            p.hint { (ctx.t("handovers.hint")) }
            (notice_of(ctx, id, notice))
            @if h.groups.is_empty() { p { (ctx.t("handovers.none")) } }
            @if h.may_edit && h.draft_pending && !h.groups.is_empty() {
                p.notice { (ctx.t("handovers.draft_pending")) " " a href={ "/incidents/" (id) "/guide" } { (ctx.t("handovers.open_editor")) } }
            }
            ul.cards.handovers {
                @for (n, g) in h.groups.iter().enumerate() {
                    li.card {
                        p { strong { (g.question) } }
                        p.meta {
                            (ctx.t("handovers.asked")) " " strong { (g.count) } " · "
                            (ctx.t("handovers.handed_over")) " " (g.handed_over) " · "
                            (ctx.t("handovers.low_confidence")) " " (g.low_confidence) " · "
                            (ctx.t("handovers.last_asked")) " " (local_time(g.last_asked))
                        }
                        @if g.variants.len() > 1 {
                            details {
                                summary { (ctx.t("handovers.variants")) " (" (g.variants.len()) ")" }
                                ul { @for (text, count) in &g.variants { li { (text) " (" (count) ")" } } }
                            }
                        }
                        @if let (true, true, Some(version)) = (h.may_edit, g.adoptable, h.version) {
                            (adopt_form(ctx, id, n, version, h, &g.question))
                        }
                    }
                }
            }
        }
    }
}

/// One group's form: a published row, or a new row, and the button.
fn adopt_form(ctx: &Ctx, id: Uuid, n: usize, version: i64, h: &Handovers, question: &str) -> Markup {
    let select_id = format!("handover-row-{n}");
    html! {
        form.adopt method="post" action={ "/incidents/" (id) "/inquiries/handovers" } {
            (ctx.csrf_field())
            input type="hidden" name="question" value=(question);
            input type="hidden" name="version" value=(version);
            label for=(select_id) { (ctx.t("handovers.row")) }
            select id=(select_id) name="row" {
                @for r in &h.rows {
                    option value=(r.row) { (if r.question.is_empty() { &r.situation } else { &r.question }) }
                }
                option value=(NEW_ROW) { (ctx.t("handovers.new_row")) }
            }
            " " button.small type="submit" { (ctx.t("handovers.add")) }
        }
    }
}

fn notice_of(ctx: &Ctx, id: Uuid, notice: &Notice) -> Markup {
    html! {
        @match notice {
            Notice::Added(a) => {
                @match (a.added.as_deref(), a.version) {
                    (Some("published"), Some(v)) => p.notice role="status" { (crate::i18n::tf(ctx.lang, "handovers.published", &[("version", &v.to_string())])) },
                    (Some("draft"), _) => p.notice role="status" {
                        (ctx.t("handovers.awaits_publishing")) " " a href={ "/incidents/" (id) "/guide" } { (ctx.t("handovers.open_editor")) }
                    },
                    _ => {}
                }
            }
            Notice::Refused { question, error } => {
                div.notice.error role="alert" {
                    p { strong { (ctx.t("handovers.not_added")) } " »" (question) "«" }
                    @if error.code == "guide_not_published" {
                        p { (ctx.t("handovers.not_published")) }
                    } @else if error.fields.is_empty() {
                        p { span lang="en" { (error.message) } }
                    } @else {
                        ul { @for f in &error.fields { li {
                            // A guide that cannot be published as it is names the field to fix.
                            @if f.field == "next_update_at" { (ctx.t("guide.next_update_at")) ": " }
                            (problem_text(&form::problem(ctx.lang, f)))
                        } } }
                    }
                    p { a href={ "/incidents/" (id) "/guide" } { (ctx.t("handovers.open_editor")) } }
                }
            }
        }
    }
}
