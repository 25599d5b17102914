//! After the crisis: the KPIs and their targets, the evaluation forms and results (and the
//! anonymous answer by link), the after-action report's notes, pins and improvement plan.

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use app::review::Evaluation;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Permission as P;
use domain::evaluation::{Answer, Template};
use domain::kpi::{Kpi, Targets};
use domain::report::{CorrectiveAction, NewAction, Notes};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The incident's KPIs, computed from its record now, each against the secretariat's target (an exercise is never measured: 409)
#[utoipa::path(get, path = "/api/v1/incidents/{id}/kpis", operation_id = "incident_kpis", extensions(("x-permission" = json!(P::ViewKpis))),
    responses((status = OK, body = Vec<Kpi>)))]
pub async fn kpis(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Vec<Kpi>>, ApiError> {
    Ok(Json(s.app.kpis(&c.actor(), id).await?))
}

/// The KPIs' targets (a key not set keeps its default) and the agreed time for handing a callback to the authority
#[utoipa::path(get, path = "/api/v1/kpi-targets", operation_id = "kpi_targets", extensions(("x-permission" = json!(P::ViewKpis))),
    responses((status = OK, body = Targets)))]
pub async fn targets(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Targets>, ApiError> {
    Ok(Json(s.app.kpi_targets(&c.actor()).await?))
}

/// Set the KPIs' targets: shares from 0 to 1, times in seconds
#[utoipa::path(put, path = "/api/v1/kpi-targets", operation_id = "set_kpi_targets", extensions(("x-permission" = json!(P::SetKpiTargets))),
    responses((status = OK, body = Targets)))]
pub async fn set_targets(State(s): State<AppState>, ApiCaller(c): ApiCaller, Json(t): Json<Targets>) -> Result<Json<Targets>, ApiError> {
    Ok(Json(s.app.set_kpi_targets(&c.actor(), t).await?))
}

/// The evaluation form per audience (the secretariat's, else the built-in one)
#[utoipa::path(get, path = "/api/v1/evaluation-templates", operation_id = "evaluation_templates", extensions(("x-permission" = json!(P::ViewEvaluation))),
    responses((status = OK, body = Vec<Template>)))]
pub async fn templates(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Vec<Template>>, ApiError> {
    Ok(Json(s.app.evaluation_templates(&c.actor()).await?))
}

/// Keep an audience's form: Likert (1–5), yes/no, single choice, free text; forms sent already keep theirs
#[utoipa::path(post, path = "/api/v1/evaluation-templates", operation_id = "keep_evaluation_template",
    extensions(("x-permission" = json!(P::KeepEvaluationTemplates))), responses((status = CREATED, body = Template)))]
pub async fn keep_template(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(t): Json<Template>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.keep_evaluation_template(&c.actor(), t).await?)))
}

/// The evaluation's results per audience and question: counts from five answers, free texts for the crisis staff and the steering group, the response per organisation
#[utoipa::path(get, path = "/api/v1/incidents/{id}/evaluation", operation_id = "incident_evaluation", extensions(("x-permission" = json!(P::ViewEvaluation))),
    responses((status = OK, body = Evaluation)))]
pub async fn evaluation(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Evaluation>, ApiError> {
    Ok(Json(s.app.evaluation(&c.actor(), id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct FormView {
    incident_title: String,
    exercise: bool,
    form: Template,
    answered: bool,
    /// Whether it still takes answers.
    open: bool,
}

/// The form behind an evaluation link (`/evaluering/{token}`): no account needed, the link is the person's
#[utoipa::path(get, path = "/api/v1/evaluation-forms/{token}", operation_id = "evaluation_form", security(()),
    params(("token" = String, Path, description = "the link's token")), responses((status = OK, body = FormView)))]
pub async fn form(State(s): State<AppState>, Path(token): Path<String>) -> Result<Json<FormView>, ApiError> {
    let f = s.app.evaluation_form(&token).await?;
    Ok(Json(FormView { incident_title: f.incident_title, exercise: f.exercise, form: f.template, answered: f.answered, open: f.open }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// One per question, in order: a point 1–5, `true`/`false`, a choice's index, a text, or `null`.
    answers: Vec<Option<Answer>>,
}

/// Answer the form behind a link, once; the answers are kept without the person
#[utoipa::path(post, path = "/api/v1/evaluation-forms/{token}", operation_id = "answer_evaluation", security(()),
    params(("token" = String, Path)), responses((status = NO_CONTENT)))]
pub async fn answer(State(s): State<AppState>, Path(token): Path<String>, Json(r): Json<AnswerRequest>) -> Result<StatusCode, ApiError> {
    s.app.answer_evaluation(&token, r.answers).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace the report's strengths and areas for improvement
#[utoipa::path(put, path = "/api/v1/incidents/{id}/report/notes", operation_id = "set_report_notes", extensions(("x-permission" = json!(P::WriteReport))),
    responses((status = OK, body = Notes)))]
pub async fn set_notes(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(n): Json<Notes>,
) -> Result<Json<Notes>, ApiError> {
    Ok(Json(s.app.set_report_notes(&c.actor(), id, n).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinRequest {
    pinned: bool,
}

/// Pin a log entry to the report's timeline, or take it off
#[utoipa::path(put, path = "/api/v1/incidents/{id}/log/{seq}/pin", operation_id = "pin_log_entry", extensions(("x-permission" = json!(P::WriteReport))),
    params(("id" = Uuid, Path), ("seq" = i64, Path, minimum = 1)), responses((status = NO_CONTENT)))]
pub async fn pin(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, seq)): Path<(Uuid, i64)>,
    Json(r): Json<PinRequest>,
) -> Result<StatusCode, ApiError> {
    s.app.pin_log_entry(&c.actor(), id, seq, r.pinned).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The improvement plan: the incident's corrective actions, by due day
#[utoipa::path(get, path = "/api/v1/incidents/{id}/actions", operation_id = "corrective_actions", extensions(("x-permission" = json!(P::ViewReport))),
    responses((status = OK, body = Vec<CorrectiveAction>)))]
pub async fn actions(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<CorrectiveAction>>, ApiError> {
    Ok(Json(s.app.corrective_actions(&c.actor(), id).await?))
}

/// Add a corrective action (owner, due day, status), logged
#[utoipa::path(post, path = "/api/v1/incidents/{id}/actions", operation_id = "add_corrective_action", extensions(("x-permission" = json!(P::WriteReport))),
    responses((status = CREATED, body = CorrectiveAction)))]
pub async fn add_action(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(a): Json<NewAction>,
) -> Result<(StatusCode, Json<CorrectiveAction>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.save_corrective_action(&c.actor(), id, None, a).await?)))
}

/// Change a corrective action (its status as it is followed up), logged
#[utoipa::path(put, path = "/api/v1/incidents/{id}/actions/{action}", operation_id = "update_corrective_action",
    extensions(("x-permission" = json!(P::WriteReport))), params(("id" = Uuid, Path), ("action" = Uuid, Path)),
    responses((status = OK, body = CorrectiveAction)))]
pub async fn update_action(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, action)): Path<(Uuid, Uuid)>,
    Json(a): Json<NewAction>,
) -> Result<Json<CorrectiveAction>, ApiError> {
    Ok(Json(s.app.save_corrective_action(&c.actor(), id, Some(action), a).await?))
}

/// The after-action report as a printable HTML page (overview, timeline, KPIs, evaluation, strengths and areas, improvement plan), naming the log's chain head it was built from
#[utoipa::path(get, path = "/api/v1/incidents/{id}/report", operation_id = "incident_report", extensions(("x-permission" = json!(P::ViewReport))),
    responses((status = OK, body = String, content_type = "text/html")))]
pub async fn report(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    headers: axum::http::HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let (ctx, r) = report_for(&s, c, &headers, id).await?;
    let title = crate::i18n::tf(ctx.lang, "report.title", &[("title", &r.incident.title)]);
    Ok(crate::pages::page(&ctx, &title, crate::pages::report::render(&ctx, &r), None))
}

/// The after-action report as a PDF
#[utoipa::path(get, path = "/api/v1/incidents/{id}/report.pdf", operation_id = "incident_report_pdf", extensions(("x-permission" = json!(P::ViewReport))),
    responses((status = OK, body = Vec<u8>, content_type = "application/pdf")))]
pub async fn report_pdf(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    headers: axum::http::HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    use axum::http::header;
    let (ctx, r) = report_for(&s, c, &headers, id).await?;
    let bytes = crate::pages::report::pdf(&ctx, &r);
    let disposition = format!("attachment; filename=\"evalueringsrapport-{id}.pdf\"");
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// The report, with the page context that renders it in the caller's language.
async fn report_for(
    s: &AppState,
    c: crate::auth::Caller,
    headers: &axum::http::HeaderMap,
    id: Uuid,
) -> Result<(crate::pages::Ctx, app::review::Report), ApiError> {
    let r = s.app.report(&c.actor(), id).await?;
    Ok((crate::pages::Ctx { caller: c, lang: crate::i18n::Lang::from_headers(headers) }, r))
}
