//! Evaluation forms (issue 17): templates per audience with Likert, yes/no, single-choice and
//! free-text questions, the four built-in audiences, and the rule that keeps agents anonymous:
//! a question's result is shown only from [`MIN_ANSWERS`] answers.

use crate::error::{Problems, code};
use crate::{DomainError, text, word_enum};
use serde::{Deserialize, Serialize};

word_enum!(
    /// Who answers a form.
    Audience, "audience" {
        Agents = "agents",
        Authority = "authority",
        Representatives = "representatives",
        CrisisStaff = "crisis_staff",
    }
);

word_enum!(
    QuestionKind, "question kind" {
        Likert = "likert",
        YesNo = "yes_no",
        Choice = "choice",
        FreeText = "free_text",
    }
);

/// A result is shown only from this many answers: fewer could point at a person.
pub const MIN_ANSWERS: usize = 5;
pub const QUESTIONS_MAX: usize = 40;
pub const CHOICES_MAX: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub kind: QuestionKind,
    /// "I hvor høj grad …" for a 1–5 scale.
    #[schema(max_length = 300)]
    pub text: String,
    /// The choices of a single-choice question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub audience: Audience,
    #[schema(max_length = 200)]
    pub title: String,
    pub questions: Vec<Question>,
}

impl Template {
    /// Every problem by field (`questions[2].choices`).
    pub fn validate(mut self) -> Result<Template, DomainError> {
        let mut p = Problems::default();
        self.title = text::one_line(&self.title);
        p.text("title", &self.title, 3, 200);
        if self.questions.is_empty() {
            p.add_coded("questions", code::REQUIRED, "a form asks at least one question");
        }
        if self.questions.len() > QUESTIONS_MAX {
            p.add_limit("questions", code::TOO_MANY, QUESTIONS_MAX, format!("at most {QUESTIONS_MAX} questions"));
        }
        for (i, q) in self.questions.iter_mut().enumerate() {
            q.text = text::one_line(&q.text);
            p.text(&format!("questions[{i}].text"), &q.text, 3, 300);
            q.choices = q.choices.iter().map(|c| text::one_line(c)).filter(|c| !c.is_empty()).collect();
            let field = format!("questions[{i}].choices");
            match q.kind {
                QuestionKind::Choice if q.choices.len() < 2 || q.choices.len() > CHOICES_MAX => {
                    p.add(&field, format!("a single-choice question offers 2 to {CHOICES_MAX} choices"));
                }
                QuestionKind::Choice => {}
                _ if !q.choices.is_empty() => p.add(&field, "only a single-choice question has choices"),
                _ => {}
            }
        }
        p.into_result()?;
        Ok(self)
    }
}

/// Whether a question's result may be shown: from [`MIN_ANSWERS`] answers.
pub fn shown(answers: usize) -> bool {
    answers >= MIN_ANSWERS
}

fn q(kind: QuestionKind, text: &str) -> Question {
    Question { kind, text: text.into(), choices: Vec::new() }
}

/// The four built-in forms, one per audience.
pub fn builtin() -> Vec<Template> {
    use QuestionKind::*;
    let open = |t: &str| q(FreeText, t);
    vec![
        Template {
            audience: Audience::Agents,
            title: "Evaluering for agenter".into(),
            questions: vec![
                q(Likert, "I hvor høj grad kunne du finde svar i beredskabsguiden?"),
                q(Likert, "I hvor høj grad var guiden opdateret, når borgerne spurgte?"),
                q(YesNo, "Vidste du, hvor du skulle sende spørgsmål, guiden ikke dækkede?"),
                open("Hvad skal vi gøre bedre næste gang?"),
            ],
        },
        Template {
            audience: Audience::Authority,
            title: "Evaluering for den berørte myndighed".into(),
            questions: vec![
                q(Likert, "I hvor høj grad fik borgerne de svar, I ønskede?"),
                q(Likert, "I hvor høj grad fik I borgernes spørgsmål og tilbagekald i tide?"),
                q(YesNo, "Ville I aktivere Kriseservice igen i en lignende krise?"),
                open("Hvad skal vi gøre bedre næste gang?"),
            ],
        },
        Template {
            audience: Audience::Representatives,
            title: "Evaluering for repræsentanterne".into(),
            questions: vec![
                q(Likert, "I hvor høj grad levede Kriseservice op til samarbejdets aftaler?"),
                Question {
                    kind: Choice,
                    text: "Hvordan var fordelingen af vagter mellem medlemskommunerne?".into(),
                    choices: vec!["Rimelig".into(), "Skæv".into(), "Ved ikke".into()],
                },
                open("Hvad skal samarbejdet tage op?"),
            ],
        },
        Template {
            audience: Audience::CrisisStaff,
            title: "Evaluering for krisestaben og styregruppen".into(),
            questions: vec![
                q(Likert, "I hvor høj grad var krisestabens roller og ansvar klare?"),
                q(Likert, "I hvor høj grad gav logbogen og krisesiden overblik?"),
                q(YesNo, "Blev alle fire roller bemandet i tide?"),
                open("Styrker, og hvad der skal forbedres"),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_built_in_forms_are_valid_one_per_audience() {
        let forms = builtin();
        for a in Audience::ALL {
            assert_eq!(forms.iter().filter(|f| f.audience == *a).count(), 1, "{a}");
        }
        for f in forms {
            f.clone().validate().unwrap_or_else(|e| panic!("{}: {e}", f.title));
        }
    }

    #[test]
    fn a_bad_form_is_refused_by_field() {
        let bad = Template {
            audience: Audience::Agents,
            title: "x".into(),
            questions: vec![
                Question { kind: QuestionKind::Choice, text: "Hvilken?".into(), choices: vec!["A".into()] },
                Question { kind: QuestionKind::YesNo, text: "J?".into(), choices: vec!["Ja".into()] },
            ],
        };
        let Err(DomainError::Invalid(f)) = bad.validate() else { panic!("accepted") };
        let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "questions[0].choices", "questions[1].text", "questions[1].choices"]);
    }

    #[test]
    fn results_are_shown_from_five_answers() {
        assert!(!shown(4));
        assert!(shown(MIN_ANSWERS));
    }
}
