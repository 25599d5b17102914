//! Evaluation forms: the secretariat's templates, the forms sent when an incident closes (one
//! per audience, with a link per person and one reminder), and the answers, kept apart from who
//! was asked: an invite knows only whether its person answered, an answer knows no person.

use crate::backend::prelude::*;
use domain::callout::{Message, token_digest};
use domain::evaluation::{self, Answers, Audience, Template};
use domain::event::{AdminChange, ReviewChange};
use domain::incident::{Incident, Status};
use std::collections::BTreeMap;

/// A sent form as its results need it: the form, the response per organisation, the answers.
#[derive(Debug, Clone, PartialEq)]
pub struct SentForm {
    pub audience: Audience,
    pub template: Template,
    pub sent_at: OffsetDateTime,
    pub reminded_at: Option<OffsetDateTime>,
    pub closes_at: OffsetDateTime,
    /// Per organisation: asked, answered.
    pub response: BTreeMap<String, (usize, usize)>,
    pub answers: Vec<Answers>,
}

/// A form as the person with its link sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenForm {
    pub incident_title: String,
    pub exercise: bool,
    pub template: Template,
    pub answered: bool,
    pub closes_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct FormRow {
    id: Uuid,
    audience: String,
    template: String,
    sent_at: OffsetDateTime,
    reminded_at: Option<OffsetDateTime>,
    closes_at: OffsetDateTime,
}

fn template_from(s: &str) -> Result<Template> {
    serde_json::from_str(s).map_err(corrupt)
}

operations! {
    uses: incidents, log, events, contacts, outbox;

    helpers {
        async fn templates_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E) -> Result<Vec<Template>> {
            let rows: Vec<(String, String)> = sqlx::query_as("SELECT audience, template FROM evaluation_templates").fetch_all(ex).await?;
            let mut out = evaluation::builtin();
            for (audience, t) in rows {
                let audience: Audience = audience.parse().map_err(corrupt)?;
                if let Some(slot) = out.iter_mut().find(|b| b.audience == audience) {
                    *slot = template_from(&t)?;
                }
            }
            Ok(out)
        }

        /// Sends `form`'s link to one person on each of their verified methods, or to their
        /// account's e-mail when they have none. Returns how many messages went.
        async fn invite_in(tx: &mut Tx, incident: &Incident, form_title: &str, (user, email): (Uuid, &str), token: &str, reminder: bool, at: OffsetDateTime) -> Result<usize> {
            let stale = stale_after_in(&mut **tx).await?;
            let methods = methods_of(tx, &[user]).await?.remove(&user).unwrap_or_default();
            let (subject, body) = evaluation::invitation(incident.exercise, &incident.title, form_title, reminder);
            let mut to: Vec<(domain::callout::ContactChannel, String)> =
                methods.iter().filter(|m| m.reaches(at, stale)).map(|m| (m.channel, m.address.clone())).collect();
            if to.is_empty() {
                to.push((domain::callout::ContactChannel::Email, email.to_string()));
            }
            for (channel, address) in &to {
                let m = Message {
                    channel: *channel,
                    address: address.clone(),
                    subject: subject.clone(),
                    body: body.clone(),
                    link: Some((evaluation::LINK_LABEL.into(), format!("/evaluering/{token}"))),
                };
                enqueue(tx, &m, None, at).await?;
            }
            Ok(to.len())
        }
    }

    ops {
        /// The form per audience: the secretariat's, or the built-in one.
        pub read fn evaluation_templates(pool) -> Result<Vec<Template>> {
            templates_in(pool).await
        }

        /// Keeps an audience's form (checked by `Template::validate`); forms already sent keep theirs.
        pub write fn keep_evaluation_template(pool, t: &Template, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO evaluation_templates (audience, template, updated_at, updated_by) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (audience) DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(t.audience.as_str())
            .bind(serde_json::to_string(t).map_err(corrupt)?)
            .bind(at)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            admin_event(&mut tx, AdminChange::EvaluationTemplateKept { audience: t.audience }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// Sends a closed incident's forms, once: each audience's form to its active accounts (an
        /// authority's only to the affected authorities), a link per person. Logged. Returns how
        /// many were asked per audience (nothing when the forms went already).
        pub write fn send_evaluation_forms(pool, incident_id: Uuid, at: OffsetDateTime) -> Result<Vec<(Audience, usize)>> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            if incident.status != Status::Closed {
                return Err(conflict("the evaluation forms go when the incident closes"));
            }
            let sent: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM evaluation_forms WHERE incident_id = $1)").bind(incident_id).fetch_one(&mut *tx).await?;
            if sent {
                return Ok(Vec::new());
            }
            let templates = templates_in(&mut *tx).await?;
            let mut counts = Vec::new();
            for t in &templates {
                let form_id = Uuid::new_v4();
                sqlx::query(
                    "INSERT INTO evaluation_forms (id, incident_id, audience, template, sent_at, remind_at, closes_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(form_id)
                .bind(incident_id)
                .bind(t.audience.as_str())
                .bind(serde_json::to_string(t).map_err(corrupt)?)
                .bind(at)
                .bind(at + time::Duration::days(evaluation::REMIND_AFTER_DAYS))
                .bind(at + time::Duration::days(evaluation::OPEN_DAYS))
                .execute(&mut *tx)
                .await?;
                let roles: Vec<&str> = t.audience.roles().iter().map(|r| r.as_str()).collect();
                let people: Vec<(Uuid, String, String, String)> = sqlx::query_as("SELECT id, email, org, role FROM users WHERE active ORDER BY id")
                    .fetch_all(&mut *tx)
                    .await?;
                let asked: Vec<&(Uuid, String, String, String)> = people
                    .iter()
                    .filter(|(_, _, org, role)| roles.contains(&role.as_str()) && (t.audience != Audience::Authority || incident.affected.contains(org)))
                    .collect();
                for (user, email, org, _) in &asked {
                    let token = Uuid::new_v4().simple().to_string();
                    sqlx::query("INSERT INTO evaluation_invites (form_id, user_id, org, token_digest) VALUES ($1, $2, $3, $4)")
                        .bind(form_id)
                        .bind(user)
                        .bind(org)
                        .bind(token_digest(&token))
                        .execute(&mut *tx)
                        .await?;
                    invite_in(&mut tx, &incident, &t.title, (*user, email), &token, false, at).await?;
                }
                counts.push((t.audience, asked.len()));
            }
            let mut events = Vec::new();
            append_in_tx(&mut tx, &incident, &Actor::system(), narrative::evaluation_sent(&counts), at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::ReviewChanged { incident_id, what: ReviewChange::FormsSent }));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(counts)
        }

        /// Closed incidents whose forms have not gone yet (the job sends them); those closed before
        /// there were forms are not asked about now.
        pub read fn evaluations_to_send(pool) -> Result<Vec<Uuid>> {
            Ok(sqlx::query_scalar(
                "SELECT i.id FROM incidents i WHERE i.status = 'closed'
                 AND NOT EXISTS (SELECT 1 FROM evaluation_forms f WHERE f.incident_id = i.id)
                 AND NOT EXISTS (SELECT 1 FROM evaluation_not_sent n WHERE n.incident_id = i.id)",
            )
            .fetch_all(pool)
            .await?)
        }

        /// Sends the one reminder of every form due for it to those who have not answered, with a
        /// link of its own. Returns how many were reminded.
        pub write fn remind_evaluations(pool, now: OffsetDateTime) -> Result<usize> {
            let mut tx = pool.begin().await?;
            let due: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
                "UPDATE evaluation_forms SET reminded_at = $1 WHERE reminded_at IS NULL AND remind_at <= $1 AND closes_at > $1 RETURNING id, incident_id, template",
            )
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
            let mut reminded = 0;
            let mut events = Vec::new();
            for (form_id, incident_id, template) in due {
                let incident = lock_incident(&mut tx, incident_id, now).await?;
                let title = template_from(&template)?.title;
                let open: Vec<(Uuid, String)> = sqlx::query_as(
                    "SELECT u.id, u.email FROM evaluation_invites v JOIN users u ON u.id = v.user_id WHERE v.form_id = $1 AND NOT v.answered AND u.active ORDER BY u.id",
                )
                .bind(form_id)
                .fetch_all(&mut *tx)
                .await?;
                for (user, email) in open {
                    let token = Uuid::new_v4().simple().to_string();
                    sqlx::query("UPDATE evaluation_invites SET reminder_digest = $3 WHERE form_id = $1 AND user_id = $2")
                        .bind(form_id)
                        .bind(user)
                        .bind(token_digest(&token))
                        .execute(&mut *tx)
                        .await?;
                    invite_in(&mut tx, &incident, &title, (user, &email), &token, true, now).await?;
                    reminded += 1;
                }
                events.push(NewEvent::about(&incident, Event::ReviewChanged { incident_id, what: ReviewChange::Reminded }));
            }
            emit_all(&mut tx, events, now).await?;
            tx.commit().await?;
            Ok(reminded)
        }

        /// The form behind a link, for its person; `None` for an unknown link.
        pub read fn evaluation_by_token(pool, token: &str) -> Result<Option<OpenForm>> {
            let row: Option<(String, bool, String, bool, OffsetDateTime)> = sqlx::query_as(
                "SELECT i.title, i.exercise, f.template, v.answered, f.closes_at FROM evaluation_invites v
                 JOIN evaluation_forms f ON f.id = v.form_id JOIN incidents i ON i.id = f.incident_id
                 WHERE v.token_digest = $1 OR v.reminder_digest = $1",
            )
            .bind(token_digest(token))
            .fetch_optional(pool)
            .await?;
            row.map(|(incident_title, exercise, t, answered, closes_at)| Ok(OpenForm { incident_title, exercise, template: template_from(&t)?, answered, closes_at }))
                .transpose()
        }

        /// Keeps one person's answers (checked against the form by the caller), once: the invite
        /// is marked answered and the answers stored apart, with no person, time or order.
        pub write fn answer_evaluation(pool, token: &str, answers: &Answers, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let claimed: Option<Uuid> = sqlx::query_scalar(
                "UPDATE evaluation_invites SET answered = TRUE
                 WHERE (token_digest = $1 OR reminder_digest = $1) AND NOT answered
                   AND form_id IN (SELECT id FROM evaluation_forms WHERE closes_at > $2)
                 RETURNING form_id",
            )
            .bind(token_digest(token))
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(form_id) = claimed else {
                let known: Option<bool> = sqlx::query_scalar("SELECT answered FROM evaluation_invites WHERE token_digest = $1 OR reminder_digest = $1")
                    .bind(token_digest(token))
                    .fetch_optional(&mut *tx)
                    .await?;
                return Err(match known {
                    None => not_found("evaluation link"),
                    Some(true) => conflict("this form has been answered already: thank you"),
                    Some(false) => conflict("this form has closed: it no longer takes answers"),
                });
            };
            sqlx::query("INSERT INTO evaluation_answers (id, form_id, answers) VALUES ($1, $2, $3)")
                .bind(Uuid::new_v4())
                .bind(form_id)
                .bind(serde_json::to_string(answers).map_err(corrupt)?)
                .execute(&mut *tx)
                .await?;
            let incident_id: Uuid = sqlx::query_scalar("SELECT incident_id FROM evaluation_forms WHERE id = $1").bind(form_id).fetch_one(&mut *tx).await?;
            let affected: Vec<String> = sqlx::query_scalar("SELECT org_code FROM incident_orgs WHERE incident_id = $1").bind(incident_id).fetch_all(&mut *tx).await?;
            let event = NewEvent { event: Event::ReviewChanged { incident_id, what: ReviewChange::Answered }, incident_id: Some(incident_id), affected };
            emit_all(&mut tx, vec![event], at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// The incident's sent forms with their response and answers, by audience.
        pub read fn evaluation(pool, incident_id: Uuid) -> Result<Vec<SentForm>> {
            let forms: Vec<FormRow> =
                sqlx::query_as("SELECT id, audience, template, sent_at, reminded_at, closes_at FROM evaluation_forms WHERE incident_id = $1")
                    .bind(incident_id)
                    .fetch_all(pool)
                    .await?;
            let mut out = Vec::new();
            for f in forms {
                let invites: Vec<(String, bool)> =
                    sqlx::query_as("SELECT org, answered FROM evaluation_invites WHERE form_id = $1").bind(f.id).fetch_all(pool).await?;
                let mut response: BTreeMap<String, (usize, usize)> = BTreeMap::new();
                for (org, answered) in invites {
                    let r = response.entry(org).or_default();
                    r.0 += 1;
                    r.1 += usize::from(answered);
                }
                let rows: Vec<String> = sqlx::query_scalar("SELECT answers FROM evaluation_answers WHERE form_id = $1 ORDER BY id").bind(f.id).fetch_all(pool).await?;
                let answers = rows.iter().map(|a| serde_json::from_str(a).map_err(corrupt)).collect::<Result<Vec<Answers>>>()?;
                out.push(SentForm {
                    audience: f.audience.parse().map_err(corrupt)?,
                    template: template_from(&f.template)?,
                    sent_at: f.sent_at,
                    reminded_at: f.reminded_at,
                    closes_at: f.closes_at,
                    response,
                    answers,
                });
            }
            out.sort_by_key(|f| f.audience);
            Ok(out)
        }
    }
}
