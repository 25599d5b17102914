//! The after-action report's own parts: log entries pinned to its timeline, the strengths and
//! areas for improvement, and the improvement plan's corrective actions (logged as they change).

use crate::backend::prelude::*;
use domain::event::ReviewChange;
use domain::report::{CorrectiveAction, NewAction, Notes};
use time::Date;

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: Uuid,
    incident_id: Uuid,
    text: String,
    owner: String,
    due: Date,
    status: String,
    updated_at: OffsetDateTime,
    updated_by: String,
}

impl ActionRow {
    fn into_domain(self) -> Result<CorrectiveAction> {
        Ok(CorrectiveAction {
            id: self.id,
            incident_id: self.incident_id,
            text: self.text,
            owner: self.owner,
            due: self.due,
            status: self.status.parse().map_err(corrupt)?,
            updated_at: self.updated_at,
            updated_by: self.updated_by,
        })
    }
}

fn review_event(incident: &domain::incident::Incident, what: ReviewChange) -> NewEvent {
    NewEvent::about(incident, Event::ReviewChanged { incident_id: incident.id, what })
}

macro_rules! action_columns {
    () => {
        "id, incident_id, text, owner, due, status, updated_at, updated_by"
    };
}

operations! {
    uses: incidents, log, events;

    ops {
        /// The sequence numbers of the log entries pinned to the report's timeline.
        pub read fn log_pins(pool, incident_id: Uuid) -> Result<Vec<i64>> {
            Ok(sqlx::query_scalar("SELECT seq FROM log_pins WHERE incident_id = $1 ORDER BY seq").bind(incident_id).fetch_all(pool).await?)
        }

        /// Pins a log entry to the report's timeline, or takes it off.
        pub write fn pin_log_entry(pool, incident_id: Uuid, seq: i64, pinned: bool, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM log_entries WHERE incident_id = $1 AND seq = $2)")
                .bind(incident_id)
                .bind(seq)
                .fetch_one(&mut *tx)
                .await?;
            if !exists {
                return Err(not_found("log entry"));
            }
            if pinned {
                sqlx::query("INSERT INTO log_pins (incident_id, seq, pinned_by, pinned_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                    .bind(incident_id)
                    .bind(seq)
                    .bind(&actor.name)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query("DELETE FROM log_pins WHERE incident_id = $1 AND seq = $2").bind(incident_id).bind(seq).execute(&mut *tx).await?;
            }
            emit_all(&mut tx, vec![review_event(&incident, ReviewChange::Pinned)], at).await?;
            tx.commit().await?;
            Ok(())
        }

        pub read fn report_notes(pool, incident_id: Uuid) -> Result<Notes> {
            let row: Option<(String, String)> =
                sqlx::query_as("SELECT strengths, improvements FROM report_notes WHERE incident_id = $1").bind(incident_id).fetch_optional(pool).await?;
            Ok(row.map(|(strengths, improvements)| Notes { strengths, improvements }).unwrap_or_default())
        }

        /// Replaces the strengths and areas for improvement (checked by `Notes::validate`).
        pub write fn set_report_notes(pool, incident_id: Uuid, notes: &Notes, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            sqlx::query(
                "INSERT INTO report_notes (incident_id, strengths, improvements, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (incident_id) DO UPDATE SET strengths = excluded.strengths, improvements = excluded.improvements,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(incident_id)
            .bind(&notes.strengths)
            .bind(&notes.improvements)
            .bind(at)
            .bind(&actor.name)
            .execute(&mut *tx)
            .await?;
            emit_all(&mut tx, vec![review_event(&incident, ReviewChange::Notes)], at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// The incident's corrective actions, by due day.
        pub read fn corrective_actions(pool, incident_id: Uuid) -> Result<Vec<CorrectiveAction>> {
            let rows: Vec<ActionRow> =
                sqlx::query_as(concat!("SELECT ", action_columns!(), " FROM corrective_actions WHERE incident_id = $1 ORDER BY due, created_at, id"))
                    .bind(incident_id)
                    .fetch_all(pool)
                    .await?;
            rows.into_iter().map(ActionRow::into_domain).collect()
        }

        /// Every action not done, of every incident, by due day: the secretariat's follow-up.
        pub read fn open_actions(pool) -> Result<Vec<CorrectiveAction>> {
            let rows: Vec<ActionRow> =
                sqlx::query_as(concat!("SELECT ", action_columns!(), " FROM corrective_actions WHERE status <> 'done' ORDER BY due, created_at, id"))
                    .fetch_all(pool)
                    .await?;
            rows.into_iter().map(ActionRow::into_domain).collect()
        }

        /// Adds a corrective action (`id` None) or changes one, logged.
        pub write fn save_corrective_action(pool, incident_id: Uuid, id: Option<Uuid>, a: &NewAction, actor: &Actor, at: OffsetDateTime) -> Result<CorrectiveAction> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let id = match id {
                Some(id) => {
                    let done = sqlx::query(
                        "UPDATE corrective_actions SET text = $3, owner = $4, due = $5, status = $6, updated_at = $7, updated_by = $8 WHERE id = $1 AND incident_id = $2",
                    )
                    .bind(id)
                    .bind(incident_id)
                    .bind(&a.text)
                    .bind(&a.owner)
                    .bind(a.due)
                    .bind(a.status.as_str())
                    .bind(at)
                    .bind(&actor.name)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(not_found("corrective action"));
                    }
                    id
                }
                None => {
                    let id = Uuid::new_v4();
                    sqlx::query(
                        "INSERT INTO corrective_actions (id, incident_id, text, owner, due, status, created_at, updated_at, updated_by)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)",
                    )
                    .bind(id)
                    .bind(incident_id)
                    .bind(&a.text)
                    .bind(&a.owner)
                    .bind(a.due)
                    .bind(a.status.as_str())
                    .bind(at)
                    .bind(&actor.name)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
            };
            let mut events = Vec::new();
            append_in_tx(&mut tx, &incident, actor, narrative::corrective_action(&a.text, &a.owner, a.status.da()), at, &mut events).await?;
            events.push(review_event(&incident, ReviewChange::Action));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(CorrectiveAction {
                id,
                incident_id,
                text: a.text.clone(),
                owner: a.owner.clone(),
                due: a.due,
                status: a.status,
                updated_at: at,
                updated_by: actor.name.clone(),
            })
        }
    }
}
