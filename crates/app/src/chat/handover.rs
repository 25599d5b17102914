//! What the chatbot passes on to the authority: a question it handed over (not covered), and a
//! question it answered with low confidence. Both are kept as inquiries, masked and marked by
//! their origin ([`domain::handover`]), so that the authority can turn them into the guide's
//! example questions.

use super::Source;
use super::keeper::Question;
use crate::App;
use domain::chat::ReplyKind;
use domain::handover::{ChatOrigin, inquiry_text};
use domain::inquiry::NewInquiry;
use uuid::Uuid;

/// What a reply was decided as: its kind, its confidence and where its answer came from.
pub(super) type Decided<'a> = (ReplyKind, f32, Option<&'a Source>);

impl App {
    /// Passes the question on when the chatbot could not answer it well. Whether a handed-over
    /// question was kept (stored, or spooled while the database is away): only then is the
    /// citizen told it was passed on. A low-confidence answer is passed on without a word to the
    /// citizen, who has an answer.
    pub(super) async fn pass_on_to_authority(
        &self,
        conversation: Uuid,
        (kind, confidence, source): Decided<'_>,
        incident: Option<Uuid>,
        message: &str,
        municipality: Option<String>,
    ) -> bool {
        let Some(municipality) = municipality else { return false };
        match (kind, source, incident) {
            (ReplyKind::NotCovered, _, Some(id)) => {
                let Some(question) = self.question_to_keep(conversation, id, None, ChatOrigin::HandedOver, message, municipality) else {
                    return false;
                };
                self.keep_question(question).await
            }
            (ReplyKind::Answer, Some(src), _) if domain::chat::is_low_confidence(confidence) => {
                // Counted with the row it was answered from, as an agent's inquiry would be.
                let row = src.situation.filter(|_| matches!(src.section, search::Section::Situation));
                if let Some(question) =
                    self.question_to_keep(conversation, src.incident, row, ChatOrigin::LowConfidence, message, municipality)
                {
                    self.keep_question_later(question);
                }
                false
            }
            _ => false,
        }
    }

    /// The inquiry a question becomes against the crisis's live version, if the crisis is live
    /// and the conversation may pass on one more (a conversation passes on a few at most).
    fn question_to_keep(
        &self,
        conversation: Uuid,
        incident: Uuid,
        situation: Option<usize>,
        origin: ChatOrigin,
        message: &str,
        municipality: String,
    ) -> Option<Question> {
        let version = self.live.crises().get(incident).map(|p| p.version.version)?;
        if !self.chat.may_record(conversation) {
            return None;
        }
        let new = NewInquiry { version, situation, text: inquiry_text(origin, message), municipality };
        Some((Uuid::new_v4(), incident, new, domain::time::now()))
    }
}
