//! The after-action report's own parts (issue 17), in the shape of HSEEP's AAR/IP: the
//! strengths and areas for improvement the crisis staff write, and the improvement plan's
//! corrective actions, tracked until done.

use crate::error::Problems;
use crate::{DomainError, text, word_enum};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

word_enum!(
    ActionStatus, "action status" {
        Open = "open",
        InProgress = "in_progress",
        Done = "done",
    }
);

impl ActionStatus {
    pub fn da(self) -> &'static str {
        match self {
            ActionStatus::Open => "åben",
            ActionStatus::InProgress => "i gang",
            ActionStatus::Done => "udført",
        }
    }
}

pub const NOTES_MAX: usize = 10_000;

/// Strengths and areas for improvement, as the crisis staff wrote them (Markdown).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    #[schema(max_length = 10000)]
    pub strengths: String,
    #[schema(max_length = 10000)]
    pub improvements: String,
}

impl Notes {
    pub fn validate(mut self) -> Result<Notes, DomainError> {
        let mut p = Problems::default();
        self.strengths = self.strengths.trim().to_string();
        self.improvements = self.improvements.trim().to_string();
        for (field, v) in [("strengths", &self.strengths), ("improvements", &self.improvements)] {
            if v.chars().count() > NOTES_MAX {
                p.add(field, format!("at most {NOTES_MAX} characters"));
            }
        }
        p.into_result()?;
        Ok(self)
    }
}

/// A corrective action as the crisis staff enter it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAction {
    #[schema(max_length = 500)]
    pub text: String,
    /// Who is responsible: a person or an organisation.
    #[schema(max_length = 120)]
    pub owner: String,
    #[serde(with = "crate::time::date")]
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    #[serde(default = "open")]
    pub status: ActionStatus,
}

fn open() -> ActionStatus {
    ActionStatus::Open
}

impl NewAction {
    pub fn validate(mut self) -> Result<NewAction, DomainError> {
        let mut p = Problems::default();
        self.text = text::one_line(&self.text);
        self.owner = text::one_line(&self.owner);
        p.text("text", &self.text, 3, 500);
        p.text("owner", &self.owner, 2, 120);
        p.into_result()?;
        Ok(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CorrectiveAction {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub text: String,
    pub owner: String,
    #[serde(with = "crate::time::date")]
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    pub status: ActionStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

impl CorrectiveAction {
    /// Open past its due day (in Copenhagen).
    pub fn overdue(&self, now: OffsetDateTime) -> bool {
        self.status != ActionStatus::Done && self.due < crate::time::to_copenhagen(now).date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn an_action_needs_a_text_and_an_owner_and_is_overdue_after_its_day() {
        let bad = NewAction { text: " x ".into(), owner: "".into(), due: date!(2027 - 04 - 01), status: ActionStatus::Open };
        let Err(DomainError::Invalid(f)) = bad.validate() else { panic!("accepted") };
        assert_eq!(f.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["text", "owner"]);
        let a = CorrectiveAction {
            id: Uuid::nil(),
            incident_id: Uuid::nil(),
            text: "Opdater IVR-vejledningen".into(),
            owner: "Aarhus Kommune".into(),
            due: date!(2027 - 04 - 01),
            status: ActionStatus::InProgress,
            updated_at: datetime!(2027-03-01 10:00 UTC),
            updated_by: "x".into(),
        };
        assert!(!a.overdue(datetime!(2027-04-01 21:59 UTC)), "still the 1st in Copenhagen");
        assert!(a.overdue(datetime!(2027-04-01 22:00 UTC)));
        assert!(!CorrectiveAction { status: ActionStatus::Done, ..a }.overdue(datetime!(2027-05-01 10:00 UTC)));
    }
}
