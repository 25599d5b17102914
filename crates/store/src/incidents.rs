//! Incidents: creating them, their lifecycle, and the lock every write to one takes.

use crate::backend::prelude::*;
use domain::checklist;
use domain::checklist::TemplateItem;
use domain::incident::{Incident, NewIncident, Status, Transition, channels_to_string};

macro_rules! incident_columns {
    () => {
        "id, title, kind, status, channels, exercise, created_at, activated_at, standing_down_at, closed_at, all_clear"
    };
}

operations! {
    uses: log, events, checklists, callouts;

    helpers {
        async fn affected_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, id: Uuid) -> Result<Vec<String>> {
            Ok(sqlx::query_scalar("SELECT org_code FROM incident_orgs WHERE incident_id = $1 ORDER BY org_code").bind(id).fetch_all(ex).await?)
        }

        /// Takes the incident's write lock for the rest of the transaction and returns its current state.
        /// The first statement is a write so that SQLite takes its write lock at once (no upgrade deadlock)
        /// and PostgreSQL locks the row.
        pub(crate) async fn lock_incident(tx: &mut Tx, id: Uuid, at: OffsetDateTime) -> Result<Incident> {
            let done = sqlx::query("UPDATE incidents SET updated_at = $2 WHERE id = $1").bind(id).bind(at).execute(&mut **tx).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("incident"));
            }
            let row: IncidentRow =
                sqlx::query_as(concat!("SELECT ", incident_columns!(), " FROM incidents WHERE id = $1")).bind(id).fetch_one(&mut **tx).await?;
            row.into_domain(affected_in(&mut **tx, id).await?)
        }

        /// Creates a prepared incident, staffed from the standing roster, in the caller's
        /// transaction. `n` must be validated.
        pub(crate) async fn create_in(tx: &mut Tx, n: &NewIncident, actor: &Actor, at: OffsetDateTime, events: &mut Vec<NewEvent>) -> Result<Incident> {
            let id = Uuid::new_v4();
            sqlx::query(
                "INSERT INTO incidents (id, title, kind, status, channels, exercise, created_at, created_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)",
            )
            .bind(id)
            .bind(&n.title)
            .bind(n.kind.as_str())
            .bind(Status::Prepared.as_str())
            .bind(channels_to_string(&n.channels))
            .bind(n.exercise)
            .bind(at)
            .bind(actor.user_id)
            .execute(&mut **tx)
            .await?;
            for code in &n.affected {
                sqlx::query("INSERT INTO incident_orgs (incident_id, org_code) VALUES ($1, $2)").bind(id).bind(code).execute(&mut **tx).await?;
            }
            // The standing roster pre-fills the incident's crisis staff; deactivated people are left out.
            sqlx::query(
                "INSERT INTO incident_roles (incident_id, role, primary_user, deputy_user)
                 SELECT $1, r.role, CASE WHEN p.active THEN r.primary_user END, CASE WHEN d.active THEN r.deputy_user END
                 FROM roster r LEFT JOIN users p ON p.id = r.primary_user LEFT JOIN users d ON d.id = r.deputy_user",
            )
            .bind(id)
            .execute(&mut **tx)
            .await?;
            let incident = Incident {
                id,
                title: n.title.clone(),
                kind: n.kind,
                status: Status::Prepared,
                affected: n.affected.clone(),
                channels: n.channels.clone(),
                exercise: n.exercise,
                created_at: at,
                activated_at: None,
                standing_down_at: None,
                closed_at: None,
                all_clear: None,
            };
            append_in_tx(tx, &incident, actor, narrative::created(&incident), at, events).await?;
            events.push(NewEvent::about(&incident, Event::IncidentCreated(incident.clone())));
            Ok(incident)
        }
    }

    ops {
        /// Creates a prepared incident, staffed from the standing roster. `n` must be validated.
        pub write fn create_incident(pool, n: &NewIncident, actor: &Actor, at: OffsetDateTime) -> Result<Incident> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = create_in(&mut tx, n, actor, at, &mut events).await?;
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(incident)
        }

        pub read fn incident(pool, id: Uuid) -> Result<Option<Incident>> {
            let row: Option<IncidentRow> =
                sqlx::query_as(concat!("SELECT ", incident_columns!(), " FROM incidents WHERE id = $1")).bind(id).fetch_optional(pool).await?;
            match row {
                Some(r) => Ok(Some(r.into_domain(affected_in(pool, id).await?)?)),
                None => Ok(None),
            }
        }

        /// All incidents, newest first; `status` filters when given.
        pub read fn incidents(pool, status: Option<Status>) -> Result<Vec<Incident>> {
            let filter = status.map(|s| s.as_str()).unwrap_or("");
            let rows: Vec<IncidentRow> = sqlx::query_as(concat!("SELECT ", incident_columns!(), " FROM incidents WHERE ($1 = '' OR status = $1) ORDER BY created_at DESC"))
            .bind(filter)
            .fetch_all(pool)
            .await?;
            let pairs: Vec<(Uuid, String)> = sqlx::query_as(
                "SELECT o.incident_id, o.org_code FROM incident_orgs o JOIN incidents i ON i.id = o.incident_id
                 WHERE ($1 = '' OR i.status = $1) ORDER BY o.org_code",
            )
            .bind(filter)
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let id = r.id;
                let affected = pairs.iter().filter(|(i, _)| *i == id).map(|(_, c)| c.clone()).collect();
                out.push(r.into_domain(affected)?);
            }
            Ok(out)
        }

        /// Moves an incident along its lifecycle; activation calls the crisis staff out and
        /// instantiates the checklist, closing keeps the all-clear and logs it with the step.
        pub write fn change_status(pool, id: Uuid, step: &Transition, actor: &Actor, at: OffsetDateTime) -> Result<Incident> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let mut incident = lock_incident(&mut tx, id, at).await?;
            let from = incident.status;
            let step = step.clone().check(from)?;
            let to = step.to;
            let sql = match to {
                Status::Active => "UPDATE incidents SET status = $2, activated_at = COALESCE(activated_at, $3) WHERE id = $1",
                Status::StandingDown => "UPDATE incidents SET status = $2, standing_down_at = $3 WHERE id = $1",
                Status::Closed => "UPDATE incidents SET status = $2, closed_at = $3, all_clear = $4 WHERE id = $1",
                Status::Prepared => unreachable!("no transition leads back to prepared"),
            };
            let update = sqlx::query(sql).bind(id).bind(to.as_str()).bind(at);
            let update = if to == Status::Closed { update.bind(&step.all_clear) } else { update };
            update.execute(&mut *tx).await?;
            incident.status = to;
            match to {
                Status::Active => incident.activated_at = incident.activated_at.or(Some(at)),
                Status::StandingDown => incident.standing_down_at = Some(at),
                _ => (incident.closed_at, incident.all_clear) = (Some(at), step.all_clear.clone()),
            }
            append_in_tx(&mut tx, &incident, actor, narrative::status_changed(from, to, step.note.as_deref()), at, &mut events).await?;
            if let Some(text) = &step.all_clear {
                append_in_tx(&mut tx, &incident, actor, narrative::all_clear(text), at, &mut events).await?;
            }
            // Activation calls the crisis staff out, in the same transaction: it cannot be lost.
            if from == Status::Prepared && to == Status::Active {
                start_in(&mut tx, &incident, "", actor, at, &mut events).await?;
            }
            let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checklist_items WHERE incident_id = $1").bind(id).fetch_one(&mut *tx).await?;
            if to.raises_checklist(existing) {
                let templates: Vec<TemplateItem> = checklist_templates_in(&mut *tx).await?.into_iter().map(|(_, t)| t).collect();
                add_items(&mut tx, id, &checklist::activation_items(&templates, &incident.affected), None).await?;
            }
            events.push(NewEvent::about(&incident, Event::IncidentStatus { id, from, status: to }));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(incident)
        }
    }
}
