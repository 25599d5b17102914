//! Who may do what: one table, asked by every page and endpoint.

use crate::{DomainError, Role, word_enum};
use uuid::Uuid;

word_enum!(
    /// Everything a caller can ask the system to do.
    Permission, "permission" {
        ViewIncidents = "view_incidents",
        CreateIncident = "create_incident",
        ChangeStatus = "change_status",
        AssignRoles = "assign_roles",
        ReadLog = "read_log",
        AppendLog = "append_log",
        CompleteChecklistItem = "complete_checklist_item",
        AttachActionCard = "attach_action_card",
        EditGuide = "edit_guide",
        SendFeedback = "send_feedback",
        HandleFeedback = "handle_feedback",
        RecordInquiry = "record_inquiry",
        ViewInquiries = "view_inquiries",
        ViewCallbacks = "view_callbacks",
        SearchGuides = "search_guides",
        UseVoiceChannel = "use_voice_channel",
        ViewReference = "view_reference",
        ManageOrganisations = "manage_organisations",
        ManageUsers = "manage_users",
        ManageRoster = "manage_roster",
        ManageTemplates = "manage_templates",
        ViewStaffing = "view_staffing",
        RecordCallStats = "record_call_stats",
        PlanStaffing = "plan_staffing",
        ViewShifts = "view_shifts",
        BidForShifts = "bid_for_shifts",
        UseSecondFactor = "use_second_factor",
        StartCallout = "start_callout",
        ViewCallout = "view_callout",
        SendStaffingCall = "send_staffing_call",
        KeepOwnContactMethods = "keep_own_contact_methods",
        ViewReadiness = "view_readiness",
        ManageCalloutPolicy = "manage_callout_policy",
        KeepContactLists = "keep_contact_lists",
        ReadContactLists = "read_contact_lists",
        ViewScenarios = "view_scenarios",
        KeepScenarios = "keep_scenarios",
        RunExercise = "run_exercise",
        ViewExercise = "view_exercise",
        ObserveExercise = "observe_exercise",
        ViewKpis = "view_kpis",
        SetKpiTargets = "set_kpi_targets",
        KeepEvaluationTemplates = "keep_evaluation_templates",
        ViewEvaluation = "view_evaluation",
        ViewEvaluationTexts = "view_evaluation_texts",
        ViewReport = "view_report",
        WriteReport = "write_report",
        ViewOpenActions = "view_open_actions",
        ViewTariffs = "view_tariffs",
        KeepTariffs = "keep_tariffs",
        ViewStatements = "view_statements",
        IssueStatements = "issue_statements",
    }
);

use Role::*;

const CRISIS_STAFF: &[Role] = &[CrisisLeader, LogKeeper, ProcessLead, StaffingLead];
const EVERYONE: &[Role] =
    &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead, AuthorityEditor, Agent, ShiftContact];

/// The permission table: each permission and the roles that hold it.
/// `AuthorityEditor` is further limited to incidents affecting its own organisation (see [`Actor::may_on`]).
pub const TABLE: &[(Permission, &[Role])] = &[
    (Permission::ViewIncidents, EVERYONE),
    (Permission::CreateIncident, &[Secretariat, CrisisLeader, LogKeeper, AuthorityEditor]),
    (Permission::ChangeStatus, &[Secretariat, CrisisLeader]),
    (Permission::AssignRoles, &[Secretariat, CrisisLeader, StaffingLead]),
    // The official log is the crisis organisation's record: its staff, the secretariat, the
    // steering group and the affected authority read it. Agents and member municipalities' shift
    // contacts get the agent-facing summary (the published guide) instead.
    (Permission::ReadLog, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead, AuthorityEditor]),
    // The official log is written by the crisis staff only.
    (Permission::AppendLog, CRISIS_STAFF),
    (Permission::CompleteChecklistItem, &[Secretariat, CrisisLeader, LogKeeper, ProcessLead, StaffingLead, AuthorityEditor]),
    (Permission::AttachActionCard, &[Secretariat, CrisisLeader, LogKeeper, ProcessLead]),
    // The guide is filled by the affected authority with the process lead.
    (Permission::EditGuide, &[ProcessLead, AuthorityEditor]),
    (Permission::SendFeedback, &[Agent, CrisisLeader, LogKeeper, ProcessLead, StaffingLead]),
    (Permission::HandleFeedback, &[ProcessLead, AuthorityEditor]),
    (Permission::RecordInquiry, &[Agent, ProcessLead]),
    // The statistics of what citizens ask: no personal data.
    (Permission::ViewInquiries, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead, AuthorityEditor]),
    // Personal data: only the authority the citizen asked to call back.
    (Permission::ViewCallbacks, &[AuthorityEditor]),
    // One query box over the live crisis guides and the everyday guides.
    (Permission::SearchGuides, EVERYONE),
    // The voicebot's routing and message: staff tokens, and the contact-centre platform's integration token.
    (Permission::UseVoiceChannel, EVERYONE),
    (Permission::ViewReference, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead]),
    (Permission::ManageOrganisations, &[Secretariat]),
    (Permission::ManageUsers, &[Secretariat]),
    (Permission::ManageRoster, &[Secretariat]),
    (Permission::ManageTemplates, &[Secretariat]),
    // Calls, forecast and required agents: the crisis staff and the leadership; no personal data.
    (Permission::ViewStaffing, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead]),
    // The contact centre's figures come in from the secretariat or the staffing lead.
    (Permission::RecordCallStats, &[Secretariat, StaffingLead]),
    // Settings, forecast overrides and the shift plan are the staffing lead's decisions.
    (Permission::PlanStaffing, &[StaffingLead]),
    // The shift plan; a member's contact sees its own municipality's part only.
    (Permission::ViewShifts, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead, ShiftContact]),
    (Permission::BidForShifts, &[ShiftContact]),
    // A second factor at login (TOTP) for the accounts that steer a crisis: the secretariat, the
    // steering group and the crisis staff; the secretariat may require it of any of these roles.
    (Permission::UseSecondFactor, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead]),
    // Calling the crisis staff out again, with a message: whoever leads or supports the crisis.
    (Permission::StartCallout, &[Secretariat, CrisisLeader, LogKeeper]),
    // Who was called, on which channel, who acknowledged: the crisis organisation.
    (Permission::ViewCallout, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead]),
    // Everyone keeps their own ways of being reached; the readiness view (who can be reached by
    // a verified method) is for those who staff the crisis organisation, and the secretariat
    // sets how call-outs escalate.
    (Permission::KeepOwnContactMethods, EVERYONE),
    (Permission::ViewReadiness, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead]),
    (Permission::ManageCalloutPolicy, &[Secretariat]),
    // Asking the member municipalities for agents is the staffing lead's.
    (Permission::SendStaffingCall, &[StaffingLead]),
    // The contact lists per organisation (the authorities' crisis contacts, the members' shift
    // contacts, the phone vendor's helpdesk, the knowledge base) are the secretariat's to keep.
    (Permission::KeepContactLists, &[Secretariat]),
    // The crisis organisation reads them; an authority editor reads its own organisation's list
    // only (see [`Actor::may_for_org`]), to see that its own contacts are right.
    (Permission::ReadContactLists, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead, AuthorityEditor]),
    // Exercises are the secretariat's to keep and to run (it names the controller); the crisis
    // organisation reads the scenarios it will practise.
    (Permission::ViewScenarios, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead]),
    (Permission::KeepScenarios, &[Secretariat]),
    // Starting an exercise (an exercise incident), and running its clock: the secretariat, and
    // those who open incidents, when named the exercise's controller
    // (`exercise::Exercise::check_controller`).
    (Permission::RunExercise, &[Secretariat, CrisisLeader, LogKeeper]),
    // The injects and observations: whoever takes part, and the leadership.
    (Permission::ViewExercise, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead, AuthorityEditor, Agent]),
    // Evaluators are named per exercise; any account but a shift contact may be one.
    (
        Permission::ObserveExercise,
        &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead, AuthorityEditor, Agent],
    ),
    // After the crisis. The KPIs are shown live in the crisis room, to all who see the crisis;
    // the secretariat sets their targets.
    (Permission::ViewKpis, EVERYONE),
    (Permission::SetKpiTargets, &[Secretariat]),
    // Evaluation: the secretariat keeps the forms; the results without free texts reach everyone
    // in the crisis, the free texts only the crisis staff and the steering group.
    (Permission::KeepEvaluationTemplates, &[Secretariat]),
    (Permission::ViewEvaluation, EVERYONE),
    (Permission::ViewEvaluationTexts, &[SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead]),
    // The after-action report is built from the official log: those who read it read the report;
    // the crisis staff and the secretariat write its strengths, areas and improvement plan, and
    // the secretariat follows up the open actions.
    (Permission::ViewReport, &[Secretariat, SteeringGroup, CrisisLeader, LogKeeper, ProcessLead, StaffingLead, AuthorityEditor]),
    (Permission::WriteReport, &[Secretariat, CrisisLeader, LogKeeper, ProcessLead, StaffingLead]),
    (Permission::ViewOpenActions, &[Secretariat, SteeringGroup]),
    // The economic model: the secretariat keeps the tariffs and issues the statements; the
    // steering group reads them, an authority editor its own authority's only.
    (Permission::ViewTariffs, &[Secretariat, SteeringGroup, AuthorityEditor]),
    (Permission::KeepTariffs, &[Secretariat]),
    (Permission::ViewStatements, &[Secretariat, SteeringGroup, AuthorityEditor]),
    (Permission::IssueStatements, &[Secretariat]),
];

/// What a dedicated integration token (a contact-centre platform, not a person) may do.
pub const INTEGRATION: &[Permission] = &[Permission::UseVoiceChannel];

pub fn allows(role: Role, action: Permission) -> bool {
    TABLE.iter().any(|(a, roles)| *a == action && roles.contains(&role))
}

/// The authenticated caller, as the domain needs to know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub name: String,
    pub role: Role,
    /// The organisation code the person works for (`0250`, or the collaboration's own).
    pub org: String,
}

impl Actor {
    /// The service itself, for what it writes on its own (an overdue guide, a retention purge).
    /// Signs as the secretariat's service, with the nil id no person has.
    pub fn system() -> Actor {
        Actor {
            user_id: Uuid::nil(),
            name: "Kriseservice (automatisk)".into(),
            role: Role::Secretariat,
            org: crate::org::collaboration().code,
        }
    }

    /// May this actor perform `action` at all?
    pub fn may(&self, action: Permission) -> Result<(), DomainError> {
        if allows(self.role, action) {
            Ok(())
        } else {
            Err(DomainError::Forbidden(format!("the role '{}' may not {}", self.role, action.as_str().replace('_', " "))))
        }
    }

    /// May this actor perform `action` on an incident affecting `affected` organisations?
    /// An authority editor acts only on incidents that affect their own organisation.
    pub fn may_on(&self, action: Permission, affected: &[String]) -> Result<(), DomainError> {
        self.may(action)?;
        if self.sees(affected) {
            Ok(())
        } else {
            Err(DomainError::Forbidden(format!(
                "this incident does not affect your organisation ({}); only its own authority may act on it",
                self.org
            )))
        }
    }

    /// May this actor perform `action` on organisation `org`'s records (its contact list)?
    /// An authority editor acts only on its own organisation's, as on its own incidents.
    pub fn may_for_org(&self, action: Permission, org: &str) -> Result<(), DomainError> {
        self.may(action)?;
        if self.role != Role::AuthorityEditor || self.org == org {
            Ok(())
        } else {
            Err(DomainError::Forbidden(format!("this is not your organisation ({}); an authority sees only its own list", self.org)))
        }
    }

    /// Whether an incident affecting `affected` is visible to this actor.
    pub fn sees(&self, affected: &[String]) -> bool {
        self.role != Role::AuthorityEditor || affected.contains(&self.org)
    }

    /// Which committed events reach this actor's live stream: incident events as [`Actor::sees`],
    /// administration events only to those who administer.
    pub fn sees_event(&self, e: &crate::event::Committed) -> bool {
        match e.kind {
            crate::event::EventKind::AdminChanged => allows(self.role, Permission::ManageUsers),
            // A log entry's text is the log itself.
            crate::event::EventKind::LogAppended => allows(self.role, Permission::ReadLog) && self.sees(&e.affected),
            crate::event::EventKind::CalloutChanged => allows(self.role, Permission::ViewCallout) && self.sees(&e.affected),
            crate::event::EventKind::ExerciseChanged => allows(self.role, Permission::ViewExercise) && self.sees(&e.affected),
            _ => self.sees(&e.affected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, org: &str) -> Actor {
        Actor { user_id: Uuid::nil(), name: "Test".into(), role, org: org.into() }
    }

    #[test]
    fn every_action_is_in_the_table_once() {
        for a in Permission::ALL {
            assert_eq!(TABLE.iter().filter(|(x, _)| x == a).count(), 1, "{a}");
        }
    }

    #[test]
    fn integration_tokens_only_reach_the_voice_channel() {
        assert_eq!(INTEGRATION, &[Permission::UseVoiceChannel]);
        assert!(Role::ALL.iter().all(|r| allows(*r, Permission::UseVoiceChannel) && allows(*r, Permission::SearchGuides)));
    }

    #[test]
    fn agents_and_shift_contacts_neither_read_nor_write_the_official_log() {
        for role in [Agent, ShiftContact] {
            assert!(!allows(role, Permission::ReadLog) && !allows(role, Permission::AppendLog), "{role}");
            assert!(allows(role, Permission::ViewIncidents), "{role} still sees the crisis, through the guide");
        }
        assert!(!allows(Agent, Permission::ChangeStatus));
        for role in [CrisisLeader, LogKeeper, SteeringGroup, AuthorityEditor] {
            assert!(allows(role, Permission::ReadLog), "{role}");
        }
    }

    #[test]
    fn log_entries_reach_only_the_live_streams_of_those_who_read_the_log() {
        let entry = |kind| crate::event::Committed {
            seq: 1,
            kind,
            incident_id: Some(Uuid::nil()),
            affected: vec!["0250".into()],
            at: time::OffsetDateTime::UNIX_EPOCH,
            payload: serde_json::Value::Null,
        };
        let log = entry(crate::event::EventKind::LogAppended);
        assert!(!actor(Agent, "DDH").sees_event(&log));
        assert!(actor(CrisisLeader, "DDH").sees_event(&log));
        assert!(!actor(AuthorityEditor, "0101").sees_event(&log), "another authority's crisis");
        assert!(actor(Agent, "DDH").sees_event(&entry(crate::event::EventKind::GuidePublished)), "the guide reaches agents");
    }

    #[test]
    fn only_the_secretariat_administers() {
        for role in Role::ALL {
            assert_eq!(allows(*role, Permission::ManageUsers), *role == Secretariat, "{role}");
        }
    }

    #[test]
    fn personal_data_reaches_the_authority_only() {
        for role in Role::ALL {
            assert_eq!(allows(*role, Permission::ViewCallbacks), *role == AuthorityEditor, "{role}");
        }
        assert!(actor(AuthorityEditor, "0250").may_on(Permission::ViewCallbacks, &["0101".into()]).is_err());
        assert!(allows(Agent, Permission::RecordInquiry) && allows(Agent, Permission::SendFeedback));
        assert!(!allows(Agent, Permission::ViewInquiries), "agents record; the authority reads the statistics");
    }

    #[test]
    fn the_secretariat_keeps_the_contact_lists_and_an_authority_reads_its_own() {
        for role in Role::ALL {
            assert_eq!(allows(*role, Permission::KeepContactLists), *role == Secretariat, "{role}");
        }
        assert!(!allows(Agent, Permission::ReadContactLists) && !allows(ShiftContact, Permission::ReadContactLists));
        let editor = actor(AuthorityEditor, "0250");
        assert!(editor.may_for_org(Permission::ReadContactLists, "0250").is_ok());
        assert!(matches!(editor.may_for_org(Permission::ReadContactLists, "0101"), Err(DomainError::Forbidden(_))));
        assert!(actor(StaffingLead, "DDH").may_for_org(Permission::ReadContactLists, "0101").is_ok());
    }

    #[test]
    fn authority_editor_limited_to_own_incidents() {
        let editor = actor(AuthorityEditor, "0250");
        assert!(editor.may_on(Permission::CompleteChecklistItem, &["0250".into()]).is_ok());
        assert!(matches!(editor.may_on(Permission::CompleteChecklistItem, &["0101".into()]), Err(DomainError::Forbidden(_))));
        // Everyone else sees all incidents.
        assert!(actor(Agent, "0253").sees(&["0101".into()]));
    }
}
