//! Agents' feedback on the guide, and its handling by the authority and the process lead.

use crate::{App, Result, now};
use domain::feedback::{Feedback, FeedbackState, NewFeedback};
use domain::{Actor, Permission};
use uuid::Uuid;

impl App {
    pub async fn send_feedback(&self, actor: &Actor, id: Uuid, new: NewFeedback) -> Result<Feedback> {
        self.incident(actor, id, Permission::SendFeedback).await?;
        Ok(self.store.create_feedback(id, new, actor, now()).await?)
    }

    /// All feedback on the incident's guide, what is routed to the caller's role first.
    pub async fn feedback(&self, actor: &Actor, id: Uuid) -> Result<Vec<Feedback>> {
        self.incident(actor, id, Permission::HandleFeedback).await?;
        let mut all = self.store.feedback(id).await?;
        all.sort_by_key(|f| (f.routed_to != actor.role, f.state == FeedbackState::Resolved));
        Ok(all)
    }

    pub async fn handle_feedback(
        &self,
        actor: &Actor,
        id: Uuid,
        feedback: Uuid,
        to: FeedbackState,
        resolved_by: Option<i64>,
    ) -> Result<Feedback> {
        self.incident(actor, id, Permission::HandleFeedback).await?;
        Ok(self.store.update_feedback(id, feedback, to, resolved_by, actor, now()).await?)
    }
}
