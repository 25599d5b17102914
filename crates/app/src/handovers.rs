//! "What citizens ask", from the chatbot back into the guide: the questions it handed over or
//! answered with low confidence, grouped by similarity, and the one click that makes a group's
//! question an example question of a row (published at once, through the guide's own draft →
//! publish → log path) or the start of a new row (a draft for the editor).

use crate::{App, Error, Refusal, Result};
use domain::error::code;
use domain::handover::{QuestionGroup, add_example, add_question_row, example_question};
use domain::{Actor, DomainError, Permission};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A published row a question can join.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowChoice {
    /// The row's index in the published version.
    pub row: usize,
    pub question: String,
    pub situation: String,
    /// Its example questions so far.
    pub examples: usize,
}

/// The chatbot's questions for one crisis, and where the caller may add them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Handovers {
    /// The published version the rows belong to; `None` before the first publish.
    pub version: Option<i64>,
    pub rows: Vec<RowChoice>,
    /// Whether the caller may add a question to the guide (edits and publishes it).
    pub may_edit: bool,
    /// Whether the working draft has changes not yet published: a question added now waits for
    /// them to be published.
    pub draft_pending: bool,
    pub groups: Vec<QuestionGroup>,
}

/// One click: a group's question into the guide.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptQuestion {
    /// The question as the group shows it (masked again when added).
    #[schema(min_length = 1, max_length = 200)]
    pub question: String,
    /// The published version the row is chosen from.
    pub version: i64,
    /// The published row to add it to as an example; none: start a new row in the draft.
    #[serde(default)]
    pub row: Option<usize>,
}

/// What the click did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Adopted {
    /// Added to the row and published as this version: every channel answers with it.
    Published { version: i64, row: usize },
    /// Added to the row in the working draft, whose other changes are not published yet: it
    /// reaches the channels when the draft is published.
    AwaitsPublishing { row: usize },
    /// A new row in the draft, its question and situation filled in; the rest is the editor's.
    NewRow { row: usize },
}

impl App {
    /// The chatbot's questions, grouped, most asked first.
    pub async fn handovers(&self, actor: &Actor, id: Uuid) -> Result<Handovers> {
        let i = self.incident(actor, id, Permission::ViewInquiries).await?;
        let may_edit = actor.may_on(Permission::EditGuide, &i.affected).is_ok();
        let latest = self.store.guide_version(id, None).await?;
        let draft_pending = match (&latest, may_edit) {
            (Some(v), true) => self.store.guide_draft(id).await?.is_some_and(|d| d != v.guide),
            _ => false,
        };
        let rows = latest.as_ref().map_or_else(Vec::new, |v| {
            let row = |(row, s): (usize, &domain::guide::Situation)| RowChoice {
                row,
                question: s.question.clone(),
                situation: s.situation.clone(),
                examples: s.citizen_questions.len(),
            };
            v.guide.situations.iter().enumerate().map(row).collect()
        });
        // The questions on their way from this node's chatbot, written first.
        self.questions_kept().await;
        let groups = search::similar::group_chatbot_questions(&self.store.inquiries(id).await?);
        Ok(Handovers { version: latest.map(|v| v.version), rows, may_edit, draft_pending, groups })
    }

    /// Adds a question to the guide through the editor's own operations: the draft is saved,
    /// then published (logged, announced, re-indexed for the chatbot) — unless the draft holds
    /// other unpublished changes, which are never published unseen: then the question waits in
    /// the draft with them. A new row is only drafted: its action and citizen text are to be
    /// written. A refusal changes nothing.
    pub async fn adopt_question(&self, actor: &Actor, id: Uuid, cmd: AdoptQuestion) -> Result<Adopted> {
        self.incident(actor, id, Permission::EditGuide).await?;
        let question = example_question(&cmd.question)?;
        let latest = self.store.guide_version(id, None).await?.ok_or_else(|| {
            Error::refused(Refusal::Conflict, "guide_not_published", "the guide is not published yet: publish it before adding questions")
        })?;
        if latest.version != cmd.version {
            let message = format!("the guide is now version {} (the form showed {}): choose the row again", latest.version, cmd.version);
            return Err(DomainError::invalid_coded("version", code::GUIDE_VERSION, message).into());
        }
        let draft = self.store.guide_draft(id).await?;
        let pending = draft.as_ref().is_some_and(|d| *d != latest.guide);
        let mut guide = draft.unwrap_or_else(|| latest.guide.clone());
        let Some(published_row) = cmd.row else {
            let row = add_question_row(&mut guide, &question)?;
            self.save_guide_draft(actor, id, guide).await?;
            return Ok(Adopted::NewRow { row });
        };
        let row = add_example(&mut guide, &latest.guide, published_row, &question)?;
        if pending {
            self.save_guide_draft(actor, id, guide).await?;
            return Ok(Adopted::AwaitsPublishing { row });
        }
        // Checked before anything is saved: a guide that cannot be published (its next update
        // is overdue) keeps its draft as it was.
        guide.clone().validate_for_publish(crate::now())?;
        self.save_guide_draft(actor, id, guide).await?;
        let version = self.publish_guide(actor, id).await?;
        Ok(Adopted::Published { version: version.version, row })
    }
}
