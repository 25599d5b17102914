//! After the crisis: the KPIs against the secretariat's targets, the evaluation forms (sent when
//! an incident closes, answered anonymously by link, shown per question), and the after-action
//! report built from the record with the crisis staff's strengths, areas and improvement plan.

use crate::{App, Error, Result, now};
use domain::evaluation::{self, Answers, Audience, QuestionResult, Template};
use domain::exercise::run::Observation;
use domain::incident::Incident;
use domain::kpi::{Kpi, Targets};
use domain::report::{CorrectiveAction, NewAction, Notes};
use domain::role::Assignment;
use domain::{Actor, DomainError, Permission};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// How often the evaluation job sends due forms and reminders.
pub const EVALUATION_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// One organisation's response to a form: asked and answered (never who).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Response {
    pub org: String,
    pub asked: usize,
    pub answered: usize,
}

/// One audience's form and its results.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FormResults {
    pub audience: Audience,
    pub title: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reminded_at: Option<OffsetDateTime>,
    pub asked: usize,
    pub answered: usize,
    pub response: Vec<Response>,
    /// Whether the results are shown: once the form closes, or everybody asked has answered.
    pub visible: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub results_from: OffsetDateTime,
    pub questions: Vec<QuestionResult>,
}

/// An incident's evaluation: the forms' results, and an exercise's observations.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub incident_id: Uuid,
    /// `false` until the incident closes and the forms go.
    pub sent: bool,
    pub forms: Vec<FormResults>,
    /// Whether the free texts are included (the crisis staff and the steering group).
    pub texts: bool,
    /// The evaluators' observations, for an exercise.
    pub observations: Vec<Observation>,
}

/// A form behind a link, as its person sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct FormToAnswer {
    pub incident_title: String,
    pub exercise: bool,
    pub template: Template,
    pub answered: bool,
    pub open: bool,
}

/// One line of the report's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Moment {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub what: String,
}

/// Everything the after-action report shows, read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub incident: Incident,
    pub staff: Vec<Assignment>,
    pub organisations: Vec<String>,
    pub timeline: Vec<Moment>,
    /// `None` for an exercise: exercises are never measured.
    pub kpis: Option<Vec<Kpi>>,
    pub evaluation: Evaluation,
    pub notes: Notes,
    pub actions: Vec<CorrectiveAction>,
    /// The log's head (sequence number, hash) the report was built from, for `verify-log`.
    pub chain_head: (i64, String),
    pub entries: usize,
    pub built_at: OffsetDateTime,
}

impl App {
    /// The KPIs of an incident, live. An exercise is never measured.
    pub async fn kpis(&self, actor: &Actor, id: Uuid) -> Result<Vec<Kpi>> {
        let i = self.incident(actor, id, Permission::ViewKpis).await?;
        self.measured(&i).await?.ok_or_else(|| {
            DomainError::Conflict("an exercise is never measured: its KPIs would mix practice with the record".into()).into()
        })
    }

    async fn measured(&self, i: &Incident) -> Result<Option<Vec<Kpi>>> {
        if i.exercise {
            return Ok(None);
        }
        let (record, targets) = tokio::try_join!(self.store.kpi_record(i.id, now()), self.store.kpi_targets())?;
        Ok(Some(domain::kpi::kpis(&record, &targets)))
    }

    pub async fn kpi_targets(&self, actor: &Actor) -> Result<Targets> {
        actor.may(Permission::ViewKpis)?;
        Ok(self.store.kpi_targets().await?)
    }

    pub async fn set_kpi_targets(&self, actor: &Actor, t: Targets) -> Result<Targets> {
        actor.may(Permission::SetKpiTargets)?;
        let t = t.validate()?;
        self.store.set_kpi_targets(&t, &actor.name, now()).await?;
        Ok(t)
    }

    pub async fn evaluation_templates(&self, actor: &Actor) -> Result<Vec<Template>> {
        actor.may(Permission::ViewEvaluation)?;
        Ok(self.store.evaluation_templates().await?)
    }

    /// Keeps an audience's form; forms sent already keep theirs.
    pub async fn keep_evaluation_template(&self, actor: &Actor, t: Template) -> Result<Template> {
        actor.may(Permission::KeepEvaluationTemplates)?;
        let t = t.validate()?;
        self.store.keep_evaluation_template(&t, &actor.name, now()).await?;
        Ok(t)
    }

    /// The evaluation's results: counts from five answers, the free texts for those who may
    /// read them, and the response rate per organisation only.
    pub async fn evaluation(&self, actor: &Actor, id: Uuid) -> Result<Evaluation> {
        let i = self.incident(actor, id, Permission::ViewEvaluation).await?;
        let texts = actor.may(Permission::ViewEvaluationTexts).is_ok();
        let forms = self.store.evaluation(id).await?;
        let observations = match (i.exercise, actor.may_on(Permission::ViewExercise, &i.affected)) {
            (true, Ok(())) => self.store.exercise(id).await?.map(|x| x.observations).unwrap_or_default(),
            _ => Vec::new(),
        };
        let forms: Vec<FormResults> = forms
            .into_iter()
            .map(|f| {
                let response: Vec<Response> = f
                    .response
                    .iter()
                    .map(|(org, (asked, answered))| Response { org: org.clone(), asked: *asked, answered: *answered })
                    .collect();
                let (asked, answered) = response.iter().fold((0, 0), |(a, b), r| (a + r.asked, b + r.answered));
                let visible = evaluation::results_visible(f.closes_at, now(), asked, answered);
                let answers = if visible { f.answers.as_slice() } else { &[] };
                FormResults {
                    visible,
                    results_from: f.closes_at,
                    audience: f.audience,
                    title: f.template.title.clone(),
                    sent_at: f.sent_at,
                    reminded_at: f.reminded_at,
                    asked,
                    answered,
                    questions: evaluation::results(&f.template, answers, texts),
                    response,
                }
            })
            .collect();
        Ok(Evaluation { incident_id: id, sent: !forms.is_empty(), forms, texts, observations })
    }

    /// The form behind a link (no account needed: the link is the person's).
    pub async fn evaluation_form(&self, token: &str) -> Result<FormToAnswer> {
        let f = self.store.evaluation_by_token(token).await?.ok_or_else(|| Error::not_found("evaluation link"))?;
        Ok(FormToAnswer {
            incident_title: f.incident_title,
            exercise: f.exercise,
            template: f.template,
            answered: f.answered,
            open: f.closes_at > now(),
        })
    }

    /// Keeps one person's answers, checked against the form, once.
    pub async fn answer_evaluation(&self, token: &str, answers: Answers) -> Result<()> {
        let form = self.evaluation_form(token).await?;
        let answers = evaluation::check_answers(&form.template, answers)?;
        Ok(self.store.answer_evaluation(token, &answers, now()).await?)
    }

    /// Sends the forms of every closed incident that has none yet, and the reminders due.
    pub async fn send_due_evaluations(&self) -> Result<usize> {
        let mut sent = 0;
        for id in self.store.evaluations_to_send().await? {
            // One incident that fails must not hold up the others, nor the reminders.
            match self.store.send_evaluation_forms(id, now()).await {
                Ok(counts) => sent += counts.iter().map(|(_, n)| n).sum::<usize>(),
                Err(e) => tracing::warn!(error = %e, incident = %id, "the evaluation forms did not go; trying again later"),
            }
        }
        sent += self.store.remind_evaluations(now()).await?;
        if sent > 0 {
            self.outbox_wake.notify_one();
        }
        Ok(sent)
    }

    pub(crate) fn evaluate_regularly(&self, shutdown: crate::Shutdown) {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.send_due_evaluations().await {
                    tracing::warn!(error = %e, "sending the evaluation forms failed; trying again");
                }
                tokio::select! {
                    _ = tokio::time::sleep(EVALUATION_EVERY) => {}
                    _ = shutdown.wait() => break,
                }
            }
        });
    }

    /// Pins a log entry to the report's timeline, or takes it off.
    pub async fn pin_log_entry(&self, actor: &Actor, id: Uuid, seq: i64, pinned: bool) -> Result<()> {
        self.incident(actor, id, Permission::WriteReport).await?;
        Ok(self.store.pin_log_entry(id, seq, pinned, actor, now()).await?)
    }

    pub async fn set_report_notes(&self, actor: &Actor, id: Uuid, notes: Notes) -> Result<Notes> {
        self.incident(actor, id, Permission::WriteReport).await?;
        let notes = notes.validate()?;
        self.store.set_report_notes(id, &notes, actor, now()).await?;
        Ok(notes)
    }

    /// Adds a corrective action to the improvement plan (`action` None) or changes one.
    pub async fn save_corrective_action(&self, actor: &Actor, id: Uuid, action: Option<Uuid>, a: NewAction) -> Result<CorrectiveAction> {
        self.incident(actor, id, Permission::WriteReport).await?;
        let a = a.validate()?;
        Ok(self.store.save_corrective_action(id, action, &a, actor, now()).await?)
    }

    pub async fn corrective_actions(&self, actor: &Actor, id: Uuid) -> Result<Vec<CorrectiveAction>> {
        self.incident(actor, id, Permission::ViewReport).await?;
        Ok(self.store.corrective_actions(id).await?)
    }

    /// Every action not done, for the secretariat's start page.
    pub async fn open_actions(&self, actor: &Actor) -> Result<Vec<(CorrectiveAction, String)>> {
        actor.may(Permission::ViewOpenActions)?;
        let actions = self.store.open_actions().await?;
        let mut out = Vec::new();
        for a in actions {
            let title = self.store.incident(a.incident_id).await?.map(|i| i.title).unwrap_or_default();
            out.push((a, title));
        }
        Ok(out)
    }

    /// The after-action report, built from the record as it is now.
    pub async fn report(&self, actor: &Actor, id: Uuid) -> Result<Report> {
        let incident = self.incident(actor, id, Permission::ViewReport).await?;
        let (staff, log, pins, versions, callouts, notes, actions, orgs) = tokio::try_join!(
            self.store.roles(id),
            self.store.log(id),
            self.store.log_pins(id),
            self.store.guide_history(id),
            self.store.callouts(id),
            self.store.report_notes(id),
            self.store.corrective_actions(id),
            self.store.organisations(),
        )?;
        let kpis = self.measured(&incident).await?;
        let evaluation = self.evaluation(actor, id).await?;
        let chain_head = log.last().map_or((0, domain::log::GENESIS.to_string()), |e| (e.seq, e.hash.clone()));
        let mut timeline = timeline(&incident);
        timeline.extend(versions.iter().map(|(v, at)| Moment { at: *at, what: format!("Guide version {v} offentliggjort") }));
        // Who acknowledged is the crisis organisation's to see (an authority editor reads the report too).
        let named = actor.may(Permission::ViewCallout).is_ok();
        for c in callouts.iter().filter(|_| named) {
            for r in &c.roles {
                if let (Some(role), Some(a)) = (r.role, &r.acknowledged) {
                    timeline.push(Moment {
                        at: a.at,
                        what: format!("{} kvitterede som {}", a.name, domain::narrative::staff_role_da(role).to_lowercase()),
                    });
                }
            }
        }
        timeline.extend(
            log.iter().filter(|e| pins.contains(&e.seq)).map(|e| Moment { at: e.at, what: format!("Logbog nr. {}: {}", e.seq, e.text) }),
        );
        timeline.sort_by_key(|m| m.at);
        let organisations =
            incident.affected.iter().map(|code| orgs.iter().find(|o| &o.code == code).map_or(code.clone(), |o| o.name.clone())).collect();
        Ok(Report {
            incident,
            staff,
            organisations,
            timeline,
            kpis,
            evaluation,
            notes,
            actions,
            chain_head,
            entries: log.len(),
            built_at: now(),
        })
    }
}

/// The incident's status changes, as moments.
fn timeline(i: &Incident) -> Vec<Moment> {
    let mut out = vec![Moment { at: i.created_at, what: "Krisen oprettet".into() }];
    let steps = [(i.activated_at, "Aktiveret"), (i.standing_down_at, "Nedtrapning"), (i.closed_at, "Lukket")];
    out.extend(steps.into_iter().filter_map(|(at, what)| at.map(|at| Moment { at, what: what.into() })));
    out
}
