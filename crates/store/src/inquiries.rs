//! What citizens ask, and callback requests: the only personal data, every read logged, purged
//! after the retention period.

use crate::backend::prelude::*;
use domain::inquiry::{Access, Answered, AnsweredSection, Callback, Inquiry, NewCallback, NewInquiry};

#[derive(sqlx::FromRow)]
struct InquiryRow {
    id: Uuid,
    incident_id: Uuid,
    version: i64,
    situation: Option<String>,
    text: String,
    municipality: String,
    at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct CallbackRow {
    id: Uuid,
    incident_id: Uuid,
    name: String,
    phone: String,
    email: String,
    reason: String,
    municipality: String,
    created_by: String,
    created_at: OffsetDateTime,
    mailed: bool,
}

impl From<InquiryRow> for Inquiry {
    fn from(r: InquiryRow) -> Inquiry {
        Inquiry {
            id: r.id,
            incident_id: r.incident_id,
            version: r.version,
            situation: r.situation,
            text: r.text,
            municipality: r.municipality,
            at: r.at,
        }
    }
}

impl From<CallbackRow> for Callback {
    fn from(r: CallbackRow) -> Callback {
        Callback {
            id: r.id,
            incident_id: r.incident_id,
            name: r.name,
            phone: r.phone,
            email: r.email,
            reason: r.reason,
            municipality: r.municipality,
            created_by: r.created_by,
            created_at: r.created_at,
            mailed: r.mailed,
        }
    }
}

macro_rules! callback_columns {
    () => {
        "c.id, c.incident_id, c.name, c.phone, c.email, c.reason, c.municipality, c.created_by, c.created_at,
         EXISTS (SELECT 1 FROM outbox m WHERE m.callback_id = c.id AND m.sent_at IS NOT NULL) AS mailed"
    };
}

operations! {
    uses: incidents, log, events, guides;

    helpers {
        /// Whether the inquiry was new (an id stored before is left as it is).
        async fn insert_inquiry(tx: &mut Tx, i: &Inquiry) -> Result<bool> {
            let done = sqlx::query(
                "INSERT INTO inquiries (id, incident_id, version, situation, text, municipality, at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
            )
            .bind(i.id)
            .bind(i.incident_id)
            .bind(i.version)
            .bind(&i.situation)
            .bind(&i.text)
            .bind(&i.municipality)
            .bind(i.at)
            .execute(&mut **tx)
            .await?;
            Ok(done.rows_affected() == 1)
        }

        async fn log_access(tx: &mut Tx, incident_id: Uuid, actor: &Actor, what: &str, records: i64, at: OffsetDateTime) -> Result<()> {
            sqlx::query("INSERT INTO personal_data_access (at, user_id, user_name, incident_id, what, records) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(at)
                .bind(actor.user_id)
                .bind(&actor.name)
                .bind(incident_id)
                .bind(what)
                .bind(records)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }
    }

    ops {
        /// Checked against the latest published version; only while the incident is live.
        /// Stored once per `id`: a second call with the same id (a spool drained again) returns
        /// what the first stored.
        pub write fn record_inquiry(pool, id: Uuid, incident_id: Uuid, new: NewInquiry, at: OffsetDateTime) -> Result<Inquiry> {
            let mut tx = pool.begin().await?;
            // The lock first: a SQLite transaction that read before it writes can be refused.
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let stored: Option<InquiryRow> =
                sqlx::query_as("SELECT id, incident_id, version, situation, text, municipality, at FROM inquiries WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(r) = stored {
                return Ok(r.into());
            }
            incident.status.check_live()?;
            let latest = guide_version_in(&mut *tx, incident_id, None).await?.ok_or_else(|| conflict("the guide has not been published yet"))?;
            let (new, situation) = new.validate(&latest)?;
            let i = Inquiry { id, incident_id, version: new.version, situation, text: new.text, municipality: new.municipality, at };
            insert_inquiry(&mut tx, &i).await?;
            emit_all(&mut tx, vec![NewEvent::about(&incident, Event::InquiryCreated(i.clone()))], at).await?;
            tx.commit().await?;
            Ok(i)
        }

        /// The questions the chatbot passes on, many in one transaction (one short hold of the
        /// write lock, not one per question): each as
        /// [`Store::record_inquiry`] would store it; one whose crisis is no longer live, or that
        /// the guide refuses, is left out, and so is one whose id is already stored (a retry). The
        /// ids stored.
        pub write fn record_inquiries(pool, all: Vec<(Uuid, Uuid, NewInquiry, OffsetDateTime)>) -> Result<Vec<Uuid>> {
            let mut tx = pool.begin().await?;
            let (mut events, mut stored) = (Vec::new(), Vec::new());
            let mut incidents: Vec<Uuid> = all.iter().map(|(_, i, _, _)| *i).collect();
            incidents.sort();
            incidents.dedup();
            let Some(&(_, _, _, at)) = all.last() else { return Ok(Vec::new()) };
            for incident_id in incidents {
                let incident = lock_incident(&mut tx, incident_id, at).await?;
                if incident.status.check_live().is_err() {
                    continue;
                }
                let Some(latest) = guide_version_in(&mut *tx, incident_id, None).await? else { continue };
                for (id, _, new, at) in all.iter().filter(|(_, i, _, _)| *i == incident_id) {
                    let Ok((new, situation)) = new.clone().validate(&latest) else { continue };
                    let i = Inquiry { id: *id, incident_id, version: new.version, situation, text: new.text, municipality: new.municipality, at: *at };
                    if insert_inquiry(&mut tx, &i).await? {
                        stored.push(i.id);
                        events.push(NewEvent::about(&incident, Event::InquiryCreated(i)));
                    }
                }
            }
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(stored)
        }

        /// Adds the chatbot's answers counted since the last call: (incident, section, the
        /// situation's wording or '', how many). One transaction; a crisis no longer there is skipped.
        pub write fn add_chat_answers(pool, counts: Vec<(Uuid, AnsweredSection, String, i64)>) -> Result<()> {
            let mut tx = pool.begin().await?;
            for (incident_id, section, situation, n) in counts {
                sqlx::query(
                    "INSERT INTO chat_answers (incident_id, section, situation, answered)
                     SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM incidents WHERE id = $1)
                     ON CONFLICT (incident_id, section, situation) DO UPDATE SET answered = chat_answers.answered + excluded.answered",
                )
                .bind(incident_id)
                .bind(section.as_str())
                .bind(situation)
                .bind(n)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        }

        /// The chatbot's answers of an incident, most answered first.
        pub read fn chat_answers(pool, incident_id: Uuid) -> Result<Vec<Answered>> {
            let rows: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT section, situation, answered FROM chat_answers WHERE incident_id = $1 ORDER BY answered DESC, section, situation",
            )
            .bind(incident_id)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(section, situation, count)| {
                    let section = AnsweredSection::parse(&section).ok_or_else(|| corrupt(format!("chat answer section '{section}'")))?;
                    Ok(Answered { section, situation: Some(situation).filter(|s| !s.is_empty()), count })
                })
                .collect()
        }

        /// Oldest first.
        pub read fn inquiries(pool, incident_id: Uuid) -> Result<Vec<Inquiry>> {
            let rows: Vec<InquiryRow> =
                sqlx::query_as("SELECT id, incident_id, version, situation, text, municipality, at FROM inquiries WHERE incident_id = $1 ORDER BY at, id")
                    .bind(incident_id)
                    .fetch_all(pool)
                    .await?;
            Ok(rows.into_iter().map(Inquiry::from).collect())
        }

        /// `new` must have passed `NewCallback::validate`. Records the request, queues its e-mail to the guide's callback mailbox (if the guide names
        /// one) and announces it without any personal data in the event.
        /// Stored once per `id`, like `record_inquiry`.
        pub write fn create_callback(pool, id: Uuid, incident_id: Uuid, new: NewCallback, actor: &Actor, at: OffsetDateTime) -> Result<Callback> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let stored: Option<CallbackRow> = sqlx::query_as(concat!("SELECT ", callback_columns!(), " FROM callback_requests c WHERE c.id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(r) = stored {
                return Ok(r.into());
            }
            incident.status.check_live()?;
            let latest = guide_version_in(&mut *tx, incident_id, None).await?;
            let c = Callback {
                id,
                incident_id,
                name: new.name,
                phone: new.phone,
                email: new.email,
                reason: new.reason,
                municipality: new.municipality,
                created_by: actor.name.clone(),
                created_at: at,
                mailed: false,
            };
            sqlx::query(
                "INSERT INTO callback_requests (id, incident_id, name, phone, email, reason, municipality, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(c.id)
            .bind(incident_id)
            .bind(&c.name)
            .bind(&c.phone)
            .bind(&c.email)
            .bind(&c.reason)
            .bind(&c.municipality)
            .bind(&c.created_by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            log_access(&mut tx, incident_id, actor, "create", 1, at).await?;
            // An exercise's synthetic citizens (the system's requests) mail nobody: the players
            // find them in the authority's list, and the guide's mailbox may be a real one.
            let synthetic = incident.exercise && actor.user_id.is_nil();
            if let Some(mailbox) = latest.map(|v| v.guide.callback_email).filter(|m| !m.is_empty() && !synthetic) {
                let (subject, body) = domain::inquiry::callback_mail(&incident, &c);
                sqlx::query(
                    "INSERT INTO outbox (callback_id, channel, address, subject, body, created_at, next_attempt_at) VALUES ($1, 'email', $2, $3, $4, $5, $5)",
                )
                .bind(c.id)
                .bind(mailbox)
                .bind(subject)
                .bind(body)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            emit_all(&mut tx, vec![NewEvent::about(&incident, Event::CallbackCreated { id: c.id, incident_id })], at).await?;
            tx.commit().await?;
            Ok(c)
        }

        /// The callback requests of an incident. Personal data: the reading is logged as `what`
        /// (`view` or `export`) by `actor`.
        pub write fn callbacks(pool, incident_id: Uuid, actor: &Actor, what: &str, at: OffsetDateTime) -> Result<Vec<Callback>> {
            let mut tx = pool.begin().await?;
            let rows: Vec<CallbackRow> =
                sqlx::query_as(concat!("SELECT ", callback_columns!(), " FROM callback_requests c WHERE c.incident_id = $1 ORDER BY c.created_at DESC, c.id"))
            .bind(incident_id)
            .fetch_all(&mut *tx)
            .await?;
            log_access(&mut tx, incident_id, actor, what, rows.len() as i64, at).await?;
            tx.commit().await?;
            Ok(rows.into_iter().map(Callback::from).collect())
        }

        /// Who read or wrote an incident's personal data, newest first.
        pub read fn personal_data_access(pool, incident_id: Uuid) -> Result<Vec<Access>> {
            let rows: Vec<(OffsetDateTime, String, String, i64)> =
                sqlx::query_as("SELECT at, user_name, what, records FROM personal_data_access WHERE incident_id = $1 ORDER BY id DESC")
                    .bind(incident_id)
                    .fetch_all(pool)
                    .await?;
            Ok(rows.into_iter().map(|(at, user_name, what, records)| Access { at, user_name, what, records }).collect())
        }

        /// Deletes the callback requests (and their mails) of incidents closed `retention_days` or more
        /// before `now` (the cut-off is the domain's rule, `domain::inquiry::purge_cutoff`), with a log
        /// entry per incident. Returns (incident, requests deleted).
        pub write fn purge_callbacks(pool, now: OffsetDateTime, retention_days: i64) -> Result<Vec<(Uuid, u64)>> {
            let (cutoff, at) = (domain::inquiry::purge_cutoff(now, retention_days), now);
            let due: Vec<Uuid> = sqlx::query_scalar(
                "SELECT DISTINCT c.incident_id FROM callback_requests c JOIN incidents i ON i.id = c.incident_id
                 WHERE i.status = 'closed' AND i.closed_at <= $1",
            )
            .bind(cutoff.to_offset(time::UtcOffset::UTC))
            .fetch_all(pool)
            .await?;
            let mut out = Vec::new();
            for incident_id in due {
                let mut tx = pool.begin().await?;
                let incident = lock_incident(&mut tx, incident_id, at).await?;
                sqlx::query("DELETE FROM outbox WHERE callback_id IN (SELECT id FROM callback_requests WHERE incident_id = $1)")
                    .bind(incident_id)
                    .execute(&mut *tx)
                    .await?;
                let n = sqlx::query("DELETE FROM callback_requests WHERE incident_id = $1").bind(incident_id).execute(&mut *tx).await?.rows_affected();
                let mut events = Vec::new();
                append_in_tx(&mut tx, &incident, &Actor::system(), narrative::callbacks_purged(n, retention_days), at, &mut events).await?;
                emit_all(&mut tx, events, at).await?;
                tx.commit().await?;
                out.push((incident_id, n));
            }
            Ok(out)
        }
    }
}
