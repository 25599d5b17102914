//! Events: what a committed change tells the rest of the system (SSE, caches, notifications).
//! [`Event`] has one variant per thing that can happen, and its serde form is the wire format of
//! the live streams: `kind` names the variant, `payload` carries what it says. The store persists
//! and relays events; it does not decide their shape.

use crate::calls::StaffingSettings;
use crate::checklist::{ChecklistItem, TemplateItem};
use crate::feedback::{Feedback, FeedbackCategory, FeedbackState, GuideSection};
use crate::incident::{Incident, Status};
use crate::inquiry::Inquiry;
use crate::log::LogEntry;
use crate::role::{Assignment, StaffRole};
use crate::{Role, word_enum};
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
        // A call-out of the crisis staff (or a staffing call) moved on: started, someone notified, acknowledged.
        CalloutChanged = "callout.changed",
        // An exercise's clock moved, an inject was delivered or edited, or an observation written.
        ExerciseChanged = "exercise.changed",
        // After the crisis: forms sent or answered, the report's notes, pins and actions, statements issued.
        ReviewChanged = "review.changed",
    }
);

/// Everything that can happen, with what it tells. Serialised as `{"kind": …, "payload": …}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "payload")]
pub enum Event {
    #[serde(rename = "incident.created")]
    IncidentCreated(Incident),
    #[serde(rename = "incident.status")]
    IncidentStatus { id: Uuid, from: Status, status: Status },
    #[serde(rename = "incident.roles")]
    RolesAssigned { role: StaffRole, assignment: Assignment },
    #[serde(rename = "log.appended")]
    LogAppended(LogEntry),
    #[serde(rename = "checklist.updated")]
    ChecklistUpdated(ChecklistChange),
    #[serde(rename = "guide.published")]
    GuidePublished { incident_id: Uuid, version: i64, banner: String },
    #[serde(rename = "guide.overdue")]
    GuideOverdue {
        incident_id: Uuid,
        version: i64,
        #[serde(with = "time::serde::rfc3339")]
        next_update_at: OffsetDateTime,
    },
    #[serde(rename = "feedback.created")]
    FeedbackCreated(FeedbackNotice),
    #[serde(rename = "feedback.updated")]
    FeedbackUpdated(FeedbackNotice),
    #[serde(rename = "inquiry.created")]
    InquiryCreated(Inquiry),
    /// The id only: a callback request holds personal data, and every role's stream may carry this.
    #[serde(rename = "callback.created")]
    CallbackCreated { id: Uuid, incident_id: Uuid },
    #[serde(rename = "calls.recorded")]
    CallsRecorded { recorded: usize, replaced: usize },
    #[serde(rename = "staffing.changed")]
    StaffingChanged(StaffingChange),
    #[serde(rename = "everyday.imported")]
    EverydayImported { municipality: String, added: u64, updated: u64, removed: u64 },
    #[serde(rename = "callout.changed")]
    CalloutChanged { incident_id: Uuid, callout_id: Uuid, role: Option<StaffRole>, what: CalloutChange },
    #[serde(rename = "exercise.changed")]
    ExerciseChanged { incident_id: Uuid, what: ExerciseChange },
    #[serde(rename = "review.changed")]
    ReviewChanged { incident_id: Uuid, what: ReviewChange },
    #[serde(rename = "admin.changed")]
    AdminChanged {
        #[serde(flatten)]
        change: AdminChange,
        by: String,
    },
}

/// A checklist item ticked or un-ticked, or an action card's steps added.
/// What happened to a call-out; names only the role, never an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CalloutChange {
    Started,
    Notified,
    Acknowledged,
}

/// What moved in an exercise; the inject's number, never its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseChange {
    Started,
    Clock,
    Delivered { number: u32 },
    Edited { number: u32 },
    Parts,
    Observed,
    Archived,
}

/// What moved after the crisis; never an answer, never who answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewChange {
    FormsSent,
    Reminded,
    Answered,
    Pinned,
    Notes,
    Action,
    StatementsIssued,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ChecklistChange {
    Item(ChecklistItem),
    CardAttached { card: Uuid },
    CardDetached { detached: Uuid },
}

/// Feedback as the live streams tell it: without its text and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedbackNotice {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub version: i64,
    pub section: GuideSection,
    pub category: FeedbackCategory,
    pub routed_to: Role,
    pub state: FeedbackState,
}

impl From<&Feedback> for FeedbackNotice {
    fn from(f: &Feedback) -> FeedbackNotice {
        FeedbackNotice {
            id: f.id,
            incident_id: f.incident_id,
            version: f.version,
            section: f.section,
            category: f.category,
            routed_to: f.routed_to,
            state: f.state,
        }
    }
}

/// What the staffing lead changed. A bid names no municipality and no figure: every role's
/// stream carries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffingChange {
    Settings(StaffingSettings),
    Override {
        #[serde(with = "time::serde::rfc3339")]
        start: OffsetDateTime,
        calls: Option<f64>,
    },
    Shifts(usize),
    #[serde(rename = "shift")]
    Bid(Uuid),
    #[serde(untagged)]
    Awarded {
        awarded: u32,
        unfilled: u32,
    },
}

/// The secretariat's changes, as `{"what": …, "detail": …}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "what", content = "detail")]
pub enum AdminChange {
    #[serde(rename = "organisation.member")]
    Member { code: String, member: bool },
    #[serde(rename = "user.created")]
    UserCreated { id: Uuid, role: Role, org: String },
    #[serde(rename = "user.active")]
    UserActive { id: Uuid, active: bool },
    /// One bearer token revoked, by its public id; `user` when it was a person's.
    #[serde(rename = "token.revoked")]
    TokenRevoked { id: String, user: Option<Uuid> },
    #[serde(rename = "roster")]
    Roster { role: StaffRole, primary: Option<Uuid>, deputy: Option<Uuid> },
    #[serde(rename = "checklist_template.added")]
    TemplateAdded { id: Uuid, item: TemplateItem },
    #[serde(rename = "checklist_template.deleted")]
    TemplateDeleted { id: Uuid },
    #[serde(rename = "action_card.added")]
    CardAdded { id: Uuid, title: String },
    #[serde(rename = "action_card.deleted")]
    CardDeleted { id: Uuid },
    /// A person confirmed a second factor (TOTP) for their own account.
    #[serde(rename = "user.totp_enrolled")]
    TotpEnrolled { id: Uuid },
    /// The secretariat removed a person's second factor (a lost phone): they enrol again.
    #[serde(rename = "user.totp_removed")]
    TotpRemoved { id: Uuid },
    /// The secretariat required, or stopped requiring, a second factor of a role.
    #[serde(rename = "security.totp_required")]
    TotpRequired { role: Role, required: bool },
    /// An entry of an organisation's contact list added, changed or removed (no contact details).
    #[serde(rename = "contact_list.added")]
    ContactAdded { org: String, id: Uuid },
    #[serde(rename = "contact_list.updated")]
    ContactUpdated { org: String, id: Uuid },
    #[serde(rename = "contact_list.removed")]
    ContactRemoved { org: String, id: Uuid },
    /// A scenario kept (added or replaced) or removed by the secretariat.
    #[serde(rename = "scenario.kept")]
    ScenarioKept { id: String },
    #[serde(rename = "scenario.removed")]
    ScenarioRemoved { id: String },
    /// The KPIs' targets set by the secretariat.
    #[serde(rename = "kpi_targets")]
    KpiTargets,
    /// An audience's evaluation form kept by the secretariat.
    #[serde(rename = "evaluation_template.kept")]
    EvaluationTemplateKept { audience: crate::evaluation::Audience },
    /// A tariff version added.
    #[serde(rename = "tariff.added")]
    TariffAdded {
        #[serde(with = "crate::time::date")]
        valid_from: time::Date,
    },
    /// "I checked this today": somebody confirmed the entry is right, at `at`.
    #[serde(rename = "contact_list.verified")]
    ContactVerified {
        org: String,
        id: Uuid,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Event::IncidentCreated(_) => EventKind::IncidentCreated,
            Event::IncidentStatus { .. } => EventKind::IncidentStatus,
            Event::RolesAssigned { .. } => EventKind::RolesAssigned,
            Event::LogAppended(_) => EventKind::LogAppended,
            Event::ChecklistUpdated(_) => EventKind::ChecklistUpdated,
            Event::GuidePublished { .. } => EventKind::GuidePublished,
            Event::GuideOverdue { .. } => EventKind::GuideOverdue,
            Event::FeedbackCreated(_) => EventKind::FeedbackCreated,
            Event::FeedbackUpdated(_) => EventKind::FeedbackUpdated,
            Event::InquiryCreated(_) => EventKind::InquiryCreated,
            Event::CallbackCreated { .. } => EventKind::CallbackCreated,
            Event::CallsRecorded { .. } => EventKind::CallsRecorded,
            Event::StaffingChanged(_) => EventKind::StaffingChanged,
            Event::EverydayImported { .. } => EventKind::EverydayImported,
            Event::AdminChanged { .. } => EventKind::AdminChanged,
            Event::CalloutChanged { .. } => EventKind::CalloutChanged,
            Event::ExerciseChanged { .. } => EventKind::ExerciseChanged,
            Event::ReviewChanged { .. } => EventKind::ReviewChanged,
        }
    }

    /// What the event tells, as it is stored and streamed.
    pub fn payload(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut m)) => m.remove("payload").unwrap_or_default(),
            _ => serde_json::Value::Null,
        }
    }
}

/// An event before it has its sequence number: what happened, and whom it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event: Event,
    pub incident_id: Option<Uuid>,
    /// The organisations an incident affects, so events can be filtered per authority.
    pub affected: Vec<String>,
}

impl NewEvent {
    /// An event about an incident: it reaches those who see the incident.
    pub fn about(incident: &Incident, event: Event) -> NewEvent {
        NewEvent { event, incident_id: Some(incident.id), affected: incident.affected.clone() }
    }

    /// An event about no incident (imports, the secretariat's changes).
    pub fn general(event: Event) -> NewEvent {
        NewEvent { event, incident_id: None, affected: Vec::new() }
    }
}

/// A committed event with its place in the global order: what the event table holds and the live
/// streams send.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Committed {
    pub seq: i64,
    pub kind: EventKind,
    pub incident_id: Option<Uuid>,
    pub affected: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub payload: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// The payloads the live streams carried before events were typed: the browser's script and
    /// `bench/fanout` read these shapes.
    #[test]
    fn payloads_keep_the_wire_format() {
        let at = time::macros::datetime!(2026-11-23 12:00 UTC);
        let cases = [
            (
                Event::IncidentStatus { id: id(1), from: Status::Prepared, status: Status::Active },
                json!({ "id": id(1), "from": "prepared", "status": "active" }),
            ),
            (
                Event::GuidePublished { incident_id: id(1), version: 2, banner: "Kog vandet".into() },
                json!({ "incident_id": id(1), "version": 2, "banner": "Kog vandet" }),
            ),
            (
                Event::GuideOverdue { incident_id: id(1), version: 2, next_update_at: at },
                json!({ "incident_id": id(1), "version": 2, "next_update_at": "2026-11-23T12:00:00Z" }),
            ),
            (Event::CallbackCreated { id: id(2), incident_id: id(1) }, json!({ "id": id(2), "incident_id": id(1) })),
            (Event::CallsRecorded { recorded: 3, replaced: 1 }, json!({ "recorded": 3, "replaced": 1 })),
            (Event::ChecklistUpdated(ChecklistChange::CardAttached { card: id(3) }), json!({ "card": id(3) })),
            (Event::StaffingChanged(StaffingChange::Shifts(4)), json!({ "shifts": 4 })),
            (Event::StaffingChanged(StaffingChange::Bid(id(5))), json!({ "shift": id(5) })),
            (Event::StaffingChanged(StaffingChange::Awarded { awarded: 7, unfilled: 1 }), json!({ "awarded": 7, "unfilled": 1 })),
            (
                Event::StaffingChanged(StaffingChange::Override { start: at, calls: Some(12.5) }),
                json!({ "override": { "start": "2026-11-23T12:00:00Z", "calls": 12.5 } }),
            ),
            (
                Event::EverydayImported { municipality: "0250".into(), added: 1, updated: 2, removed: 0 },
                json!({ "municipality": "0250", "added": 1, "updated": 2, "removed": 0 }),
            ),
            (
                Event::AdminChanged { change: AdminChange::Member { code: "0250".into(), member: true }, by: "Sekretariatet".into() },
                json!({ "what": "organisation.member", "by": "Sekretariatet", "detail": { "code": "0250", "member": true } }),
            ),
            (
                Event::AdminChanged {
                    change: AdminChange::Roster { role: StaffRole::CrisisLeader, primary: Some(id(6)), deputy: None },
                    by: "S".into(),
                },
                json!({ "what": "roster", "by": "S", "detail": { "role": "crisis_leader", "primary": id(6), "deputy": null } }),
            ),
            (
                Event::AdminChanged { change: AdminChange::ContactVerified { org: "0250".into(), id: id(7), at }, by: "S".into() },
                json!({ "what": "contact_list.verified", "by": "S", "detail": { "org": "0250", "id": id(7), "at": "2026-11-23T12:00:00Z" } }),
            ),
        ];
        for (event, payload) in cases {
            assert_eq!(event.payload(), payload, "{:?}", event.kind());
        }
    }

    #[test]
    fn the_kind_is_the_serialised_tag() {
        let events = [
            Event::CallsRecorded { recorded: 0, replaced: 0 },
            Event::StaffingChanged(StaffingChange::Shifts(1)),
            Event::AdminChanged { change: AdminChange::CardDeleted { id: id(1) }, by: "S".into() },
        ];
        for e in events {
            assert_eq!(serde_json::to_value(&e).unwrap()["kind"], e.kind().as_str());
        }
    }
}
