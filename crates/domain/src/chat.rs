//! The public chatbot's rules. It answers only with approved citizen wording from published
//! guides; what it says on its own is this short, fixed set of Danish replies. Below the
//! confidence threshold, or when the citizen asks for a person, it hands over.

use crate::error::Problems;
use crate::{DomainError, text};
use serde::Deserialize;

pub const MESSAGE_MAX: usize = 1000;
/// An organisation code is at most this long, spaces included.
pub const MUNICIPALITY_MAX: usize = 12;

/// Below this confidence an answer is "low confidence": the citizen gets it, and the question is
/// also passed on to the authority (as a handover is), so that the guide can answer it better.
/// Between the answer engine's threshold and this line the match rests on few or weak words.
pub const LOW_CONFIDENCE: f32 = 0.5;

/// Whether an answer of this confidence is passed on to the authority as well.
pub fn is_low_confidence(confidence: f32) -> bool {
    confidence < LOW_CONFIDENCE
}

/// A citizen's message as it arrives.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    pub message: String,
    #[serde(default)]
    /// Blank is the same as none; spaces around the code are ignored.
    #[schema(max_length = 12, pattern = r"^\s*([0-9]{4}|[A-Z0-9]{2,12})?\s*$")]
    pub municipality: Option<String>,
    #[serde(default)]
    pub conversation: Option<uuid::Uuid>,
    /// An exercise incident: the question is one of its synthetic citizens', answered from that
    /// exercise only. Never read from a request: a citizen is never answered from an exercise.
    #[serde(skip)]
    pub exercise: Option<uuid::Uuid>,
}

impl ChatRequest {
    /// One line of text, not empty, within the limit; the municipality, if given, a known code.
    pub fn validate(mut self, known_municipality: impl Fn(&str) -> bool) -> Result<ChatRequest, DomainError> {
        let mut p = Problems::default();
        if self.message.chars().count() > MESSAGE_MAX {
            p.add("message", format!("at most {MESSAGE_MAX} characters"));
        }
        if self.message.contains('\0') {
            p.add("message", "contains a NUL character");
        }
        self.message = text::one_line(&self.message.replace(|c: char| c.is_control(), " "));
        if self.message.is_empty() && p.is_empty() {
            p.add("message", "write a question");
        }
        if self.municipality.as_ref().is_some_and(|m| m.chars().count() > MUNICIPALITY_MAX) {
            p.add("municipality", format!("at most {MUNICIPALITY_MAX} characters"));
        }
        self.municipality = self.municipality.map(|m| m.trim().to_string()).filter(|m| !m.is_empty());
        if let Some(m) = &self.municipality
            && !known_municipality(m)
        {
            p.add("municipality", format!("'{m}' is not a known municipality code (four digits, e.g. 0250)"));
        }
        p.into_result()?;
        Ok(self)
    }
}

/// What kind of reply the citizen gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// Approved wording from a published guide.
    Answer,
    Greeting,
    Thanks,
    Robot,
    /// The citizen asked for a person.
    Person,
    /// Not covered by any published guide: handed over, and recorded for the authority.
    NotCovered,
    /// Not about the crisis (the weather, a passport): pointed to the municipality's ordinary
    /// channels, and neither passed on nor recorded, since the crisis authority cannot act on it.
    OffTopic,
    /// An everyday matter (a passport, moving) that an everyday guide of the citizen's
    /// municipality answers: a link to the guide, never a crisis text.
    Everyday,
}

impl ReplyKind {
    /// The crisis line is shown (for an off-topic reply too: a crisis question taken for
    /// another matter still reaches a person).
    pub fn hands_over(self) -> bool {
        matches!(self, ReplyKind::Person | ReplyKind::NotCovered | ReplyKind::OffTopic)
    }
}

/// The fixed replies. `line` is the crisis line; `crisis` whether a crisis is live where the
/// citizen is; `passed_on` whether an unanswered question was kept for the authority (it is said
/// only when it was); `place` the citizen's municipality as a text names it ("Greve Kommune").
pub fn fixed_reply(kind: ReplyKind, line: Option<&str>, crisis: bool, passed_on: bool, place: Option<&str>) -> String {
    let call = match line {
        Some(l) => format!("Ring til kriselinjen på {l}, eller bestil et opkald, så ringer en medarbejder dig op."),
        None => "Bestil et opkald, så ringer en medarbejder dig op.".to_string(),
    };
    match kind {
        ReplyKind::Greeting if crisis => {
            "Hej. Jeg er kommunens chatbot og svarer med kommunens godkendte tekster om den aktuelle krise. Skriv dit spørgsmål.".into()
        }
        ReplyKind::Greeting => {
            "Hej. Jeg er kommunens chatbot. Lige nu er der ingen aktuel krise, jeg kan svare på. Skriv dit spørgsmål.".into()
        }
        ReplyKind::Thanks => "Selv tak. Skriv endelig igen, hvis du har flere spørgsmål.".into(),
        ReplyKind::Robot => format!(
            "Ja, jeg er en chatbot og ikke et menneske. Jeg svarer kun med kommunens godkendte tekster. Vil du tale med et menneske? {call}"
        ),
        ReplyKind::Person => format!("Du kan tale med en medarbejder. {call}"),
        ReplyKind::NotCovered if passed_on => format!("Det kan jeg desværre ikke svare på. {PASSED_ON} {call}"),
        ReplyKind::NotCovered => format!("Det kan jeg desværre ikke svare på. {call}"),
        ReplyKind::OffTopic => {
            let ordinary = format!(
                "Spørgsmål om andet skal du stille til {}, som du plejer, fx på kommunens hjemmeside eller i Borgerservice. Er det akut, så ring 112.",
                place.unwrap_or("din kommune")
            );
            match (crisis, line) {
                (true, Some(l)) => {
                    format!("{ABOUT_THE_CRISIS} {ordinary} Handler dit spørgsmål om krisen, så ring til kriselinjen på {l}.")
                }
                (true, None) => format!("{ABOUT_THE_CRISIS} {ordinary}"),
                (false, _) => format!("Lige nu er der ingen aktuel krise, jeg kan svare på. {ordinary}"),
            }
        }
        ReplyKind::Answer | ReplyKind::Everyday => String::new(),
    }
}

/// The reply to an everyday matter, above the link to the guide.
pub fn everyday_reply(title: &str) -> String {
    format!("Det hører ikke under krisen, men kommunen har en vejledning om det: »{title}«.")
}

/// Where the public reads a municipality's everyday guide.
pub fn everyday_path(municipality: &str, slug: &str) -> String {
    format!("/vejledning/{municipality}/{slug}")
}

/// How an off-topic reply begins: what the chat is for.
pub const ABOUT_THE_CRISIS: &str = "Jeg svarer kun på spørgsmål om den aktuelle krise.";

/// The line under an answer that says when its guide was updated: "Opdateret kl. 06.00" the same
/// day (Copenhagen time), with the date before that.
pub fn updated(published_at: time::OffsetDateTime, now: time::OffsetDateTime) -> String {
    let (t, today) = (crate::time::to_copenhagen(published_at), crate::time::to_copenhagen(now));
    let clock = format!("kl. {:02}.{:02}", t.hour(), t.minute());
    if t.date() == today.date() {
        format!("Opdateret {clock}")
    } else {
        format!("Opdateret {:02}.{:02}.{} {clock}", t.day(), t.month() as u8, t.year())
    }
}

/// The promise a "not covered" reply makes only when the question is kept.
pub const PASSED_ON: &str = "Dit spørgsmål er givet videre til kommunen.";

/// Said before every answer from an exercise's guide, so no citizen mistakes it for a real crisis.
pub const EXERCISE: &str = "ØVELSE – dette er ikke en rigtig krise.";

/// What an unanswered question that looked like it held a CPR number is passed on as.
pub const CPR_LEFT_OUT: &str = "(spørgsmål fra chatbotten; udeladt, da det lignede et CPR-nummer)";

/// Said before the answer when the crisis the conversation was about has ended meanwhile.
pub const CRISIS_ENDED: &str = "Den krise, du spurgte om, er afsluttet.";

#[cfg(test)]
mod tests {
    use super::*;

    fn req(message: &str, municipality: Option<&str>) -> ChatRequest {
        ChatRequest { message: message.into(), municipality: municipality.map(String::from), conversation: None, exercise: None }
    }

    #[test]
    fn messages_are_checked_and_cleaned() {
        let ok = req("  hvornår \n kommer strømmen?\u{7} ", Some(" 0250 ")).validate(|c| c == "0250").unwrap();
        assert_eq!((ok.message.as_str(), ok.municipality.as_deref()), ("hvornår kommer strømmen?", Some("0250")));
        let Err(DomainError::Invalid(p)) = req(" \n ", Some("9999")).validate(|_| false) else { panic!() };
        assert_eq!(p.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["message", "municipality"]);
        assert!(req(&"å".repeat(MESSAGE_MAX + 1), None).validate(|_| true).is_err());
        assert!(req("a\0b", None).validate(|_| true).is_err());
    }

    #[test]
    fn handover_replies_name_the_crisis_line() {
        assert!(ReplyKind::NotCovered.hands_over() && ReplyKind::Person.hands_over() && !ReplyKind::Robot.hands_over());
        assert!(fixed_reply(ReplyKind::NotCovered, Some("70 00 00 00"), true, true, None).contains("70 00 00 00"));
        assert!(fixed_reply(ReplyKind::NotCovered, Some("70 00 00 00"), true, true, None).contains(PASSED_ON));
        let not_kept = fixed_reply(ReplyKind::NotCovered, Some("70 00 00 00"), true, false, None);
        assert!(!not_kept.contains(PASSED_ON) && not_kept.contains("70 00 00 00"), "no promise that is not kept: {not_kept}");
        assert!(fixed_reply(ReplyKind::Robot, None, true, false, None).starts_with("Ja, jeg er en chatbot"));
        assert_ne!(fixed_reply(ReplyKind::Greeting, None, true, false, None), fixed_reply(ReplyKind::Greeting, None, false, false, None));
    }

    #[test]
    fn an_off_topic_question_is_sent_to_the_municipality_and_never_promised_to_be_passed_on() {
        let reply = fixed_reply(ReplyKind::OffTopic, Some("70 00 00 00"), true, false, Some("Greve Kommune"));
        assert!(reply.starts_with(ABOUT_THE_CRISIS) && reply.contains("til Greve Kommune, som du plejer"), "{reply}");
        assert!(reply.contains("ring 112") && reply.contains("70 00 00 00") && !reply.contains(PASSED_ON), "{reply}");
        assert!(fixed_reply(ReplyKind::OffTopic, None, false, false, None).contains("ingen aktuel krise"));
    }

    #[test]
    fn an_answer_says_when_its_guide_was_updated_in_danish() {
        use time::macros::datetime;
        assert_eq!(updated(datetime!(2026-12-02 05:00 UTC), datetime!(2026-12-02 15:00 UTC)), "Opdateret kl. 06.00");
        assert_eq!(updated(datetime!(2026-12-01 22:30 UTC), datetime!(2026-12-02 15:00 UTC)), "Opdateret 01.12.2026 kl. 23.30");
    }
}
