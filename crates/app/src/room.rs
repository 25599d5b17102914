//! Read models of one incident: the crisis room page, the incident as the API shows it, and the
//! printed log. Each is read in one call, its parts at once.

use crate::{App, Result};
use domain::calls::CallInterval;
use domain::checklist::{ActionCard, ChecklistItem};
use domain::feedback::FeedbackCounts;
use domain::guide::{Freshness, Version};
use domain::incident::{Incident, Status};
use domain::log::{LogEntry, Verification};
use domain::org::Organisation;
use domain::role::Assignment;
use domain::user::User;
use domain::{Actor, Permission};
use serde::Serialize;
use uuid::Uuid;

/// Everything the crisis room shows. Parts the actor may not use are empty.
pub struct CrisisRoom {
    /// The newest event when the room was read: its live stream resumes after this.
    pub last_event: i64,
    pub incident: Incident,
    pub roles: Vec<Assignment>,
    pub checklist: Vec<ChecklistItem>,
    pub cards: Vec<(Uuid, ActionCard)>,
    pub log: Vec<LogEntry>,
    pub verification: Verification,
    /// Who can be given a crisis role (for those who assign roles).
    pub staff: Vec<User>,
    /// The action cards that can be attached (for those who attach them).
    pub all_cards: Vec<(Uuid, ActionCard)>,
    pub latest: Option<Version>,
    pub freshness: Option<Freshness>,
    pub feedback: FeedbackCounts,
    /// Calls per interval (for those who see staffing).
    pub calls: Vec<CallInterval>,
    pub organisations: Vec<Organisation>,
}

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// An incident with its crisis staff, checklist progress, feedback and guide freshness.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentView {
    #[serde(flatten)]
    pub incident: Incident,
    pub roles: Vec<Assignment>,
    pub checklist: Progress,
    pub next_status: Option<Status>,
    pub feedback: FeedbackCounts,
    pub guide: Option<Freshness>,
}

/// The log as printed, with who held the roles.
pub struct PrintedLog {
    pub incident: Incident,
    pub log: Vec<LogEntry>,
    pub roles: Vec<Assignment>,
    pub organisations: Vec<Organisation>,
}

impl App {
    pub async fn crisis_room(&self, actor: &Actor, id: Uuid) -> Result<CrisisRoom> {
        // Read first: the live stream resumes after this, so nothing committed while the page
        // renders is missed.
        let last_event = self.store.last_event_seq().await?;
        let incident = self.incident(actor, id, Permission::ViewIncidents).await?;
        let may = |p: Permission| actor.may(p).is_ok();
        let s = &self.store;
        let (roles, checklist, cards, log, verification, latest, freshness, feedback, organisations) = tokio::try_join!(
            s.roles(id),
            s.checklist(id),
            s.incident_cards(id),
            s.log(id),
            s.verify_log(id),
            s.guide_version(id, None),
            s.guide_freshness(id),
            s.feedback_counts(id),
            s.organisations(),
        )?;
        let verification = verification.unwrap_or_else(|| domain::log::verify(&log));
        let staff = match may(Permission::AssignRoles) {
            true => s.users().await?.into_iter().filter(|u| u.active && u.role.is_crisis_staff()).collect(),
            false => Vec::new(),
        };
        let all_cards = if may(Permission::AttachActionCard) { s.action_cards().await? } else { Vec::new() };
        let calls = if may(Permission::ViewStaffing) { s.call_intervals(id).await? } else { Vec::new() };
        Ok(CrisisRoom {
            last_event,
            incident,
            roles,
            checklist,
            cards,
            log,
            verification,
            staff,
            all_cards,
            latest,
            freshness,
            feedback,
            calls,
            organisations,
        })
    }

    pub async fn incident_view(&self, actor: &Actor, id: Uuid) -> Result<IncidentView> {
        let incident = self.incident(actor, id, Permission::ViewIncidents).await?;
        let s = &self.store;
        let (roles, checklist, feedback, guide) =
            tokio::try_join!(s.roles(id), s.checklist(id), s.feedback_counts(id), s.guide_freshness(id))?;
        let (done, total) = domain::checklist::progress(&checklist);
        let next_status = incident.status.next();
        Ok(IncidentView { incident, roles, checklist: Progress { done, total }, next_status, feedback, guide })
    }

    pub async fn printed_log(&self, actor: &Actor, id: Uuid) -> Result<PrintedLog> {
        let incident = self.incident(actor, id, Permission::ReadLog).await?;
        let s = &self.store;
        let (log, roles, organisations) = tokio::try_join!(s.log(id), s.roles(id), s.organisations())?;
        Ok(PrintedLog { incident, log, roles, organisations })
    }
}
