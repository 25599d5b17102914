//! Events: what a committed change tells the rest of the system (SSE, caches, notifications).

use crate::word_enum;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

word_enum!(
    EventKind, "event kind" {
        IncidentCreated = "incident.created",
        IncidentStatus = "incident.status",
        RolesAssigned = "incident.roles",
        LogAppended = "log.appended",
        ChecklistUpdated = "checklist.updated",
        GuidePublished = "guide.published",
        GuideOverdue = "guide.overdue",
        FeedbackCreated = "feedback.created",
        FeedbackUpdated = "feedback.updated",
        InquiryCreated = "inquiry.created",
        // Carries no personal data: the id only.
        CallbackCreated = "callback.created",
        // Call statistics arrived from the contact-centre platform (counts only).
        CallsRecorded = "calls.recorded",
        // The staffing lead changed the staffing settings, a forecast or the shift plan.
        StaffingChanged = "staffing.changed",
        // Everyday guides were imported: search indexes re-read them.
        EverydayImported = "everyday.imported",
        // Organisations, users, roster and templates: the secretariat's changes, kept as a trail.
        AdminChanged = "admin.changed",
    }
);

/// An event before it has its sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: EventKind,
    pub incident_id: Option<Uuid>,
    /// The organisations an incident affects, so events can be filtered per authority.
    pub affected: Vec<String>,
    pub payload: serde_json::Value,
}

/// A committed event with its place in the global order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub seq: i64,
    pub kind: EventKind,
    pub incident_id: Option<Uuid>,
    pub affected: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub payload: serde_json::Value,
}

impl NewEvent {
    pub fn about(kind: EventKind, incident: &crate::incident::Incident, payload: serde_json::Value) -> NewEvent {
        NewEvent { kind, incident_id: Some(incident.id), affected: incident.affected.clone(), payload }
    }
}
