use crate::AppState;
use crate::actions;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path, Query};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Action;
use domain::incident::{NewIncident, Status};
use domain::log::NewLogEntry;
use domain::role::StaffRole;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<Status>,
}

pub async fn list(State(s): State<AppState>, ApiCaller(c): ApiCaller, Query(q): Query<ListQuery>) -> Result<Json<Value>, ApiError> {
    let list = actions::incidents(&s, &c.actor(), q.status).await?;
    Ok(Json(json!({ "incidents": list })))
}

pub async fn create(State(s): State<AppState>, ApiCaller(c): ApiCaller, Json(n): Json<NewIncident>) -> Result<Response, ApiError> {
    let i = actions::create_incident(&s, &c.actor(), n).await?;
    let location = format!("/api/v1/incidents/{}", i.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(json!(i))).into_response())
}

pub async fn show(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    let i = actions::incident(&s, &c.actor(), id, Action::ViewIncidents).await?;
    let roles = s.store.roles(id).await?;
    let (done, total) = domain::checklist::progress(&s.store.checklist(id).await?);
    let mut v = json!(i);
    v["roles"] = json!(roles);
    v["checklist"] = json!({ "done": done, "total": total });
    v["next_status"] = json!(i.status.next());
    v["feedback"] = json!(s.store.feedback_counts(id).await?);
    v["guide"] = json!(s.store.guide_freshness(id).await?);
    Ok(Json(v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    status: Status,
    note: Option<String>,
}

pub async fn status(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<StatusRequest>,
) -> Result<Json<Value>, ApiError> {
    let i = actions::change_status(&s, &c.actor(), id, r.status, r.note.as_deref()).await?;
    Ok(Json(json!(i)))
}

pub async fn roles(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    actions::incident(&s, &c.actor(), id, Action::ViewIncidents).await?;
    Ok(Json(json!({ "roles": s.store.roles(id).await? })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    primary: Option<String>,
    deputy: Option<String>,
}

pub async fn assign(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, role)): Path<(Uuid, String)>,
    Json(r): Json<AssignRequest>,
) -> Result<Json<Value>, ApiError> {
    let role: StaffRole = role.parse()?;
    let all = actions::assign_role(&s, &c.actor(), id, role, r.primary.as_deref(), r.deputy.as_deref()).await?;
    Ok(Json(json!({ "roles": all })))
}

pub async fn log(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    actions::incident(&s, &c.actor(), id, Action::ReadLog).await?;
    Ok(Json(json!({ "entries": s.store.log(id).await? })))
}

pub async fn append(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(e): Json<NewLogEntry>,
) -> Result<Response, ApiError> {
    let entry = actions::append_log(&s, &c.actor(), id, e).await?;
    Ok((StatusCode::CREATED, Json(json!(entry))).into_response())
}

pub async fn verify(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(actions::verify_log(&s, &c.actor(), id).await?)))
}

pub async fn log_csv(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let i = actions::incident(&s, &c.actor(), id, Action::ReadLog).await?;
    let csv = crate::pages::log_csv(&s.store.log(id).await?);
    let name = format!("attachment; filename=\"logbog-{}.csv\"", &i.id.to_string()[..8]);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], csv).into_response())
}

pub async fn checklist(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    actions::incident(&s, &c.actor(), id, Action::ViewIncidents).await?;
    Ok(Json(json!({ "items": s.store.checklist(id).await? })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TickRequest {
    done: bool,
}

pub async fn tick(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, item)): Path<(Uuid, Uuid)>,
    Json(r): Json<TickRequest>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(actions::complete_item(&s, &c.actor(), id, item, r.done).await?)))
}

pub async fn cards(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    actions::incident(&s, &c.actor(), id, Action::ViewIncidents).await?;
    let cards: Vec<Value> = s.store.incident_cards(id).await?.into_iter().map(|(id, c)| crate::api::admin::card_json(id, &c)).collect();
    Ok(Json(json!({ "action_cards": cards })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachRequest {
    card_id: Uuid,
}

pub async fn attach(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<AttachRequest>,
) -> Result<Response, ApiError> {
    actions::attach_card(&s, &c.actor(), id, r.card_id).await?;
    Ok((StatusCode::CREATED, Json(json!({ "attached": r.card_id }))).into_response())
}
