//! A running exercise: who takes part as what, the injects' delivery, and the state the
//! controller's view and `GET /api/v1/incidents/{id}/exercise` show.

use super::{Clock, Inject, InjectChannel, Rating, Recipient, Scenario};
use crate::callout::{ContactChannel, Message};
use crate::role::Assignment;
use crate::user::Person;
use crate::word_enum;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

word_enum!(
    /// What a person is in an exercise beyond its crisis staff.
    Part, "exercise part" {
        Controller = "controller",
        Evaluator = "evaluator",
        Player = "player",
    }
);

/// A person who takes part, with the account role and organisation that decide which injects reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Participant {
    pub person: Person,
    pub role: crate::Role,
    pub part: Part,
}

/// An inject and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InjectState {
    #[serde(flatten)]
    pub inject: Inject,
    /// Scenario seconds; null for a manual inject.
    pub at_s: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(format = DateTime)]
    pub delivered_at: Option<OffsetDateTime>,
    /// The scenario second at which it went.
    pub delivered_s: Option<i64>,
    pub delivered_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Observation {
    pub id: Uuid,
    pub inject: Option<u32>,
    pub objective: String,
    pub rating: Rating,
    pub text: String,
    pub author_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(format = DateTime)]
    pub at: OffsetDateTime,
}

/// Everything about one exercise.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub incident_id: Uuid,
    pub scenario: Scenario,
    pub clock: Clock,
    pub injects: Vec<InjectState>,
    pub parts: Vec<Participant>,
    pub observations: Vec<Observation>,
    pub started_at: OffsetDateTime,
    pub started_by: String,
    pub archived_at: Option<OffsetDateTime>,
}

impl Exercise {
    pub fn part_of(&self, user: Uuid) -> Option<Part> {
        self.parts.iter().find(|p| p.person.id == user).map(|p| p.part)
    }

    /// Whether `actor` runs this exercise: its controller, or the secretariat, which keeps
    /// exercises. Refused once it is archived.
    pub fn check_controller(&self, actor: &crate::Actor) -> Result<(), crate::DomainError> {
        actor.may(crate::Permission::RunExercise)?;
        if actor.role != crate::Role::Secretariat && self.part_of(actor.user_id) != Some(Part::Controller) {
            return Err(crate::DomainError::Forbidden("only the exercise's controller runs its clock and injects".into()));
        }
        if self.archived_at.is_some() {
            return Err(crate::DomainError::Conflict("the exercise is archived".into()));
        }
        Ok(())
    }

    /// Whether `actor` writes observations here: one of its evaluators.
    pub fn check_evaluator(&self, actor: &crate::Actor) -> Result<(), crate::DomainError> {
        actor.may(crate::Permission::ObserveExercise)?;
        if self.part_of(actor.user_id) != Some(Part::Evaluator) {
            return Err(crate::DomainError::Forbidden("only the exercise's evaluators write observations".into()));
        }
        Ok(())
    }

    /// Whether `actor` sees the whole script: the secretariat, the controller and the evaluators.
    /// The players see only what has been delivered to the exercise so far.
    pub fn sees_script(&self, actor: &crate::Actor) -> bool {
        actor.role == crate::Role::Secretariat || matches!(self.part_of(actor.user_id), Some(Part::Controller | Part::Evaluator))
    }

    /// The exercise as `actor` may see it: a player sees the injects delivered so far, and the
    /// participants without their e-mail addresses.
    pub fn seen_by(mut self, actor: &crate::Actor) -> Exercise {
        if !self.sees_script(actor) {
            self.injects.retain(|i| i.delivered_at.is_some());
            for p in &mut self.parts {
                p.person.email.clear();
            }
            self.scenario.injects.clear();
            self.scenario.guide = crate::guide::Guide::default();
        }
        self
    }

    /// The next timed inject not yet delivered: where "next" jumps the clock to.
    pub fn next_due(&self) -> Option<&InjectState> {
        self.injects.iter().filter(|i| i.delivered_at.is_none() && i.at_s.is_some()).min_by_key(|i| (i.at_s, i.inject.number))
    }

    /// Whether every timed inject has gone and the clock has passed the end.
    pub fn finished(&self, now: OffsetDateTime) -> bool {
        self.next_due().is_none() && self.clock.seconds(now) >= self.scenario.duration_s
    }
}

/// Who an inject reaches: the role's primary and deputy (deputies practise too), the players
/// who are agents, or the players from the authority. Never anyone outside the exercise.
pub fn recipients(to: &Recipient, roles: &[Assignment], parts: &[Participant]) -> Vec<Person> {
    let mut out: Vec<Person> = match to {
        Recipient::Role(r) => roles.iter().filter(|a| a.role == *r).flat_map(|a| [a.primary.clone(), a.deputy.clone()]).flatten().collect(),
        Recipient::Agents => {
            parts.iter().filter(|p| p.part == Part::Player && p.role == crate::Role::Agent).map(|p| p.person.clone()).collect()
        }
        Recipient::Authority(code) => parts
            .iter()
            .filter(|p| p.part == Part::Player && p.role == crate::Role::AuthorityEditor && &p.person.org == code)
            .map(|p| p.person.clone())
            .collect(),
    };
    out.dedup_by_key(|p| p.id);
    out
}

/// The call-out channel an inject goes by; the app and the log are not sent.
pub fn contact_channel(c: InjectChannel) -> Option<ContactChannel> {
    match c {
        InjectChannel::Mail => Some(ContactChannel::Email),
        InjectChannel::Sms => Some(ContactChannel::Sms),
        InjectChannel::Teams => Some(ContactChannel::Teams),
        InjectChannel::App | InjectChannel::Log => None,
    }
}

/// The message an inject is sent as, marked as practice in its subject and its text.
pub fn inject_message(incident_id: Uuid, inject: &Inject, channel: ContactChannel, address: &str) -> Message {
    let from = if inject.from.is_empty() { String::new() } else { format!(" fra {}", inject.from) };
    Message {
        channel,
        address: address.to_string(),
        subject: crate::callout::outbound(true, &format!("Inject {}{from}", inject.number)),
        body: crate::callout::outbound(true, &inject.message),
        link: Some(("Åbn øvelsen".into(), format!("/incidents/{incident_id}/exercise"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::StaffRole;

    fn person(n: u128, org: &str) -> Person {
        Person { id: Uuid::from_u128(n), name: format!("P{n}"), email: format!("p{n}@x.dk"), org: org.into() }
    }

    #[test]
    fn injects_reach_the_role_both_people_and_only_players() {
        let roles = vec![Assignment { role: StaffRole::LogKeeper, primary: Some(person(1, "0000")), deputy: Some(person(2, "0000")) }];
        let parts = vec![
            Participant { person: person(3, "0851"), role: crate::Role::AuthorityEditor, part: Part::Player },
            Participant { person: person(4, "0851"), role: crate::Role::AuthorityEditor, part: Part::Evaluator },
            Participant { person: person(5, "0101"), role: crate::Role::Agent, part: Part::Player },
        ];
        let ids = |r: &Recipient| recipients(r, &roles, &parts).iter().map(|p| p.id.as_u128()).collect::<Vec<_>>();
        assert_eq!(ids(&Recipient::Role(StaffRole::LogKeeper)), vec![1, 2]);
        assert_eq!(ids(&Recipient::Role(StaffRole::CrisisLeader)), Vec::<u128>::new());
        assert_eq!(ids(&Recipient::Authority("0851".into())), vec![3], "an evaluator is not played to");
        assert_eq!(ids(&Recipient::Agents), vec![5]);
    }

    #[test]
    fn a_sent_inject_says_it_is_practice() {
        let i = Inject {
            number: 4,
            at: super::super::At::Offset(7200),
            from: "Energinet".into(),
            to: Recipient::Agents,
            channel: InjectChannel::Sms,
            message: "Masterne er nede".into(),
            expected_action: String::new(),
            objective: String::new(),
        };
        let m = inject_message(Uuid::nil(), &i, ContactChannel::Sms, "+4512345678");
        assert_eq!(m.subject, "ØVELSE: Inject 4 fra Energinet");
        assert_eq!(m.body, "ØVELSE: Masterne er nede");
        assert_eq!(contact_channel(InjectChannel::Log), None);
    }
}
