//! The public chatbot's rules. It answers only with approved citizen wording from published
//! guides; what it says on its own is this short, fixed set of Danish replies. Below the
//! confidence threshold, or when the citizen asks for a person, it hands over.

use crate::error::Problems;
use crate::{DomainError, text};
use serde::Deserialize;

pub const MESSAGE_MAX: usize = 1000;
/// An organisation code is at most this long, spaces included.
pub const MUNICIPALITY_MAX: usize = 12;

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
}

impl ReplyKind {
    pub fn hands_over(self) -> bool {
        matches!(self, ReplyKind::Person | ReplyKind::NotCovered)
    }
}

/// The fixed replies. `line` is the crisis line; `crisis` whether a crisis is live where the
/// citizen is; `passed_on` whether an unanswered question was kept for the authority (it is said
/// only when it was).
pub fn fixed_reply(kind: ReplyKind, line: Option<&str>, crisis: bool, passed_on: bool) -> String {
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
        ReplyKind::Answer => String::new(),
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
        ChatRequest { message: message.into(), municipality: municipality.map(String::from), conversation: None }
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
        assert!(fixed_reply(ReplyKind::NotCovered, Some("70 00 00 00"), true, true).contains("70 00 00 00"));
        assert!(fixed_reply(ReplyKind::NotCovered, Some("70 00 00 00"), true, true).contains(PASSED_ON));
        let not_kept = fixed_reply(ReplyKind::NotCovered, Some("70 00 00 00"), true, false);
        assert!(!not_kept.contains(PASSED_ON) && not_kept.contains("70 00 00 00"), "no promise that is not kept: {not_kept}");
        assert!(fixed_reply(ReplyKind::Robot, None, true, false).starts_with("Ja, jeg er en chatbot"));
        assert_ne!(fixed_reply(ReplyKind::Greeting, None, true, false), fixed_reply(ReplyKind::Greeting, None, false, false));
    }
}
