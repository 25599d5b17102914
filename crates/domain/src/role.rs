use crate::word_enum;

word_enum!(
    /// What a user account is for. Exactly one per account.
    Role, "role" {
        Secretariat = "secretariat",
        SteeringGroup = "steering_group",
        CrisisLeader = "crisis_leader",
        LogKeeper = "log_keeper",
        ProcessLead = "process_lead",
        StaffingLead = "staffing_lead",
        AuthorityEditor = "authority_editor",
        Agent = "agent",
    }
);

word_enum!(
    /// The four crisis-staff roles that each incident staffs with a primary and a deputy.
    StaffRole, "crisis role" {
        CrisisLeader = "crisis_leader",
        LogKeeper = "log_keeper",
        ProcessLead = "process_lead",
        StaffingLead = "staffing_lead",
    }
);

impl StaffRole {
    /// The account role a person should hold to fill this crisis role.
    pub fn account_role(self) -> Role {
        match self {
            StaffRole::CrisisLeader => Role::CrisisLeader,
            StaffRole::LogKeeper => Role::LogKeeper,
            StaffRole::ProcessLead => Role::ProcessLead,
            StaffRole::StaffingLead => Role::StaffingLead,
        }
    }
}

impl Role {
    /// Members of the crisis staff write the official log and work the crisis-side checklist.
    pub fn is_crisis_staff(self) -> bool {
        matches!(
            self,
            Role::CrisisLeader | Role::LogKeeper | Role::ProcessLead | Role::StaffingLead
        )
    }
}

/// Who fills one crisis role: a named primary and a named deputy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Assignment {
    pub role: StaffRole,
    pub primary: Option<crate::user::Person>,
    pub deputy: Option<crate::user::Person>,
}

/// The primary and the deputy must be two different people.
pub fn check_assignment(
    primary: Option<uuid::Uuid>,
    deputy: Option<uuid::Uuid>,
) -> Result<(), crate::DomainError> {
    if primary.is_some() && primary == deputy {
        return Err(crate::DomainError::invalid(
            "deputy",
            "the deputy must be someone other than the primary",
        ));
    }
    Ok(())
}
