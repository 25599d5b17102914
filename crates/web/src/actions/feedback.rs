//! Agents' feedback on the guide, and its handling by the authority and the process lead.

use super::{incident, now};
use crate::AppState;
use crate::error::ApiError;
use domain::feedback::{Feedback, FeedbackState, NewFeedback};
use domain::{Action, Actor};
use uuid::Uuid;

pub async fn send(state: &AppState, actor: &Actor, id: Uuid, new: NewFeedback) -> Result<Feedback, ApiError> {
    incident(state, actor, id, Action::SendFeedback).await?;
    Ok(state.store.create_feedback(id, new, actor, now()).await?)
}

/// All feedback on the incident's guide, what is routed to the caller's role first.
pub async fn list(state: &AppState, actor: &Actor, id: Uuid) -> Result<Vec<Feedback>, ApiError> {
    incident(state, actor, id, Action::HandleFeedback).await?;
    let mut all = state.store.feedback(id).await?;
    all.sort_by_key(|f| (f.routed_to != actor.role, f.state == FeedbackState::Resolved));
    Ok(all)
}

pub async fn handle(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    feedback: Uuid,
    to: FeedbackState,
    resolved_by: Option<i64>,
) -> Result<Feedback, ApiError> {
    incident(state, actor, id, Action::HandleFeedback).await?;
    Ok(state.store.update_feedback(id, feedback, to, resolved_by, actor, now()).await?)
}
