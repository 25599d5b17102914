//! Feedback from agents on a published guide: what is wrong or missing, routed to whoever can
//! fix it, and tracked until a new version resolves it.

use crate::error::{Problems, code};
use crate::{DomainError, Role, text, word_enum};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub const TEXT_MAX: usize = 1000;

word_enum!(
    /// What kind of problem the agent found.
    FeedbackCategory, "feedback category" {
        ContactDetails = "contact_details",
        InformationWrong = "information_wrong",
        InformationMissing = "information_missing",
        Other = "other",
    }
);

word_enum!(
    FeedbackState, "feedback state" {
        New = "new",
        Acknowledged = "acknowledged",
        Resolved = "resolved",
    }
);

word_enum!(
    /// Sections of the guide an agent can point at.
    GuideSection, "guide section" {
        Banner = "banner",
        Scope = "scope",
        ShortStatus = "short_status",
        TimePerspective = "time_perspective",
        Situations = "situations",
        Contacts = "contacts",
        CitizenSummary = "citizen_summary",
    }
);

impl FeedbackCategory {
    /// Contact details belong to the authority (it knows its own numbers); everything else goes
    /// to the process lead, who owns the guide's wording with the authority.
    pub fn routed_to(self) -> Role {
        match self {
            FeedbackCategory::ContactDetails => Role::AuthorityEditor,
            _ => Role::ProcessLead,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeedback {
    pub version: i64,
    pub section: GuideSection,
    pub category: FeedbackCategory,
    #[schema(min_length = 3, max_length = 1000, pattern = r"\S")]
    pub text: String,
}

impl NewFeedback {
    /// `latest` is the newest published version: feedback is on a version that exists.
    pub fn validate(mut self, latest: i64) -> Result<NewFeedback, DomainError> {
        self.text = text::multi_line(&self.text);
        let mut p = Problems::default();
        if self.version < 1 || self.version > latest {
            p.add_coded(
                "version",
                crate::error::code::GUIDE_VERSION,
                format!("no published version {} (the latest is {latest})", self.version),
            );
        }
        p.text("text", &self.text, 3, TEXT_MAX);
        p.into_result()?;
        Ok(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Feedback {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub version: i64,
    pub section: GuideSection,
    pub category: FeedbackCategory,
    pub text: String,
    pub routed_to: Role,
    pub state: FeedbackState,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The version that resolved it.
    pub resolved_by_version: Option<i64>,
    pub handled_by: Option<String>,
}

/// The next state of a feedback item, checked. Resolving needs a version newer than the one the
/// feedback was about: the fix is in the guide, not in a status.
pub fn transition(
    f: &Feedback,
    to: FeedbackState,
    resolved_by: Option<i64>,
    latest: i64,
) -> Result<(FeedbackState, Option<i64>), DomainError> {
    match (f.state, to) {
        (FeedbackState::New, FeedbackState::Acknowledged) => Ok((to, None)),
        (FeedbackState::New | FeedbackState::Acknowledged, FeedbackState::Resolved) => match resolved_by {
            Some(v) if v > f.version && v <= latest => Ok((to, Some(v))),
            Some(v) => {
                let message = format!("must be a published version after {} (the latest is {latest}); got {v}", f.version);
                Err(DomainError::invalid_coded("resolved_by_version", code::RESOLVING_VERSION, message))
            }
            None => Err(DomainError::invalid_coded("resolved_by_version", code::RESOLVING_VERSION, "say which published version fixes it")),
        },
        (from, to) => Err(DomainError::Conflict(format!("feedback that is {from} cannot become {to}"))),
    }
}

/// Counts per state, for the crisis room.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FeedbackCounts {
    pub new: i64,
    pub acknowledged: i64,
    pub resolved: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(state: FeedbackState) -> Feedback {
        Feedback {
            id: Uuid::nil(),
            incident_id: Uuid::nil(),
            version: 2,
            section: GuideSection::Contacts,
            category: FeedbackCategory::ContactDetails,
            text: "Nummeret er forkert".into(),
            routed_to: Role::AuthorityEditor,
            state,
            created_by: "Agent".into(),
            created_at: OffsetDateTime::UNIX_EPOCH,
            resolved_by_version: None,
            handled_by: None,
        }
    }

    #[test]
    fn routing_follows_the_category() {
        assert_eq!(FeedbackCategory::ContactDetails.routed_to(), Role::AuthorityEditor);
        for c in [FeedbackCategory::InformationWrong, FeedbackCategory::InformationMissing, FeedbackCategory::Other] {
            assert_eq!(c.routed_to(), Role::ProcessLead);
        }
    }

    #[test]
    fn states_move_forward_only() {
        assert_eq!(transition(&item(FeedbackState::New), FeedbackState::Acknowledged, None, 2).unwrap().0, FeedbackState::Acknowledged);
        assert_eq!(
            transition(&item(FeedbackState::Acknowledged), FeedbackState::Resolved, Some(3), 3).unwrap(),
            (FeedbackState::Resolved, Some(3))
        );
        assert!(matches!(transition(&item(FeedbackState::Resolved), FeedbackState::New, None, 3), Err(DomainError::Conflict(_))));
        assert!(matches!(
            transition(&item(FeedbackState::Acknowledged), FeedbackState::Acknowledged, None, 3),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn resolving_needs_a_newer_published_version() {
        let f = item(FeedbackState::New);
        assert!(transition(&f, FeedbackState::Resolved, None, 3).is_err());
        assert!(transition(&f, FeedbackState::Resolved, Some(2), 3).is_err(), "the version it was about does not fix it");
        assert!(transition(&f, FeedbackState::Resolved, Some(4), 3).is_err(), "not published yet");
        assert!(transition(&f, FeedbackState::Resolved, Some(3), 3).is_ok());
    }

    #[test]
    fn feedback_validation() {
        let f = NewFeedback { version: 5, section: GuideSection::Banner, category: FeedbackCategory::Other, text: " x ".into() };
        let Err(DomainError::Invalid(errs)) = f.validate(4) else { panic!("must be refused") };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["version", "text"]);
    }
}
