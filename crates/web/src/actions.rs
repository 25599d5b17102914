//! The operations behind both the JSON API and the HTML forms. Each asks the permission table
//! (and the incident's scope) before it touches the store; HTTP stays in the handlers.

use crate::AppState;
use crate::error::ApiError;
use domain::checklist::{ActionCard, ChecklistItem, TemplateItem};
use domain::incident::{Incident, NewIncident, Status};
use domain::log::{LogEntry, NewLogEntry};
use domain::role::{Assignment, StaffRole};
use domain::user::{NewUser, User};
use domain::{Action, Actor, DomainError};
use std::collections::HashSet;
use uuid::Uuid;

pub mod chat;
pub mod feedback;
pub mod inquiries;
pub mod shifts;
pub mod staffing;

fn now() -> time::OffsetDateTime {
    domain::time::now()
}

/// Loads an incident the actor may perform `action` on.
pub async fn incident(state: &AppState, actor: &Actor, id: Uuid, action: Action) -> Result<Incident, ApiError> {
    actor.may(action)?;
    let i = state.store.incident(id).await?.ok_or_else(|| ApiError::not_found("incident"))?;
    actor.may_on(action, &i.affected)?;
    Ok(i)
}

pub async fn incidents(state: &AppState, actor: &Actor, status: Option<Status>) -> Result<Vec<Incident>, ApiError> {
    actor.may(Action::ViewIncidents)?;
    let all = state.store.incidents(status).await?;
    Ok(all.into_iter().filter(|i| actor.sees(&i.affected)).collect())
}

async fn org_codes(state: &AppState) -> Result<HashSet<String>, ApiError> {
    Ok(state.store.organisations().await?.into_iter().map(|o| o.code).collect())
}

pub async fn create_incident(state: &AppState, actor: &Actor, n: NewIncident) -> Result<Incident, ApiError> {
    actor.may(Action::CreateIncident)?;
    let codes = org_codes(state).await?;
    let n = n.validate(|c| codes.contains(c))?;
    n.check_requester(actor)?;
    Ok(state.store.create_incident(&n, actor, now()).await?)
}

pub async fn change_status(state: &AppState, actor: &Actor, id: Uuid, to: Status, note: Option<&str>) -> Result<Incident, ApiError> {
    incident(state, actor, id, Action::ChangeStatus).await?;
    Ok(state.store.change_status(id, to, note, actor, now()).await?)
}

/// Resolves an e-mail to a user, for role assignment; `field` names the request field.
async fn person(state: &AppState, field: &str, email: Option<&str>) -> Result<Option<User>, ApiError> {
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else { return Ok(None) };
    match state.store.user_by_email(&email.to_lowercase()).await? {
        Some((u, _)) => Ok(Some(u)),
        None => Err(DomainError::invalid(field, format!("no user with e-mail '{email}'")).into()),
    }
}

/// Resolves and checks the two people for a crisis role.
async fn staffing(
    state: &AppState,
    role: StaffRole,
    primary: Option<&str>,
    deputy: Option<&str>,
) -> Result<(Option<Uuid>, Option<Uuid>), ApiError> {
    let primary = person(state, "primary", primary).await?;
    let deputy = person(state, "deputy", deputy).await?;
    domain::role::check_assignment(role, primary.as_ref(), deputy.as_ref())?;
    Ok((primary.map(|u| u.id), deputy.map(|u| u.id)))
}

pub async fn assign_role(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    role: StaffRole,
    primary: Option<&str>,
    deputy: Option<&str>,
) -> Result<Vec<Assignment>, ApiError> {
    incident(state, actor, id, Action::AssignRoles).await?;
    let (primary, deputy) = staffing(state, role, primary, deputy).await?;
    Ok(state.store.assign_role(id, role, primary, deputy, actor, now()).await?)
}

pub async fn append_log(state: &AppState, actor: &Actor, id: Uuid, entry: NewLogEntry) -> Result<LogEntry, ApiError> {
    incident(state, actor, id, Action::AppendLog).await?;
    Ok(state.store.append_log(id, entry, actor, now()).await?)
}

pub async fn complete_item(state: &AppState, actor: &Actor, id: Uuid, item: Uuid, done: bool) -> Result<ChecklistItem, ApiError> {
    incident(state, actor, id, Action::CompleteChecklistItem).await?;
    Ok(state.store.complete_item(id, item, done, actor, now()).await?)
}

pub async fn attach_card(state: &AppState, actor: &Actor, id: Uuid, card: Uuid) -> Result<(), ApiError> {
    incident(state, actor, id, Action::AttachActionCard).await?;
    Ok(state.store.attach_card(id, card, actor, now()).await?)
}

// ---- administration ----

pub async fn create_user(state: &AppState, actor: &Actor, user: NewUser, password: String) -> Result<User, ApiError> {
    actor.may(Action::ManageUsers)?;
    add_user(&state.store, user, password, &actor.name).await
}

/// Validates, hashes and stores a new account. Also used by `kriseservice user add`, where the
/// operator at the server's console needs no permission from the table.
pub async fn add_user(store: &store::Store, user: NewUser, password: String, by: &str) -> Result<User, ApiError> {
    let codes: HashSet<String> = store.organisations().await?.into_iter().map(|o| o.code).collect();
    let user = user.validate(&password, |c| codes.contains(c))?;
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
        .await
        .map_err(|_| ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal", "password hashing failed"))?;
    Ok(store.create_user(&user, &hash, by, now()).await?)
}

pub async fn set_user_active(state: &AppState, actor: &Actor, id: Uuid, active: bool) -> Result<(), ApiError> {
    actor.may(Action::ManageUsers)?;
    if id == actor.user_id && !active {
        return Err(DomainError::Conflict("you cannot deactivate your own account".into()).into());
    }
    Ok(state.store.set_user_active(id, active, &actor.name, now()).await?)
}

pub async fn set_member(state: &AppState, actor: &Actor, code: &str, member: bool) -> Result<(), ApiError> {
    actor.may(Action::ManageOrganisations)?;
    Ok(state.store.set_member(code, member, &actor.name, now()).await?)
}

pub async fn set_roster(
    state: &AppState,
    actor: &Actor,
    role: StaffRole,
    primary: Option<&str>,
    deputy: Option<&str>,
) -> Result<(), ApiError> {
    actor.may(Action::ManageRoster)?;
    let (primary, deputy) = staffing(state, role, primary, deputy).await?;
    Ok(state.store.set_roster(role, primary, deputy, &actor.name, now()).await?)
}

pub async fn add_checklist_template(state: &AppState, actor: &Actor, item: TemplateItem) -> Result<Uuid, ApiError> {
    actor.may(Action::ManageTemplates)?;
    Ok(state.store.add_checklist_template(&item.validate()?, &actor.name, now()).await?)
}

pub async fn delete_checklist_template(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), ApiError> {
    actor.may(Action::ManageTemplates)?;
    Ok(state.store.delete_checklist_template(id, &actor.name, now()).await?)
}

pub async fn add_action_card(state: &AppState, actor: &Actor, card: ActionCard) -> Result<Uuid, ApiError> {
    actor.may(Action::ManageTemplates)?;
    Ok(state.store.add_action_card(&card.validate()?, &actor.name, now()).await?)
}

pub async fn delete_action_card(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), ApiError> {
    actor.may(Action::ManageTemplates)?;
    Ok(state.store.delete_action_card(id, &actor.name, now()).await?)
}

/// The log's verification for an incident the actor may read.
pub async fn verify_log(state: &AppState, actor: &Actor, id: Uuid) -> Result<domain::log::Verification, ApiError> {
    incident(state, actor, id, Action::ReadLog).await?;
    state.store.verify_log(id).await?.ok_or_else(|| ApiError::not_found("incident"))
}

// ---- the crisis guide ----

/// The working draft, or the template for the incident's kind when nothing is saved yet.
pub async fn guide_draft(state: &AppState, actor: &Actor, id: Uuid) -> Result<domain::guide::Guide, ApiError> {
    let i = incident(state, actor, id, Action::EditGuide).await?;
    Ok(state.store.guide_draft(id).await?.unwrap_or_else(|| domain::guide::template(i.kind)))
}

pub async fn save_guide_draft(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    guide: domain::guide::Guide,
) -> Result<domain::guide::Guide, ApiError> {
    incident(state, actor, id, Action::EditGuide).await?;
    let guide = guide.validate_draft()?;
    state.store.save_guide_draft(id, &guide, actor, now()).await?;
    Ok(guide)
}

pub async fn publish_guide(state: &AppState, actor: &Actor, id: Uuid) -> Result<domain::guide::Version, ApiError> {
    incident(state, actor, id, Action::EditGuide).await?;
    Ok(state.store.publish_guide(id, actor, now()).await?)
}

/// What agents answer from: every live incident the actor sees, with its latest published
/// version (without the internal purpose) and its freshness.
pub struct LiveGuide {
    pub incident: Incident,
    pub version: Option<domain::guide::Version>,
    pub freshness: Option<domain::guide::Freshness>,
}

pub async fn live_guides(state: &AppState, actor: &Actor) -> Result<Vec<LiveGuide>, ApiError> {
    let mut out = Vec::new();
    for incident in incidents(state, actor, None).await?.into_iter().filter(|i| i.status.is_live()) {
        out.push(live_guide(state, incident).await?);
    }
    Ok(out)
}

pub async fn live_guide(state: &AppState, incident: Incident) -> Result<LiveGuide, ApiError> {
    let version = state.store.guide_version(incident.id, None).await?.map(|mut v| {
        v.guide = v.guide.published_view();
        v
    });
    let freshness = state.store.guide_freshness(incident.id).await?;
    Ok(LiveGuide { incident, version, freshness })
}

/// A published version and what changed since the one before. Only the guide's editors see the
/// internal purpose.
pub async fn published_guide(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: Option<i64>,
) -> Result<(domain::guide::Version, Vec<domain::guide::Change>), ApiError> {
    let i = incident(state, actor, id, Action::ViewIncidents).await?;
    let mut v = state.store.guide_version(id, version).await?.ok_or_else(|| ApiError::not_found("published guide version"))?;
    let changes = match v.version {
        1 => Vec::new(),
        n => {
            state.store.guide_version(id, Some(n - 1)).await?.map(|prev| domain::guide::changes(&prev.guide, &v.guide)).unwrap_or_default()
        }
    };
    if actor.may_on(Action::EditGuide, &i.affected).is_err() {
        v.guide = v.guide.published_view();
    }
    Ok((v, changes))
}
