use crate::AppState;
use crate::api::admin::CardWithId;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path, Query};
use app::{Appended, IdempotencyKey, IncidentView, Once, StoredReply};
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Permission as P;
use domain::checklist::ChecklistItem;
use domain::incident::{Incident, NewIncident, Status, Transition};
use domain::log::{LogEntry, NewLogEntry, Verification};
use domain::role::{Assignment, StaffRole};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<Status>,
}

#[derive(Serialize, ToSchema)]
pub struct Incidents {
    incidents: Vec<Incident>,
}

/// List incidents (?status=prepared|active|standing_down|closed)
#[utoipa::path(get, path = "/api/v1/incidents", extensions(("x-permission" = json!(P::ViewIncidents))), params(ListQuery),
    responses((status = OK, body = Incidents)))]
pub async fn list(State(s): State<AppState>, ApiCaller(c): ApiCaller, Query(q): Query<ListQuery>) -> Result<Json<Incidents>, ApiError> {
    Ok(Json(Incidents { incidents: s.app.incidents(&c.actor(), q.status).await? }))
}

/// Create a prepared incident
#[utoipa::path(post, path = "/api/v1/incidents", extensions(("x-permission" = json!(P::CreateIncident))),
    responses((status = CREATED, body = Incident, headers(("location" = String, description = "the new incident")))))]
pub async fn create(State(s): State<AppState>, ApiCaller(c): ApiCaller, Json(n): Json<NewIncident>) -> Result<Response, ApiError> {
    let i = s.app.create_incident(&c.actor(), n).await?;
    let location = format!("/api/v1/incidents/{}", i.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(i)).into_response())
}

/// One incident with roles and checklist progress
#[utoipa::path(get, path = "/api/v1/incidents/{id}", extensions(("x-permission" = json!(P::ViewIncidents))),
    responses((status = OK, body = IncidentView)))]
pub async fn show(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<IncidentView>, ApiError> {
    Ok(Json(s.app.incident_view(&c.actor(), id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StatusChange)]
pub struct StatusRequest {
    status: Status,
    /// The reason, for the log: required for every change of status.
    #[schema(min_length = 1, max_length = 3800, pattern = r"\S")]
    note: Option<String>,
    /// Required when closing: the all-clear citizens read on the public page and in the feed
    /// for a day ("Krisen er ovre …"). Ignored for the other steps.
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    all_clear: Option<String>,
}

/// Move along the lifecycle; every step needs a note (its reason), closing also an all-clear
#[utoipa::path(post, path = "/api/v1/incidents/{id}/status", extensions(("x-permission" = json!(P::ChangeStatus))),
    responses((status = OK, body = Incident)))]
pub async fn status(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<StatusRequest>,
) -> Result<Json<Incident>, ApiError> {
    // The call is its own confirmation; the room's form asks for one.
    let step = Transition { to: r.status, note: r.note, all_clear: r.all_clear, confirmed: true };
    Ok(Json(s.app.change_status(&c.actor(), id, &step).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Roles {
    roles: Vec<Assignment>,
}

/// The incident's crisis staff
#[utoipa::path(get, path = "/api/v1/incidents/{id}/roles", extensions(("x-permission" = json!(P::ViewIncidents))),
    responses((status = OK, body = Roles)))]
pub async fn roles(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Roles>, ApiError> {
    Ok(Json(Roles { roles: s.app.roles(&c.actor(), id).await? }))
}

/// A primary and a deputy, by e-mail; `null` or `""` leaves the place empty.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AssignmentRequest)]
pub struct AssignRequest {
    #[schema(max_length = 254, pattern = r"^$|^[^@\s]+@[^@\s]+$")]
    pub primary: Option<String>,
    #[schema(max_length = 254, pattern = r"^$|^[^@\s]+@[^@\s]+$")]
    pub deputy: Option<String>,
}

/// Assign primary and deputy of a crisis role
#[utoipa::path(put, path = "/api/v1/incidents/{id}/roles/{role}", extensions(("x-permission" = json!(P::AssignRoles))),
    params(("id" = Uuid, Path), ("role" = StaffRole, Path)), responses((status = OK, body = Roles)))]
pub async fn assign(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, role)): Path<(Uuid, String)>,
    Json(r): Json<AssignRequest>,
) -> Result<Json<Roles>, ApiError> {
    let role: StaffRole = role.parse()?;
    let roles = s.app.assign_role(&c.actor(), id, role, r.primary.as_deref(), r.deputy.as_deref()).await?;
    Ok(Json(Roles { roles }))
}

#[derive(Serialize, ToSchema)]
pub struct LogEntries {
    entries: Vec<LogEntry>,
}

/// The official log
#[utoipa::path(get, path = "/api/v1/incidents/{id}/log", operation_id = "incident_log", extensions(("x-permission" = json!(P::ReadLog))),
    responses((status = OK, body = LogEntries)))]
pub async fn log(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<LogEntries>, ApiError> {
    Ok(Json(LogEntries { entries: s.app.log(&c.actor(), id).await? }))
}

/// Append a log entry
///
/// Group-committed: entries that arrive together share one commit, each still chained in order.
/// Under an `Idempotency-Key`, the answer is kept in the same transaction as the entry.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/log", extensions(("x-permission" = json!(P::AppendLog))),
    responses((status = CREATED, body = LogEntry)))]
pub async fn append(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    key: Option<Extension<IdempotencyKey>>,
    Json(e): Json<NewLogEntry>,
) -> Result<Response, ApiError> {
    let Some(Extension(key)) = key else {
        return Ok((StatusCode::CREATED, Json(s.app.append_log(&c.actor(), id, e).await?)).into_response());
    };
    Ok(match s.app.append_log_once(&c.actor(), id, e, Once { key, render: created }).await? {
        Appended::Fresh(e) => (StatusCode::CREATED, Json(e)).into_response(),
        Appended::Replayed(kept) => crate::idempotency::replay(kept),
    })
}

/// The answer to an append, as kept with its idempotency key.
fn created(e: &LogEntry) -> StoredReply {
    StoredReply { status: StatusCode::CREATED.as_u16(), body: serde_json::to_string(e).unwrap_or_default() }
}

/// Verify the log's hash chain
#[utoipa::path(get, path = "/api/v1/incidents/{id}/log/verify", extensions(("x-permission" = json!(P::ReadLog))),
    responses((status = OK, body = Verification)))]
pub async fn verify(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Verification>, ApiError> {
    Ok(Json(s.app.verify_log(&c.actor(), id).await?))
}

/// The log as CSV
#[utoipa::path(get, path = "/api/v1/incidents/{id}/log.csv", extensions(("x-permission" = json!(P::ReadLog))),
    responses((status = OK, body = String, content_type = "text/csv")))]
pub async fn log_csv(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let csv = crate::pages::log_csv(&s.app.log(&c.actor(), id).await?);
    let name = format!("attachment; filename=\"logbog-{}.csv\"", &id.to_string()[..8]);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], csv).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct ChecklistItems {
    items: Vec<ChecklistItem>,
}

/// The activation checklist
#[utoipa::path(get, path = "/api/v1/incidents/{id}/checklist", extensions(("x-permission" = json!(P::ViewIncidents))),
    responses((status = OK, body = ChecklistItems)))]
pub async fn checklist(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<ChecklistItems>, ApiError> {
    Ok(Json(ChecklistItems { items: s.app.checklist(&c.actor(), id).await? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Tick)]
pub struct TickRequest {
    done: bool,
}

/// Tick or un-tick a checklist item
#[utoipa::path(post, path = "/api/v1/incidents/{id}/checklist/{item}", extensions(("x-permission" = json!(P::CompleteChecklistItem))),
    responses((status = OK, body = ChecklistItem)))]
pub async fn tick(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, item)): Path<(Uuid, Uuid)>,
    Json(r): Json<TickRequest>,
) -> Result<Json<ChecklistItem>, ApiError> {
    Ok(Json(s.app.complete_item(&c.actor(), id, item, r.done).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ActionCards {
    pub action_cards: Vec<CardWithId>,
}

/// Action cards attached to the incident
#[utoipa::path(get, path = "/api/v1/incidents/{id}/action-cards", extensions(("x-permission" = json!(P::ViewIncidents))),
    responses((status = OK, body = ActionCards)))]
pub async fn cards(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<ActionCards>, ApiError> {
    let action_cards = s.app.incident_cards(&c.actor(), id).await?.into_iter().map(|(id, card)| CardWithId { id, card }).collect();
    Ok(Json(ActionCards { action_cards }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Attach)]
pub struct AttachRequest {
    card_id: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct Attached {
    attached: Uuid,
}

/// Attach an action card; its steps join the checklist
#[utoipa::path(post, path = "/api/v1/incidents/{id}/action-cards", extensions(("x-permission" = json!(P::AttachActionCard))),
    responses((status = CREATED, body = Attached)))]
pub async fn attach(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<AttachRequest>,
) -> Result<(StatusCode, Json<Attached>), ApiError> {
    s.app.attach_card(&c.actor(), id, r.card_id).await?;
    Ok((StatusCode::CREATED, Json(Attached { attached: r.card_id })))
}

/// Detach an action card; its open steps leave the checklist, the done ones stay
#[utoipa::path(delete, path = "/api/v1/incidents/{id}/action-cards/{card}", extensions(("x-permission" = json!(P::AttachActionCard))),
    responses((status = NO_CONTENT, description = "detached")))]
pub async fn detach(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, card)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    s.app.detach_card(&c.actor(), id, card).await?;
    Ok(StatusCode::NO_CONTENT)
}
