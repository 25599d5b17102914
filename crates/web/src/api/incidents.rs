use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path, Query};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
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
    let list = s.app.incidents(&c.actor(), q.status).await?;
    Ok(Json(json!({ "incidents": list })))
}

pub async fn create(State(s): State<AppState>, ApiCaller(c): ApiCaller, Json(n): Json<NewIncident>) -> Result<Response, ApiError> {
    let i = s.app.create_incident(&c.actor(), n).await?;
    let location = format!("/api/v1/incidents/{}", i.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(json!(i))).into_response())
}

pub async fn show(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.incident_view(&c.actor(), id).await?)))
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
    let i = s.app.change_status(&c.actor(), id, r.status, r.note.as_deref()).await?;
    Ok(Json(json!(i)))
}

pub async fn roles(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "roles": s.app.roles(&c.actor(), id).await? })))
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
    let all = s.app.assign_role(&c.actor(), id, role, r.primary.as_deref(), r.deputy.as_deref()).await?;
    Ok(Json(json!({ "roles": all })))
}

pub async fn log(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "entries": s.app.log(&c.actor(), id).await? })))
}

pub async fn append(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(e): Json<NewLogEntry>,
) -> Result<Response, ApiError> {
    let entry = s.app.append_log(&c.actor(), id, e).await?;
    Ok((StatusCode::CREATED, Json(json!(entry))).into_response())
}

pub async fn verify(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.verify_log(&c.actor(), id).await?)))
}

pub async fn log_csv(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let csv = crate::pages::log_csv(&s.app.log(&c.actor(), id).await?);
    let name = format!("attachment; filename=\"logbog-{}.csv\"", &id.to_string()[..8]);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], csv).into_response())
}

pub async fn checklist(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "items": s.app.checklist(&c.actor(), id).await? })))
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
    Ok(Json(json!(s.app.complete_item(&c.actor(), id, item, r.done).await?)))
}

pub async fn cards(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    let cards: Vec<Value> =
        s.app.incident_cards(&c.actor(), id).await?.into_iter().map(|(id, c)| crate::api::admin::card_json(id, &c)).collect();
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
    s.app.attach_card(&c.actor(), id, r.card_id).await?;
    Ok((StatusCode::CREATED, Json(json!({ "attached": r.card_id }))).into_response())
}
