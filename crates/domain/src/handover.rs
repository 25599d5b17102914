//! What the chatbot could not answer well, back into the guide: the questions it handed over or
//! answered with low confidence are kept as inquiries (masked, marked by where they came from),
//! grouped for the authority, and one click makes a group's question an example question of a
//! situation row, or the start of a new row.

use crate::error::code;
use crate::guide::{Guide, MAX_CITIZEN_QUESTIONS, MAX_SITUATIONS, QUESTION_MAX, Situation};
use crate::inquiry::{INQUIRY_TEXT_MAX, mask_personal};
use crate::{DomainError, text};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// How an inquiry's text begins when the chatbot handed the question over (not covered).
pub const HANDED_OVER: &str = "Chatbot: ";
/// How it begins when the chatbot answered, but below [`crate::chat::LOW_CONFIDENCE`].
pub const LOW_CONFIDENCE: &str = "Chatbot (usikkert svar): ";

/// Why a chatbot question reached the authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChatOrigin {
    /// No row answered it: the citizen was handed over.
    HandedOver,
    /// It was answered, with low confidence.
    LowConfidence,
}

impl ChatOrigin {
    fn prefix(self) -> &'static str {
        match self {
            ChatOrigin::HandedOver => HANDED_OVER,
            ChatOrigin::LowConfidence => LOW_CONFIDENCE,
        }
    }
}

/// The inquiry text a chatbot question is kept as: masked ([`mask_personal`]), marked, within
/// the inquiry's limit.
pub fn inquiry_text(origin: ChatOrigin, message: &str) -> String {
    let message: String = message.chars().take(INQUIRY_TEXT_MAX).collect();
    format!("{}{}", origin.prefix(), mask_personal(&message)).chars().take(INQUIRY_TEXT_MAX).collect()
}

/// A chatbot question's origin and the question itself, from an inquiry's text; `None` for what
/// an agent recorded.
pub fn chatbot_question(inquiry_text: &str) -> Option<(ChatOrigin, &str)> {
    [ChatOrigin::LowConfidence, ChatOrigin::HandedOver]
        .into_iter()
        .find_map(|o| inquiry_text.strip_prefix(o.prefix()).map(|q| (o, q.trim())))
        .filter(|(_, q)| !q.is_empty())
}

/// Similar chatbot questions, counted: what the authority sees, and adds to the guide in one click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct QuestionGroup {
    /// The group's most asked wording (masked): what a click adds to the guide.
    pub question: String,
    /// How often the group's questions were asked.
    pub count: usize,
    pub handed_over: usize,
    pub low_confidence: usize,
    /// Every wording in the group with its count, most asked first.
    pub variants: Vec<(String, usize)>,
    #[serde(with = "time::serde::rfc3339")]
    pub last_asked: OffsetDateTime,
    /// Whether the question can become an example (not a text left out for personal data).
    pub adoptable: bool,
}

/// The question a click adds: one line, masked again (the form could carry anything), short
/// enough for an example question.
pub fn example_question(raw: &str) -> Result<String, DomainError> {
    let raw = text::one_line(raw);
    let q = chatbot_question(&raw).map_or(raw.as_str(), |(_, q)| q);
    let q = mask_personal(q);
    let refuse = |message: &str| Err(DomainError::invalid_coded("question", code::EXAMPLE_TEXT, message));
    if q.is_empty() || q == crate::chat::CPR_LEFT_OUT {
        return refuse("there is no question to add (a question that held personal data was left out)");
    }
    if q.chars().count() > QUESTION_MAX || text::has_control(&q) {
        return refuse(&format!("an example question is one line of at most {QUESTION_MAX} characters"));
    }
    Ok(q)
}

/// Whether a question may become an example (see [`example_question`]).
pub fn adoptable(question: &str) -> bool {
    example_question(question).is_ok()
}

/// Adds `question` as an example to the row that is `published`'s row `row`, found in `draft` by its
/// wording (the draft may have moved it); returns its index in `draft`. Nothing changes when
/// refused: the row already has it, it is full, or the draft no longer has the row.
pub fn add_example(draft: &mut Guide, published: &Guide, row: usize, question: &str) -> Result<usize, DomainError> {
    let field = "situation";
    let Some(target) = published.situations.get(row) else {
        return Err(DomainError::invalid_coded(field, code::SITUATION_ROW, format!("the published guide has no situation row {row}")));
    };
    let same = |s: &Situation| s.situation == target.situation && s.question == target.question;
    let Some(i) = draft.situations.iter().position(same) else {
        return Err(DomainError::invalid_coded(
            field,
            code::ROW_NOT_IN_DRAFT,
            "the working draft has changed this row: add the question in the guide editor",
        ));
    };
    let s = &mut draft.situations[i];
    let known = |q: &String| q.to_lowercase() == question.to_lowercase();
    if s.citizen_questions.iter().any(known) || s.question.to_lowercase() == question.to_lowercase() {
        return Err(DomainError::invalid_coded(field, code::EXAMPLE_KNOWN, "the row already has this question"));
    }
    if s.citizen_questions.len() >= MAX_CITIZEN_QUESTIONS {
        return Err(DomainError::Invalid(vec![crate::FieldError {
            field: field.into(),
            message: format!("the row has {MAX_CITIZEN_QUESTIONS} example questions, the most it may have: remove one in the guide editor"),
            code: Some(code::EXAMPLES_FULL),
            limit: Some(MAX_CITIZEN_QUESTIONS),
            subject: None,
        }]));
    }
    s.citizen_questions.push(question.to_string());
    Ok(i)
}

/// Starts a new row from `question` (its question and situation; the action and the citizen text
/// are for the editor to write); returns its index.
pub fn add_question_row(draft: &mut Guide, question: &str) -> Result<usize, DomainError> {
    if draft.situations.len() >= MAX_SITUATIONS {
        return Err(DomainError::Invalid(vec![crate::FieldError {
            field: "situation".into(),
            message: format!("the guide has {MAX_SITUATIONS} rows, the most it may have"),
            code: Some(code::TOO_MANY),
            limit: Some(MAX_SITUATIONS),
            subject: None,
        }]));
    }
    draft.situations.push(Situation { question: question.into(), situation: question.into(), ..Default::default() });
    Ok(draft.situations.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide() -> Guide {
        let row = |q: &str, s: &str| Situation { question: q.into(), situation: s.into(), action: "Svar".into(), ..Default::default() };
        Guide {
            situations: vec![row("Hvad sker der?", "Borgeren spørger"), row("Kan jeg drikke vandet?", "Drikkevand")],
            ..Default::default()
        }
    }

    #[test]
    fn a_chatbot_question_is_kept_masked_and_marked_by_its_origin() {
        let t = inquiry_text(ChatOrigin::HandedOver, "Ring på 20 30 40 50 om vandet");
        assert_eq!(t, "Chatbot: Ring på [tal] om vandet");
        assert_eq!(chatbot_question(&t), Some((ChatOrigin::HandedOver, "Ring på [tal] om vandet")));
        let low = inquiry_text(ChatOrigin::LowConfidence, "kan vi drikke vandet nu");
        assert_eq!(chatbot_question(&low), Some((ChatOrigin::LowConfidence, "kan vi drikke vandet nu")));
        assert_eq!(chatbot_question("Kan jeg hente medicin?"), None, "an agent's inquiry is not the chatbot's");
        assert_eq!(inquiry_text(ChatOrigin::HandedOver, "cpr 010203-1234"), format!("Chatbot: {}", crate::chat::CPR_LEFT_OUT));
        assert_eq!(inquiry_text(ChatOrigin::LowConfidence, &"å".repeat(500)).chars().count(), INQUIRY_TEXT_MAX);
    }

    #[test]
    fn only_a_real_question_becomes_an_example() {
        assert_eq!(example_question("  Chatbot: Kan jeg  drikke vandet? ").unwrap(), "Kan jeg drikke vandet?");
        assert_eq!(example_question("Ring 20 30 40 50").unwrap(), "Ring [tal]", "masked again");
        assert!(example_question(&format!("Chatbot: {}", crate::chat::CPR_LEFT_OUT)).is_err());
        assert!(example_question("mit cpr er 0102031234").is_err());
        assert!(example_question(" ").is_err() && example_question(&"a".repeat(QUESTION_MAX + 1)).is_err());
    }

    fn refusal(e: DomainError) -> (&'static str, Option<usize>) {
        match e {
            DomainError::Invalid(f) => (f[0].code.unwrap(), f[0].limit),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_example_joins_its_row_once_and_within_the_limit() {
        let published = guide();
        let mut draft = guide();
        // The draft moved the row: it is found by its wording.
        draft.situations.swap(0, 1);
        assert_eq!(add_example(&mut draft, &published, 1, "kan vi drikke vandet nu").unwrap(), 0);
        assert_eq!(draft.situations[0].citizen_questions, ["kan vi drikke vandet nu"]);
        let before = draft.clone();
        assert_eq!(refusal(add_example(&mut draft, &published, 1, "Kan vi drikke vandet NU").unwrap_err()).0, code::EXAMPLE_KNOWN);
        assert_eq!(refusal(add_example(&mut draft, &published, 1, "kan jeg drikke vandet?").unwrap_err()).0, code::EXAMPLE_KNOWN);
        assert_eq!(refusal(add_example(&mut draft, &published, 7, "x").unwrap_err()).0, code::SITUATION_ROW);
        draft.situations[0].citizen_questions = (0..MAX_CITIZEN_QUESTIONS).map(|n| format!("spørgsmål {n}")).collect();
        let full = draft.clone();
        assert_eq!(refusal(add_example(&mut draft, &published, 1, "nyt").unwrap_err()), (code::EXAMPLES_FULL, Some(MAX_CITIZEN_QUESTIONS)));
        assert_eq!(draft, full, "nothing is lost or half-changed when refused");
        draft = before;
        draft.situations[0].situation = "Drikkevand og badevand".into();
        assert_eq!(refusal(add_example(&mut draft, &published, 1, "nyt").unwrap_err()).0, code::ROW_NOT_IN_DRAFT);
    }

    #[test]
    fn a_new_row_starts_from_the_question_and_respects_the_row_limit() {
        let mut g = guide();
        let i = add_question_row(&mut g, "Må jeg grille?").unwrap();
        let row = &g.situations[i];
        assert_eq!((row.question.as_str(), row.situation.as_str(), row.action.as_str()), ("Må jeg grille?", "Må jeg grille?", ""));
        g.situations = vec![Situation::default(); MAX_SITUATIONS];
        assert_eq!(refusal(add_question_row(&mut g, "x").unwrap_err()), (code::TOO_MANY, Some(MAX_SITUATIONS)));
    }
}
