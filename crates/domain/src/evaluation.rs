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

impl Audience {
    /// The accounts a form goes to: agents; the affected authorities' editors (only theirs); the
    /// member municipalities' representatives, as their shift contacts; the crisis staff with
    /// the steering group.
    pub fn roles(self) -> &'static [crate::Role] {
        use crate::Role::*;
        match self {
            Audience::Agents => &[Agent],
            Audience::Authority => &[AuthorityEditor],
            Audience::Representatives => &[ShiftContact],
            Audience::CrisisStaff => &[CrisisLeader, LogKeeper, ProcessLead, StaffingLead, SteeringGroup],
        }
    }
}

/// How long a form takes answers, and when its one reminder goes.
pub const OPEN_DAYS: i64 = 14;
pub const REMIND_AFTER_DAYS: i64 = 3;

/// The message that brings a form's link (and, once, its reminder).
pub fn invitation(exercise: bool, incident_title: &str, form_title: &str, reminder: bool) -> (String, String) {
    let out = |s: String| crate::callout::outbound(exercise, &s);
    let subject = out(format!("{}{form_title}: {incident_title}", if reminder { "Påmindelse – " } else { "" }));
    let body = out(format!(
        "Krisen »{incident_title}« er afsluttet. Hjælp os med at lære af den: besvar evalueringen med linket (et par minutter). \
         Dine svar er anonyme: de gemmes uden dit navn, og et resultat vises først, når mindst {MIN_ANSWERS} har svaret."
    ));
    (subject, body)
}

/// The link's label.
pub const LINK_LABEL: &str = "Besvar evalueringen";

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

/// Whether a form's results may be shown: once it takes no more answers (closed, or everybody
/// asked has answered). Results that moved with each answer would tell what that answer said.
pub fn results_visible(closes_at: time::OffsetDateTime, now: time::OffsetDateTime, asked: usize, answered: usize) -> bool {
    closes_at <= now || answered >= asked
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

/// One answer: a number (a Likert point 1–5, or a choice's index), yes/no, or a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Answer {
    Yes(bool),
    Number(u32),
    Text(String),
}

pub const ANSWER_TEXT_MAX: usize = 2000;

/// One person's answers, one per question (`null`: skipped). Carries no person.
pub type Answers = Vec<Option<Answer>>;

/// The answers fit the form: one per question, of the question's kind; every problem by field.
pub fn check_answers(t: &Template, mut answers: Answers) -> Result<Answers, DomainError> {
    let mut p = Problems::default();
    if answers.len() != t.questions.len() {
        p.add("answers", format!("one answer (or null) per question: the form asks {}", t.questions.len()));
        return Err(p.into_error());
    }
    for (i, (q, a)) in t.questions.iter().zip(answers.iter_mut()).enumerate() {
        let field = format!("answers[{i}]");
        match (q.kind, a.as_mut()) {
            (_, None) | (QuestionKind::YesNo, Some(Answer::Yes(_))) => {}
            (QuestionKind::Likert, Some(Answer::Number(n))) if (1..=5).contains(n) => {}
            (QuestionKind::Likert, _) => p.add(&field, "a point from 1 to 5"),
            (QuestionKind::Choice, Some(Answer::Number(n))) if (*n as usize) < q.choices.len() => {}
            (QuestionKind::Choice, _) => p.add(&field, format!("the index of a choice, 0 to {}", q.choices.len().saturating_sub(1))),
            (QuestionKind::YesNo, _) => p.add(&field, "true or false"),
            (QuestionKind::FreeText, Some(Answer::Text(text))) => {
                *text = text::multi_line(text).trim().to_string();
                p.text(&field, text, 0, ANSWER_TEXT_MAX);
                if text.is_empty() {
                    *a = None;
                }
            }
            (QuestionKind::FreeText, _) => p.add(&field, "a text"),
        }
    }
    p.into_result()?;
    Ok(answers)
}

/// A count of one choice, one point or yes/no.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub label: String,
    pub count: usize,
}

/// One question's result: counts and, for a scale, the mean; free texts only where allowed.
/// Nothing but the number of answers until [`MIN_ANSWERS`] have answered.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuestionResult {
    pub kind: QuestionKind,
    pub text: String,
    pub answers: usize,
    pub shown: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counts: Vec<Count>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// The free texts, for those who may read them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub texts: Vec<String>,
}

/// The results per question of all answers to one form. `texts`: whether to include the free
/// texts (the caller may read them).
pub fn results(t: &Template, all: &[Answers], texts: bool) -> Vec<QuestionResult> {
    t.questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let given: Vec<&Answer> = all.iter().filter_map(|a| a.get(i).and_then(Option::as_ref)).collect();
            let shown = shown(given.len());
            let labels: Vec<String> = match q.kind {
                QuestionKind::Likert => (1..=5).map(|n| n.to_string()).collect(),
                QuestionKind::YesNo => vec!["Ja".into(), "Nej".into()],
                QuestionKind::Choice => q.choices.clone(),
                QuestionKind::FreeText => Vec::new(),
            };
            let slot = |a: &Answer| match (q.kind, a) {
                (QuestionKind::Likert, Answer::Number(n)) => (*n as usize).checked_sub(1),
                (QuestionKind::Choice, Answer::Number(n)) => Some(*n as usize),
                (QuestionKind::YesNo, Answer::Yes(y)) => Some(usize::from(!*y)),
                _ => None,
            };
            let mut counts: Vec<Count> = labels.into_iter().map(|label| Count { label, count: 0 }).collect();
            for s in given.iter().filter_map(|a| slot(a)) {
                if let Some(c) = counts.get_mut(s) {
                    c.count += 1;
                }
            }
            let mean = (q.kind == QuestionKind::Likert && !given.is_empty()).then(|| {
                let points: usize = counts.iter().enumerate().map(|(k, c)| (k + 1) * c.count).sum();
                points as f64 / counts.iter().map(|c| c.count).sum::<usize>().max(1) as f64
            });
            let mut free: Vec<String> = given.iter().filter_map(|a| if let Answer::Text(s) = a { Some(s.clone()) } else { None }).collect();
            // Sorted, so that the order they came in says nothing.
            free.sort();
            QuestionResult {
                kind: q.kind,
                text: q.text.clone(),
                answers: given.len(),
                shown,
                counts: if shown { counts } else { Vec::new() },
                mean: mean.filter(|_| shown),
                texts: if shown && texts { free } else { Vec::new() },
            }
        })
        .collect()
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

    #[test]
    fn answers_are_checked_against_the_form() {
        let t = builtin().remove(0);
        let ok = vec![Some(Answer::Number(4)), None, Some(Answer::Yes(true)), Some(Answer::Text("  Mere tid  ".into()))];
        assert_eq!(check_answers(&t, ok).unwrap()[3], Some(Answer::Text("Mere tid".into())));
        let bad = vec![Some(Answer::Number(6)), Some(Answer::Yes(true)), Some(Answer::Number(1)), Some(Answer::Number(2))];
        let Err(DomainError::Invalid(f)) = check_answers(&t, bad) else { panic!("accepted") };
        let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["answers[0]", "answers[1]", "answers[2]", "answers[3]"]);
        assert!(check_answers(&t, vec![None]).is_err(), "one per question");
        let typed = vec![None, None, None, Some(Answer::Text("Mere tid.\r\nOg kaffe.".into()))];
        assert_eq!(check_answers(&t, typed).unwrap()[3], Some(Answer::Text("Mere tid.\nOg kaffe.".into())), "a textarea's line breaks");
    }

    #[test]
    fn results_count_each_point_and_hide_everything_below_five_answers() {
        let t = builtin().remove(0);
        let one =
            |p: u32, yes: bool, text: &str| vec![Some(Answer::Number(p)), None, Some(Answer::Yes(yes)), Some(Answer::Text(text.into()))];
        let four: Vec<Answers> = (1..=4).map(|p| one(p, true, "b")).collect();
        let r = results(&t, &four, true);
        assert_eq!((r[0].answers, r[0].shown, r[0].counts.len(), r[3].texts.len()), (4, false, 0, 0));
        let mut five = four.clone();
        five.push(one(4, false, "a"));
        let r = results(&t, &five, true);
        assert_eq!(r[0].counts.iter().map(|c| c.count).collect::<Vec<_>>(), [1, 1, 1, 2, 0]);
        assert_eq!(r[0].mean, Some(14.0 / 5.0));
        assert_eq!(r[1].answers, 0);
        assert_eq!(r[2].counts, vec![Count { label: "Ja".into(), count: 4 }, Count { label: "Nej".into(), count: 1 }]);
        assert_eq!(r[3].texts, ["a", "b", "b", "b", "b"], "sorted: the order says nothing");
        assert!(results(&t, &five, false)[3].texts.is_empty(), "free texts only for those who may read them");
    }
}
