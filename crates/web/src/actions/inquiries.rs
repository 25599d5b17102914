//! What citizens ask, and callback requests: the only personal data, read only by the affected
//! authority, every reading logged.

use super::{incident, now};
use crate::AppState;
use crate::error::ApiError;
use domain::inquiry::{Access, Aggregates, Callback, Inquiry, NewCallback, NewInquiry};
use domain::{Action, Actor};
use uuid::Uuid;

/// How many "not covered" questions the summary lists.
const TOP: usize = 10;

pub async fn record(state: &AppState, actor: &Actor, id: Uuid, new: NewInquiry) -> Result<Inquiry, ApiError> {
    incident(state, actor, id, Action::RecordInquiry).await?;
    Ok(state.store.record_inquiry(id, new, now()).await?)
}

pub async fn summary(state: &AppState, actor: &Actor, id: Uuid) -> Result<Aggregates, ApiError> {
    incident(state, actor, id, Action::ViewInquiries).await?;
    Ok(domain::inquiry::aggregate(&state.store.inquiries(id).await?, TOP))
}

pub async fn request_callback(state: &AppState, actor: &Actor, id: Uuid, new: NewCallback) -> Result<Callback, ApiError> {
    incident(state, actor, id, Action::RecordInquiry).await?;
    Ok(state.store.create_callback(id, new.validate()?, actor, now()).await?)
}

/// The callback requests; `export` marks the reading as an export in the access log.
pub async fn callbacks(state: &AppState, actor: &Actor, id: Uuid, export: bool) -> Result<Vec<Callback>, ApiError> {
    incident(state, actor, id, Action::ViewCallbacks).await?;
    Ok(state.store.callbacks(id, actor, if export { "export" } else { "view" }, now()).await?)
}

pub async fn access_log(state: &AppState, actor: &Actor, id: Uuid) -> Result<Vec<Access>, ApiError> {
    incident(state, actor, id, Action::ViewCallbacks).await?;
    Ok(state.store.personal_data_access(id).await?)
}
