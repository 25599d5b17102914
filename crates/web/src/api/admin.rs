use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Role;
use domain::checklist::{ActionCard, TemplateItem};
use domain::role::StaffRole;
use domain::user::NewUser;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

pub async fn organisations(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "organisations": s.app.organisations(&c.actor()).await? })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    member: bool,
}

pub async fn set_member(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Json(r): Json<MemberRequest>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.set_member(&c.actor(), &code, r.member).await?)))
}

pub async fn users(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "users": s.app.users(&c.actor()).await? })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserRequest {
    email: String,
    name: String,
    org: String,
    role: Role,
    password: String,
}

pub async fn create_user(State(s): State<AppState>, ApiCaller(c): ApiCaller, Json(r): Json<UserRequest>) -> Result<Response, ApiError> {
    let new = NewUser { email: r.email, name: r.name, org: r.org, role: r.role };
    let user = s.app.create_user(&c.actor(), new, r.password).await?;
    Ok((StatusCode::CREATED, Json(json!(user))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    active: bool,
}

pub async fn update_user(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<UserUpdate>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.set_user_active(&c.actor(), id, r.active).await?)))
}

pub async fn roster(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "roster": s.app.roster(&c.actor()).await? })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterRequest {
    primary: Option<String>,
    deputy: Option<String>,
}

pub async fn set_roster(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(role): Path<String>,
    Json(r): Json<RosterRequest>,
) -> Result<Json<Value>, ApiError> {
    let role: StaffRole = role.parse()?;
    let roster = s.app.set_roster(&c.actor(), role, r.primary.as_deref(), r.deputy.as_deref()).await?;
    Ok(Json(json!({ "roster": roster })))
}

pub async fn checklist_templates(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    let items: Vec<Value> = s
        .app
        .checklist_templates(&c.actor())
        .await?
        .into_iter()
        .map(|(id, t)| {
            let mut v = json!(t);
            v["id"] = json!(id);
            v
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

pub async fn add_checklist_template(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(t): Json<TemplateItem>,
) -> Result<Response, ApiError> {
    let id = s.app.add_checklist_template(&c.actor(), t).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

pub async fn delete_checklist_template(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_checklist_template(&c.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn card_json(id: Uuid, c: &ActionCard) -> Value {
    let mut v = json!(c);
    v["id"] = json!(id);
    v
}

pub async fn action_cards(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    let cards: Vec<Value> = s.app.action_cards(&c.actor()).await?.into_iter().map(|(id, c)| card_json(id, &c)).collect();
    Ok(Json(json!({ "action_cards": cards })))
}

pub async fn add_action_card(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(card): Json<ActionCard>,
) -> Result<Response, ApiError> {
    let id = s.app.add_action_card(&c.actor(), card).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

pub async fn delete_action_card(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<StatusCode, ApiError> {
    s.app.delete_action_card(&c.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
