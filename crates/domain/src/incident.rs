//! An incident (krise): its kinds, channels and lifecycle.

use crate::error::{Problems, code};
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

    /// Standing down and closing end the service for citizens: the room asks the person to
    /// confirm, naming the crisis.
    pub fn needs_confirmation(self) -> bool {
        matches!(self, Status::StandingDown | Status::Closed)
    }

    /// Closing tells citizens that it is over, in the authority's words.
    pub fn needs_all_clear(self) -> bool {
        self == Status::Closed
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
/// The all-clear citizens read on the public page and in the feed for a day after closing.
pub const ALL_CLEAR_MAX: usize = 1000;
/// How long citizens are shown the all-clear.
pub const ALL_CLEAR_SHOWN: time::Duration = time::Duration::hours(24);

/// A requested step along the lifecycle: every step gives its reason for the log, and closing
/// gives the all-clear for citizens ("Krisen er ovre …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub to: Status,
    pub note: Option<String>,
    pub all_clear: Option<String>,
    /// The person confirmed a step that ends the service (on the room's form, by ticking the
    /// box that names the crisis; an API call is its own confirmation).
    pub confirmed: bool,
}

impl Transition {
    /// A step with its reason (and no all-clear).
    pub fn new(to: Status, note: &str) -> Transition {
        Transition { to, note: Some(note.to_string()), all_clear: None, confirmed: true }
    }

    /// Checks the step from `from`: an illegal step is a conflict; then every problem of the
    /// texts at once. Returns the texts trimmed, and no all-clear unless closing.
    pub fn check(self, from: Status) -> Result<Transition, DomainError> {
        let to = from.transition(self.to)?;
        let note = self.note.as_deref().map(text::multi_line).filter(|n| !n.is_empty());
        let all_clear = self.all_clear.as_deref().map(text::multi_line).filter(|n| !n.is_empty() && to.needs_all_clear());
        let mut p = Problems::default();
        match &note {
            None => p.add_coded("note", code::REQUIRED, "give the reason for the change of status: it goes into the log"),
            Some(n) => p.text("note", n, 1, NOTE_MAX),
        }
        match &all_clear {
            None if to.needs_all_clear() => p.add_coded(
                "all_clear",
                code::REQUIRED,
                "closing requires an all-clear for citizens (\"Krisen er ovre …\"), shown for a day on the public page and in the feed",
            ),
            Some(t) => p.text("all_clear", t, 1, ALL_CLEAR_MAX),
            None => {}
        }
        if to.needs_confirmation() && !self.confirmed {
            p.add_coded("confirm", code::CONFIRM, "confirm the change by ticking the box that names the crisis");
        }
        p.into_result()?;
        Ok(Transition { to, note, all_clear, confirmed: true })
    }
}

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
    /// Normalises and validates. Each affected organisation may be named by its code or its
    /// name (as the form's list offers them, "Frederikssund (0250)"), and becomes its code.
    pub fn validate(mut self, orgs: &[crate::org::Organisation]) -> Result<NewIncident, DomainError> {
        self.title = text::one_line(&self.title);
        let mut p = Problems::default();
        p.text("title", &self.title, 3, TITLE_MAX);
        if self.affected.is_empty() {
            p.add_coded("affected", code::REQUIRED, "name at least one affected organisation by its code, e.g. \"0250\"");
        }
        let mut codes = Vec::new();
        for named in &self.affected {
            match crate::org::resolve(named, orgs) {
                Ok(c) => codes.push(c),
                Err(e) => p.extend(e)?,
            }
        }
        self.affected = codes;
        self.affected.sort();
        self.affected.dedup();
        if self.channels.is_empty() {
            p.add_coded("channels", code::CHOOSE_ONE, "choose at least one of phone, chat, voice");
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
    /// What citizens were told when it closed.
    pub all_clear: Option<String>,
}

impl Incident {
    /// Its alert (CAP) is public once the crisis has been announced: live or closed (the Cancel),
    /// never while prepared, and never for an exercise.
    pub fn alert_is_public(&self) -> bool {
        !self.exercise && self.status != Status::Prepared
    }

    /// The all-clear while citizens are still shown it: for a day after closing.
    pub fn all_clear_shown(&self, now: time::OffsetDateTime) -> Option<&str> {
        let recent = self.closed_at.is_some_and(|t| now - t < ALL_CLEAR_SHOWN);
        self.all_clear.as_deref().filter(|_| recent && self.status == Status::Closed)
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
        let DomainError::Invalid(problems) = n.validate(&crate::org::reference()).unwrap_err() else { panic!() };
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["title", "affected", "channels"]);
    }

    #[test]
    fn every_step_gives_a_reason_and_closing_an_all_clear() {
        let fields = |e: DomainError| match e {
            DomainError::Invalid(p) => p.into_iter().map(|f| (f.field, f.code)).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let bare = Transition { to: Status::Active, note: Some("  ".into()), all_clear: None, confirmed: false };
        assert_eq!(fields(bare.check(Status::Prepared).unwrap_err()), [("note".to_string(), Some(code::REQUIRED))]);
        let close = Transition { to: Status::Closed, note: Some(" Strømmen er tilbage. ".into()), all_clear: None, confirmed: true };
        assert_eq!(fields(close.clone().check(Status::StandingDown).unwrap_err()), [("all_clear".to_string(), Some(code::REQUIRED))]);
        let ok = Transition { all_clear: Some(" Krisen er ovre. ".into()), ..close }.check(Status::StandingDown).unwrap();
        assert_eq!((ok.note.as_deref(), ok.all_clear.as_deref()), (Some("Strømmen er tilbage."), Some("Krisen er ovre.")));
        // Only closing keeps an all-clear; an illegal step is a conflict before any text is looked at.
        let active = Transition { to: Status::Active, note: Some("Igen".into()), all_clear: Some("x".into()), confirmed: false };
        assert_eq!(active.check(Status::StandingDown).unwrap().all_clear, None);
        assert!(matches!(Transition::new(Status::Closed, "").check(Status::Prepared), Err(DomainError::Conflict(_))));
        let long = Transition { to: Status::Active, note: Some("x".repeat(NOTE_MAX + 1)), all_clear: None, confirmed: true };
        assert_eq!(fields(long.check(Status::Prepared).unwrap_err()), [("note".to_string(), Some(code::TOO_LONG))]);
    }

    #[test]
    fn standing_down_and_closing_are_confirmed() {
        let step = |to, confirmed| Transition { to, note: Some("Grund".into()), all_clear: Some("Ovre.".into()), confirmed };
        assert!(step(Status::Active, false).check(Status::Prepared).is_ok(), "activating needs no confirmation");
        let DomainError::Invalid(p) = step(Status::StandingDown, false).check(Status::Active).unwrap_err() else { panic!() };
        assert_eq!((p[0].field.as_str(), p[0].code), ("confirm", Some(code::CONFIRM)));
        assert!(step(Status::Closed, true).check(Status::StandingDown).is_ok());
    }

    #[test]
    fn the_all_clear_is_shown_for_a_day() {
        let at = time::macros::datetime!(2026-11-23 12:00 UTC);
        let i = Incident {
            id: uuid::Uuid::nil(),
            title: "Brand".into(),
            kind: IncidentKind::Fire,
            status: Status::Closed,
            affected: vec!["0250".into()],
            channels: vec![Channel::Phone],
            exercise: false,
            created_at: at,
            activated_at: Some(at),
            standing_down_at: Some(at),
            closed_at: Some(at),
            all_clear: Some("Krisen er ovre.".into()),
        };
        assert_eq!(i.all_clear_shown(at + time::Duration::hours(23)), Some("Krisen er ovre."));
        assert_eq!(i.all_clear_shown(at + time::Duration::hours(25)), None);
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
