//! An incident (krise): its kinds, channels and lifecycle.

use crate::error::Problems;
use crate::{DomainError, text, word_enum};
use serde::Deserialize;

word_enum!(
    IncidentKind, "kind" {
        ItBreakdown = "it_breakdown",
        PowerCut = "power_cut",
        HeatSupply = "heat_supply",
        Flood = "flood",
        Fire = "fire",
        WaterSupply = "water_supply",
        Evacuation = "evacuation",
        CyberAttack = "cyber_attack",
        Other = "other",
    }
);

word_enum!(
    Channel, "channel" {
        Phone = "phone",
        Chat = "chat",
        Voice = "voice",
    }
);

word_enum!(
    /// The lifecycle: `prepared → active → standing_down → closed`.
    Status, "status" {
        Prepared = "prepared",
        Active = "active",
        StandingDown = "standing_down",
        Closed = "closed",
    }
);

impl Status {
    /// The one legal next state, if any.
    pub fn next(self) -> Option<Status> {
        match self {
            Status::Prepared => Some(Status::Active),
            Status::Active => Some(Status::StandingDown),
            Status::StandingDown => Some(Status::Closed),
            Status::Closed => None,
        }
    }

    /// Checks a requested transition. Only one step forward is legal; standing down may be
    /// reversed to active when the crisis flares up again.
    pub fn transition(self, to: Status) -> Result<Status, DomainError> {
        let legal = self.next() == Some(to) || (self == Status::StandingDown && to == Status::Active);
        if legal {
            Ok(to)
        } else {
            let hint = match self.next() {
                Some(n) => format!("from '{self}' the next status is '{n}'"),
                None => "a closed incident cannot change status".to_string(),
            };
            Err(DomainError::Conflict(format!("cannot change status from '{self}' to '{to}': {hint}")))
        }
    }

    /// Closing must be explained in the log.
    pub fn needs_note(self) -> bool {
        self == Status::Closed
    }

    /// Checks the note that goes into the log with a transition to `self`; returns it trimmed.
    pub fn check_note(self, note: Option<&str>) -> Result<Option<String>, DomainError> {
        let note = note.map(text::multi_line).filter(|n| !n.is_empty());
        if self.needs_note() && note.is_none() {
            return Err(DomainError::invalid("note", "closing requires a closing log entry: say why the incident is closed"));
        }
        let mut p = Problems::default();
        if let Some(n) = &note {
            p.text("note", n, 1, NOTE_MAX);
        }
        p.into_result()?;
        Ok(note)
    }

    /// Activation raises the activation checklist, once.
    /// Agents answer citizens about it: active, or standing down while calls still come in.
    pub fn is_live(self) -> bool {
        matches!(self, Status::Active | Status::StandingDown)
    }

    /// Refuses citizen input (inquiries, callbacks, feedback) on an incident no one answers for.
    pub fn check_live(self) -> Result<(), DomainError> {
        if self.is_live() {
            Ok(())
        } else {
            Err(DomainError::Conflict(format!("the incident is {self}: citizen input is taken only while it is active or standing down")))
        }
    }

    pub fn raises_checklist(self, existing_items: i64) -> bool {
        self == Status::Active && existing_items == 0
    }
}

pub const TITLE_MAX: usize = 200;
/// Leaves room within the log's text limit for the status-change wording around the note.
pub const NOTE_MAX: usize = crate::log::TEXT_MAX - 200;

/// `POST /api/v1/incidents` as the domain sees it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    #[schema(min_length = 3, max_length = 200, pattern = r"\S")]
    pub title: String,
    pub kind: IncidentKind,
    #[schema(min_items = 1)]
    pub affected: Vec<String>,
    #[schema(min_items = 1)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub exercise: bool,
}

impl NewIncident {
    /// Normalises and validates; `known_org` answers whether an organisation code exists.
    pub fn validate(mut self, known_org: impl Fn(&str) -> bool) -> Result<NewIncident, DomainError> {
        self.title = text::one_line(&self.title);
        let mut p = Problems::default();
        p.text("title", &self.title, 3, TITLE_MAX);
        if self.affected.is_empty() {
            p.add("affected", "name at least one affected organisation by its code, e.g. \"0250\"");
        }
        for code in &self.affected {
            if !known_org(code) {
                p.add("affected", format!("unknown organisation code '{code}'"));
            }
        }
        self.affected.sort();
        self.affected.dedup();
        if self.channels.is_empty() {
            p.add("channels", "choose at least one of phone, chat, voice");
        }
        self.channels.sort();
        self.channels.dedup();
        p.into_result()?;
        Ok(self)
    }
}

impl NewIncident {
    /// An authority may request the service for itself only; the crisis staff open incidents for anyone.
    pub fn check_requester(&self, actor: &crate::Actor) -> Result<(), DomainError> {
        if actor.role == crate::Role::AuthorityEditor && self.affected != [actor.org.clone()] {
            return Err(DomainError::Forbidden(format!(
                "an authority may request the crisis service only for itself: set affected to [\"{}\"]",
                actor.org
            )));
        }
        Ok(())
    }
}

pub fn channels_to_string(channels: &[Channel]) -> String {
    channels.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
}

pub fn channels_from_string(s: &str) -> Result<Vec<Channel>, DomainError> {
    s.split(',').filter(|x| !x.is_empty()).map(str::parse).collect()
}

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Incident {
    pub id: uuid::Uuid,
    pub title: String,
    pub kind: IncidentKind,
    pub status: Status,
    pub affected: Vec<String>,
    pub channels: Vec<Channel>,
    pub exercise: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub activated_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub standing_down_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<time::OffsetDateTime>,
}

impl Incident {
    /// Its alert (CAP) is public once the crisis has been announced: live or closed (the Cancel),
    /// never while prepared, and never for an exercise.
    pub fn alert_is_public(&self) -> bool {
        !self.exercise && self.status != Status::Prepared
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_status() -> impl Strategy<Value = Status> {
        prop::sample::select(Status::ALL.to_vec())
    }

    proptest! {
        /// Whatever sequence of requests arrives, the status only ever moves along the lifecycle,
        /// and once closed it never changes again.
        #[test]
        fn lifecycle_never_skips_or_leaves_closed(requests in prop::collection::vec(any_status(), 0..40)) {
            let mut s = Status::Prepared;
            for to in requests {
                let before = s;
                match s.transition(to) {
                    Ok(n) => {
                        prop_assert!(before != Status::Closed);
                        prop_assert!(before.next() == Some(n) || (before == Status::StandingDown && n == Status::Active));
                        s = n;
                    }
                    Err(DomainError::Conflict(_)) => prop_assert_eq!(s, before),
                    Err(e) => prop_assert!(false, "unexpected error {e:?}"),
                }
            }
        }
    }

    #[test]
    fn illegal_transition_explains_itself() {
        let err = Status::Prepared.transition(Status::Closed).unwrap_err();
        assert_eq!(err.to_string(), "cannot change status from 'prepared' to 'closed': from 'prepared' the next status is 'active'");
    }

    #[test]
    fn new_incident_lists_every_problem() {
        let n = NewIncident {
            title: " x ".into(),
            kind: IncidentKind::Flood,
            affected: vec!["9999".into()],
            channels: vec![],
            exercise: false,
        };
        let DomainError::Invalid(problems) = n.validate(|c| c == "0250").unwrap_err() else { panic!() };
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["title", "affected", "channels"]);
    }

    #[test]
    fn closing_note_rules() {
        assert!(Status::Closed.check_note(Some("  ")).is_err());
        assert_eq!(Status::Closed.check_note(Some(" Slut. ")).unwrap().as_deref(), Some("Slut."));
        assert_eq!(Status::Active.check_note(None).unwrap(), None);
        let long = "x".repeat(NOTE_MAX + 1);
        let DomainError::Invalid(p) = Status::Active.check_note(Some(&long)).unwrap_err() else { panic!() };
        assert_eq!(p[0].field, "note");
    }

    #[test]
    fn an_authority_requests_only_for_itself() {
        let editor = crate::Actor { user_id: uuid::Uuid::nil(), name: "R".into(), role: crate::Role::AuthorityEditor, org: "0250".into() };
        let mut n = NewIncident {
            title: "Brand".into(),
            kind: IncidentKind::Fire,
            affected: vec!["0250".into()],
            channels: vec![Channel::Phone],
            exercise: false,
        };
        assert!(n.check_requester(&editor).is_ok());
        n.affected.push("0101".into());
        assert!(matches!(n.check_requester(&editor), Err(DomainError::Forbidden(_))));
        let leader = crate::Actor { role: crate::Role::CrisisLeader, ..editor };
        assert!(n.check_requester(&leader).is_ok());
    }

    #[test]
    fn kinds_parse_from_their_words() {
        assert_eq!("heat_supply".parse::<IncidentKind>().unwrap(), IncidentKind::HeatSupply);
        assert!("earthquake".parse::<IncidentKind>().is_err());
    }
}
