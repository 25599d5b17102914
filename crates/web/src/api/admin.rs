use crate::AppState;
use crate::actions;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Action;
use domain::Role;
use domain::checklist::{ActionCard, TemplateItem};
use domain::role::StaffRole;
use domain::user::NewUser;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

pub async fn organisations(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    c.actor().may(Action::ViewReference)?;
    Ok(Json(json!({ "organisations": s.store.organisations().await? })))
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
    actions::set_member(&s, &c.actor(), &code, r.member).await?;
    Ok(Json(json!(s.store.organisation(&code).await?)))
}

pub async fn users(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    c.actor().may(Action::ManageUsers)?;
    Ok(Json(json!({ "users": s.store.users().await? })))
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
    let user = actions::create_user(&s, &c.actor(), new, r.password).await?;
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
    actions::set_user_active(&s, &c.actor(), id, r.active).await?;
    Ok(Json(json!(s.store.user(id).await?)))
}

pub async fn roster(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    c.actor().may(Action::ViewReference)?;
    Ok(Json(json!({ "roster": s.store.roster().await? })))
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
    actions::set_roster(&s, &c.actor(), role, r.primary.as_deref(), r.deputy.as_deref()).await?;
    Ok(Json(json!({ "roster": s.store.roster().await? })))
}

pub async fn checklist_templates(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    c.actor().may(Action::ManageTemplates)?;
    let items: Vec<Value> = s
        .store
        .checklist_templates()
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
    let id = actions::add_checklist_template(&s, &c.actor(), t).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

pub async fn delete_checklist_template(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    actions::delete_checklist_template(&s, &c.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn card_json(id: Uuid, c: &ActionCard) -> Value {
    let mut v = json!(c);
    v["id"] = json!(id);
    v
}

pub async fn action_cards(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Value>, ApiError> {
    c.actor().may(Action::ViewReference)?;
    let cards: Vec<Value> = s.store.action_cards().await?.into_iter().map(|(id, c)| card_json(id, &c)).collect();
    Ok(Json(json!({ "action_cards": cards })))
}

pub async fn add_action_card(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(card): Json<ActionCard>,
) -> Result<Response, ApiError> {
    let id = actions::add_action_card(&s, &c.actor(), card).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

pub async fn delete_action_card(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<StatusCode, ApiError> {
    actions::delete_action_card(&s, &c.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
