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
        // A member municipality's contact for shifts: bids for open shifts, sees its commitments.
        ShiftContact = "shift_contact",
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

impl StaffRole {
    /// Whether a person with account role `r` may fill this crisis role: the form lists only them.
    pub fn may_hold(self, r: Role) -> bool {
        r == self.account_role()
    }
}

impl Role {
    /// Members of the crisis staff write the official log and work the crisis-side checklist.
    pub fn is_crisis_staff(self) -> bool {
        matches!(self, Role::CrisisLeader | Role::LogKeeper | Role::ProcessLead | Role::StaffingLead)
    }
}

/// Who fills one crisis role: a named primary and a named deputy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Assignment {
    pub role: StaffRole,
    pub primary: Option<crate::user::Person>,
    pub deputy: Option<crate::user::Person>,
}

/// The primary and the deputy must be two different, active people who hold the account role
/// that the crisis role calls for.
pub fn check_assignment(
    role: StaffRole,
    primary: Option<&crate::user::User>,
    deputy: Option<&crate::user::User>,
) -> Result<(), crate::DomainError> {
    use crate::error::code;
    let mut p = crate::error::Problems::default();
    for (field, user) in [("primary", primary), ("deputy", deputy)] {
        if let Some(u) = user {
            if !u.active {
                p.add_about(field, code::INACTIVE_USER, &u.name, format!("{} is deactivated", u.email));
            } else if !role.may_hold(u.role) {
                p.add_about(field, code::WRONG_ROLE, &u.name, format!("{} is a {}, not a {}", u.email, u.role, role.account_role()));
            }
        }
    }
    if let (Some(a), Some(b)) = (primary, deputy)
        && a.id == b.id
    {
        p.add_coded("deputy", code::SAME_PERSON, "the deputy must be someone other than the primary");
    }
    p.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user::User;

    fn user(n: u128, role: Role) -> User {
        User { id: uuid::Uuid::from_u128(n), email: format!("{n}@x.invalid"), name: "N".into(), org: "DDH".into(), role, active: true }
    }

    #[test]
    fn assignment_needs_fitting_distinct_active_people() {
        let (a, b) = (user(1, Role::LogKeeper), user(2, Role::LogKeeper));
        assert!(check_assignment(StaffRole::LogKeeper, Some(&a), Some(&b)).is_ok());
        assert!(check_assignment(StaffRole::LogKeeper, Some(&a), Some(&a)).is_err());
        assert!(check_assignment(StaffRole::CrisisLeader, Some(&a), None).is_err());
        let inactive = User { active: false, ..b };
        assert!(check_assignment(StaffRole::LogKeeper, None, Some(&inactive)).is_err());
        assert!(check_assignment(StaffRole::LogKeeper, None, None).is_ok());
    }
}
