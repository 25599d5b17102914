use crate::AppState;
use crate::api::incidents::ActionCards;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use domain::Permission as P;
use domain::Role;
use domain::checklist::{ActionCard, TemplateItem};
use domain::org::Organisation;
use domain::role::{Assignment, StaffRole};
use domain::user::{NewUser, TokenInfo, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct Organisations {
    organisations: Vec<Organisation>,
}

/// Municipalities, regions and authorities
#[utoipa::path(get, path = "/api/v1/organisations", extensions(("x-permission" = json!(P::ViewReference))),
    responses((status = OK, body = Organisations)))]
pub async fn organisations(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Organisations>, ApiError> {
    Ok(Json(Organisations { organisations: s.app.organisations(&c.actor()).await? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Member)]
pub struct MemberRequest {
    member: bool,
}

/// Set an organisation's membership
#[utoipa::path(put, path = "/api/v1/organisations/{code}", extensions(("x-permission" = json!(P::ManageOrganisations))),
    responses((status = OK, body = Option<Organisation>, description = "the organisation; null for an unknown code")))]
pub async fn set_member(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Json(r): Json<MemberRequest>,
) -> Result<Json<Option<Organisation>>, ApiError> {
    Ok(Json(s.app.set_member(&c.actor(), &code, r.member).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Users {
    users: Vec<User>,
}

/// All users
#[utoipa::path(get, path = "/api/v1/users", extensions(("x-permission" = json!(P::ManageUsers))),
    responses((status = OK, body = Users)))]
pub async fn users(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Users>, ApiError> {
    Ok(Json(Users { users: s.app.users(&c.actor()).await? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewUser)]
pub struct UserRequest {
    #[schema(format = Email)]
    email: String,
    #[schema(min_length = 2, max_length = 120, pattern = r"\S")]
    name: String,
    /// The home organisation's code.
    #[schema(max_length = 12, pattern = r"^([0-9]{4}|[A-Z0-9]{2,12})$")]
    org: String,
    role: Role,
    #[schema(max_length = 256, min_length = 12)]
    password: String,
}

/// Create a user
#[utoipa::path(post, path = "/api/v1/users", extensions(("x-permission" = json!(P::ManageUsers))),
    responses((status = CREATED, body = User)))]
pub async fn create_user(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(r): Json<UserRequest>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let new = NewUser { email: r.email, name: r.name, org: r.org, role: r.role };
    Ok((StatusCode::CREATED, Json(s.app.create_user(&c.actor(), new, r.password).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    active: bool,
}

/// Activate or deactivate a user
#[utoipa::path(put, path = "/api/v1/users/{id}", extensions(("x-permission" = json!(P::ManageUsers))),
    responses((status = OK, body = Option<User>, description = "the user; null for an unknown id")))]
pub async fn update_user(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(r): Json<UserUpdate>,
) -> Result<Json<Option<User>>, ApiError> {
    Ok(Json(s.app.set_user_active(&c.actor(), id, r.active).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Roster {
    roster: Vec<Assignment>,
}

/// The standing crisis-staff roster
#[utoipa::path(get, path = "/api/v1/roster", extensions(("x-permission" = json!(P::ViewReference))),
    responses((status = OK, body = Roster)))]
pub async fn roster(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Roster>, ApiError> {
    Ok(Json(Roster { roster: s.app.roster(&c.actor()).await? }))
}

/// Set primary and deputy in the standing roster
#[utoipa::path(put, path = "/api/v1/roster/{role}", extensions(("x-permission" = json!(P::ManageRoster))),
    params(("role" = StaffRole, Path)), responses((status = OK, body = Roster)))]
pub async fn set_roster(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(role): Path<String>,
    Json(r): Json<crate::api::incidents::AssignRequest>,
) -> Result<Json<Roster>, ApiError> {
    let role: StaffRole = role.parse()?;
    let roster = s.app.set_roster(&c.actor(), role, r.primary.as_deref(), r.deputy.as_deref()).await?;
    Ok(Json(Roster { roster }))
}

/// A template item with its id.
#[derive(Serialize, ToSchema)]
pub struct TemplateWithId {
    id: Uuid,
    #[serde(flatten)]
    item: TemplateItem,
}

#[derive(Serialize, ToSchema)]
pub struct TemplateItems {
    items: Vec<TemplateWithId>,
}

/// The activation checklist template
#[utoipa::path(get, path = "/api/v1/checklist-templates", extensions(("x-permission" = json!(P::ManageTemplates))),
    responses((status = OK, body = TemplateItems)))]
pub async fn checklist_templates(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<TemplateItems>, ApiError> {
    let items = s.app.checklist_templates(&c.actor()).await?.into_iter().map(|(id, item)| TemplateWithId { id, item }).collect();
    Ok(Json(TemplateItems { items }))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: Uuid,
}

/// Add a template item
#[utoipa::path(post, path = "/api/v1/checklist-templates", extensions(("x-permission" = json!(P::ManageTemplates))),
    responses((status = CREATED, body = Created)))]
pub async fn add_checklist_template(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(t): Json<TemplateItem>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok((StatusCode::CREATED, Json(Created { id: s.app.add_checklist_template(&c.actor(), t).await? })))
}

/// Remove a template item
#[utoipa::path(delete, path = "/api/v1/checklist-templates/{id}", extensions(("x-permission" = json!(P::ManageTemplates))),
    responses((status = NO_CONTENT, description = "removed")))]
pub async fn delete_checklist_template(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_checklist_template(&c.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An action card with its id.
#[derive(Serialize, ToSchema)]
pub struct CardWithId {
    pub id: Uuid,
    #[serde(flatten)]
    pub card: ActionCard,
}

/// Action-card templates
#[utoipa::path(get, path = "/api/v1/action-cards", extensions(("x-permission" = json!(P::ViewReference))),
    responses((status = OK, body = ActionCards)))]
pub async fn action_cards(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<ActionCards>, ApiError> {
    let action_cards = s.app.action_cards(&c.actor()).await?.into_iter().map(|(id, card)| CardWithId { id, card }).collect();
    Ok(Json(ActionCards { action_cards }))
}

/// Add an action card
#[utoipa::path(post, path = "/api/v1/action-cards", extensions(("x-permission" = json!(P::ManageTemplates))),
    responses((status = CREATED, body = Created)))]
pub async fn add_action_card(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(card): Json<ActionCard>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok((StatusCode::CREATED, Json(Created { id: s.app.add_action_card(&c.actor(), card).await? })))
}

/// Remove an action card
#[utoipa::path(delete, path = "/api/v1/action-cards/{id}", extensions(("x-permission" = json!(P::ManageTemplates))),
    responses((status = NO_CONTENT, description = "removed")))]
pub async fn delete_action_card(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<StatusCode, ApiError> {
    s.app.delete_action_card(&c.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Tokens {
    tokens: Vec<TokenInfo>,
}

/// Every bearer token (never the token itself): whose, made when, expiring when
#[utoipa::path(get, path = "/api/v1/tokens", extensions(("x-permission" = json!(P::ManageUsers))),
    responses((status = OK, body = Tokens)))]
pub async fn tokens(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Tokens>, ApiError> {
    Ok(Json(Tokens { tokens: s.app.tokens(&c.actor()).await? }))
}

/// Revoke one bearer token by its id: it stops working on every node at once
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", extensions(("x-permission" = json!(P::ManageUsers))),
    params(("id" = String, Path, description = "the token's twelve-character id")),
    responses((status = NO_CONTENT, description = "revoked")))]
pub async fn revoke_token(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    s.app.revoke_token(&c.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
