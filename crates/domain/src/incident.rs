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
        let legal =
            self.next() == Some(to) || (self == Status::StandingDown && to == Status::Active);
        if legal {
            Ok(to)
        } else {
            let hint = match self.next() {
                Some(n) => format!("from '{self}' the next status is '{n}'"),
                None => "a closed incident cannot change status".to_string(),
            };
            Err(DomainError::Conflict(format!(
                "cannot change status from '{self}' to '{to}': {hint}"
            )))
        }
    }

    /// Closing must be explained in the log.
    pub fn needs_note(self) -> bool {
        self == Status::Closed
    }
}

pub const TITLE_MAX: usize = 200;
pub const NOTE_MAX: usize = 4000;

/// `POST /api/v1/incidents` as the domain sees it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    pub title: String,
    pub kind: IncidentKind,
    pub affected: Vec<String>,
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub exercise: bool,
}

impl NewIncident {
    /// Normalises and validates; `known_org` answers whether an organisation code exists.
    pub fn validate(
        mut self,
        known_org: impl Fn(&str) -> bool,
    ) -> Result<NewIncident, DomainError> {
        self.title = text::one_line(&self.title);
        let mut p = Problems::default();
        p.text("title", &self.title, 3, TITLE_MAX);
        if self.affected.is_empty() {
            p.add(
                "affected",
                "name at least one affected organisation by its code, e.g. \"0250\"",
            );
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

pub fn channels_to_string(channels: &[Channel]) -> String {
    channels
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn channels_from_string(s: &str) -> Result<Vec<Channel>, DomainError> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::parse)
        .collect()
}

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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
        assert_eq!(
            err.to_string(),
            "cannot change status from 'prepared' to 'closed': from 'prepared' the next status is 'active'"
        );
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
        let DomainError::Invalid(problems) = n.validate(|c| c == "0250").unwrap_err() else {
            panic!()
        };
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["title", "affected", "channels"]);
    }

    #[test]
    fn kinds_parse_from_their_words() {
        assert_eq!(
            "heat_supply".parse::<IncidentKind>().unwrap(),
            IncidentKind::HeatSupply
        );
        assert!("earthquake".parse::<IncidentKind>().is_err());
    }
}
