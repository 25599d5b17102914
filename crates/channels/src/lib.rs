//! Renderings of a published guide for other channels. Each renderer is a pure function of a
//! guide version and its incident; nothing here fetches or stores anything, and nothing reads
//! the clock: where the time matters, `now` is passed in.
//!
//! - [`cap`]: an OASIS CAP 1.2 alert (Alert, Update, Cancel) for alert aggregators.
//! - [`voice`]: the spoken message as text and SSML 1.1, and VoiceXML 2.1 for the IVR.
//! - [`sms`]: the citizen summary as an SMS, GSM-7 where it fits, with its segment count.
//! - [`routing`]: the IVR routing answer (crisis active, route, message) as a value and as XML.
//! - [`atom`]: an Atom feed (RFC 4287) of the current public alerts, linking their CAP.
//! - [`sms_gateway`]: an HTTP SMS gateway's request, answer and callbacks, as data.
//! - [`teams`]: an Adaptive Card for a Teams Workflows webhook.

pub mod atom;
pub mod cap;
pub mod routing;
pub mod sms;
pub mod sms_gateway;
mod speech;
pub mod teams;
mod text;
pub mod voice;
mod xml;

/// An affected area: an organisation code (4-digit municipality/region code) and its name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Area {
    pub code: String,
    pub name: String,
}

/// One published guide version in its context: what every renderer takes.
#[derive(Debug, Clone)]
pub struct Published {
    pub incident: domain::incident::Incident,
    pub version: domain::guide::Version,
    /// The affected organisations with names.
    pub areas: Vec<Area>,
    /// (version, published_at) of every published version of this incident, oldest first, including `version` itself.
    pub history: Vec<(i64, time::OffsetDateTime)>,
}

impl Published {
    /// Every published version up to and including this one, oldest first, whatever order or
    /// gaps `history` has: the current version is always among them.
    pub fn versions(&self) -> Vec<(i64, time::OffsetDateTime)> {
        let mut all: Vec<_> = self.history.iter().copied().filter(|(v, _)| *v <= self.version.version).collect();
        if !all.iter().any(|(v, _)| *v == self.version.version) {
            all.push((self.version.version, self.version.published_at));
        }
        all.sort_by_key(|(v, _)| *v);
        all.dedup_by_key(|(v, _)| *v);
        all
    }

    /// A closed incident is announced as over, whatever its last guide said.
    pub fn is_closed(&self) -> bool {
        self.incident.status == domain::incident::Status::Closed
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small `Published` for the unit tests.
    use super::*;
    use domain::guide::{Contact, Guide, Situation, Version};
    use domain::incident::{Channel, Incident, IncidentKind, Status};
    use time::macros::datetime;

    pub(crate) fn published() -> Published {
        let guide = Guide {
            citizen_summary: "Kommunens telefoner virker ikke. Ring til kriselinjen, er det akut så ring **112**.".into(),
            next_update_at: Some(datetime!(2026-11-23 13:30 UTC)),
            situations: vec![
                Situation {
                    situation: "Spørger".into(),
                    action: "Giv status".into(),
                    citizen_text: "Læs den korte status.".into(),
                    ..Situation::default()
                },
                Situation {
                    situation: "Intern".into(),
                    action: "Kun for agenter".into(),
                    citizen_text: String::new(),
                    ..Situation::default()
                },
            ],
            contacts: vec![
                Contact { name: "Politiet".into(), phone: "114".into(), note: String::new(), urgent: false },
                Contact { name: "Alarmcentralen".into(), phone: "112".into(), note: "Ved fare for liv".into(), urgent: true },
            ],
            ..Guide::default()
        };
        Published {
            incident: Incident {
                id: uuid::Uuid::from_u128(0x1234),
                title: "IT-nedbrud: omstillingen er nede".into(),
                kind: IncidentKind::ItBreakdown,
                status: Status::Active,
                affected: vec!["0250".into()],
                channels: vec![Channel::Phone],
                exercise: false,
                created_at: datetime!(2026-11-23 06:50 UTC),
                activated_at: Some(datetime!(2026-11-23 07:00 UTC)),
                standing_down_at: None,
                closed_at: None,
                all_clear: None,
            },
            version: Version { version: 1, published_at: datetime!(2026-11-23 07:04 UTC), published_by: "redaktør".into(), guide },
            areas: vec![Area { code: "0250".into(), name: "Frederikssund Kommune".into() }],
            history: vec![(1, datetime!(2026-11-23 07:04 UTC))],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn versions_always_include_the_current_one_in_order() {
        let mut p = fixture::published();
        p.version.version = 3;
        p.history = vec![(2, datetime!(2026-11-23 09:00 UTC)), (1, datetime!(2026-11-23 08:00 UTC)), (4, datetime!(2026-11-23 11:00 UTC))];
        let v: Vec<i64> = p.versions().iter().map(|(v, _)| *v).collect();
        assert_eq!(v, [1, 2, 3], "later versions are not this one's history");
    }
}
