//! Scenarios and exercises: the secretariat's scenarios, each exercise's clock, its injects
//! (delivered with their log entry and messages in one transaction), parts and observations.

use crate::backend::prelude::*;
use domain::event::{AdminChange, ExerciseChange};
use domain::exercise::clock::MAX_SPEED;
use domain::exercise::run::{self, Exercise, InjectState, Observation, Part, Participant};
use domain::exercise::{Clock, ClockAction, Inject, NewObservation, Scenario};
use domain::incident::{Incident, NewIncident};
use domain::user::Person;

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(corrupt)
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(corrupt)
}

fn exercise_event(incident: &Incident, what: ExerciseChange) -> NewEvent {
    NewEvent::about(incident, Event::ExerciseChanged { incident_id: incident.id, what })
}

#[derive(sqlx::FromRow)]
struct ExerciseRow {
    incident_id: Uuid,
    scenario: String,
    clock_ms: i64,
    clock_since: OffsetDateTime,
    speed: i64,
    running: bool,
    started_at: OffsetDateTime,
    started_by: String,
    archived_at: Option<OffsetDateTime>,
}

impl ExerciseRow {
    fn clock(&self) -> Clock {
        Clock {
            scenario_ms: self.clock_ms,
            since: self.clock_since,
            speed: self.speed.clamp(1, i64::from(MAX_SPEED)) as u32,
            running: self.running,
        }
    }
}

#[derive(sqlx::FromRow)]
struct InjectRow {
    at_s: Option<i64>,
    inject: String,
    delivered_at: Option<OffsetDateTime>,
    delivered_s: Option<i64>,
    delivered_by: Option<String>,
}

impl InjectRow {
    fn into_domain(self) -> Result<InjectState> {
        let inject: Inject = from_json(&self.inject)?;
        Ok(InjectState {
            inject,
            at_s: self.at_s,
            delivered_at: self.delivered_at,
            delivered_s: self.delivered_s,
            delivered_by: self.delivered_by,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PartRow {
    id: Uuid,
    name: String,
    email: String,
    org: String,
    role: String,
    part: String,
}

#[derive(sqlx::FromRow)]
struct ObservationRow {
    id: Uuid,
    inject: Option<i64>,
    objective: String,
    rating: String,
    text: String,
    author_name: String,
    at: OffsetDateTime,
}

/// A running exercise as the clock job needs it: its clock and its next timed inject's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Running {
    pub incident_id: Uuid,
    pub clock: Clock,
    pub next_at_s: Option<i64>,
    /// Scenario seconds up to which the synthetic load has been made.
    pub load_s: i64,
    pub started_at: OffsetDateTime,
    /// The exercise incident is active or standing down: its synthetic citizens ask about it.
    pub live: bool,
}

macro_rules! exercise_select {
    () => {
        "SELECT incident_id, scenario, clock_ms, clock_since, speed, running, started_at, started_by, archived_at FROM exercises WHERE incident_id = $1"
    };
}

operations! {
    uses: incidents, log, events, roles, contacts, outbox, guides;

    helpers {
        async fn parts_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, incident_id: Uuid) -> Result<Vec<Participant>> {
            let rows: Vec<PartRow> = sqlx::query_as(
                "SELECT u.id, u.name, u.email, u.org, u.role, x.part FROM exercise_parts x JOIN users u ON u.id = x.user_id
                 WHERE x.incident_id = $1 ORDER BY u.name, u.id",
            )
            .bind(incident_id)
            .fetch_all(ex)
            .await?;
            rows.into_iter()
                .map(|r| {
                    Ok(Participant {
                        person: Person { id: r.id, name: r.name, email: r.email, org: r.org },
                        role: r.role.parse().map_err(corrupt)?,
                        part: r.part.parse().map_err(corrupt)?,
                    })
                })
                .collect()
        }

        async fn injects_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, incident_id: Uuid) -> Result<Vec<InjectState>> {
            let rows: Vec<InjectRow> = sqlx::query_as(
                "SELECT at_s, inject, delivered_at, delivered_s, delivered_by FROM exercise_injects WHERE incident_id = $1
                 ORDER BY CASE WHEN at_s IS NULL THEN 1 ELSE 0 END, at_s, number",
            )
            .bind(incident_id)
            .fetch_all(ex)
            .await?;
            rows.into_iter().map(InjectRow::into_domain).collect()
        }

        async fn exercise_row_in(tx: &mut Tx, incident_id: Uuid) -> Result<ExerciseRow> {
            let row: Option<ExerciseRow> = sqlx::query_as(exercise_select!()).bind(incident_id).fetch_optional(&mut **tx).await?;
            row.ok_or_else(|| not_found("exercise"))
        }

        /// Delivers one inject of an incident locked by this transaction: its messages to each
        /// recipient on the inject's channel (the app when they have no method there), its log
        /// entry, and its event. Returns false when it had been delivered already.
        async fn deliver_in(tx: &mut Tx, incident: &Incident, state: &InjectState, scenario_s: i64, by: &Actor, at: OffsetDateTime, events: &mut Vec<NewEvent>) -> Result<bool> {
            let i = &state.inject;
            let claimed = sqlx::query(
                "UPDATE exercise_injects SET delivered_at = $3, delivered_s = $4, delivered_by = $5
                 WHERE incident_id = $1 AND number = $2 AND delivered_at IS NULL",
            )
            .bind(incident.id)
            .bind(i64::from(i.number))
            .bind(at)
            .bind(scenario_s)
            .bind(&by.name)
            .execute(&mut **tx)
            .await?;
            if claimed.rows_affected() == 0 {
                return Ok(false);
            }
            let roles = roles_in(&mut **tx, incident.id).await?;
            let parts = parts_in(&mut **tx, incident.id).await?;
            let people = run::recipients(&i.to, &roles, &parts);
            let mut in_app = Vec::new();
            if let Some(channel) = run::contact_channel(i.channel) {
                let stale = stale_after_in(&mut **tx).await?;
                let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
                let methods = methods_of(tx, &ids).await?;
                for p in &people {
                    let reach: Vec<_> = methods.get(&p.id).into_iter().flatten().filter(|m| m.channel == channel && m.reaches(at, stale)).collect();
                    if reach.is_empty() {
                        in_app.push(p.name.clone());
                    }
                    for m in reach {
                        enqueue(tx, &run::inject_message(incident.id, i, channel, &m.address), None, at).await?;
                    }
                }
            }
            let note = if in_app.is_empty() { String::new() } else { format!("(Vist i appen for {}: ingen bekræftet {} at sende til.)", in_app.join(", "), i.channel) };
            let names: Vec<String> = people.iter().map(|p| p.name.clone()).collect();
            append_in_tx(tx, incident, by, narrative::inject_delivered(i, &names, &note), at, events).await?;
            events.push(exercise_event(incident, ExerciseChange::Delivered { number: i.number }));
            Ok(true)
        }

        /// Delivers, in the caller's transaction, the timed injects due by scenario second
        /// `up_to_s` not yet delivered, or (with `number`) that one inject.
        async fn deliver_due_in(tx: &mut Tx, incident: &Incident, up_to_s: i64, number: Option<u32>, by: &Actor, at: OffsetDateTime, events: &mut Vec<NewEvent>) -> Result<Vec<u32>> {
            let incident_id = incident.id;
            let due: Vec<InjectState> = injects_in(&mut **tx, incident_id)
                .await?
                .into_iter()
                .filter(|i| i.delivered_at.is_none())
                .filter(|i| match number {
                    Some(n) => i.inject.number == n,
                    None => i.at_s.is_some_and(|s| s <= up_to_s),
                })
                .collect();
            if let Some(n) = number
                && due.is_empty()
            {
                let known: Option<i64> = sqlx::query_scalar("SELECT number FROM exercise_injects WHERE incident_id = $1 AND number = $2")
                    .bind(incident_id)
                    .bind(i64::from(n))
                    .fetch_optional(&mut **tx)
                    .await?;
                return Err(if known.is_some() { conflict(format!("inject {n} has been delivered already")) } else { not_found("inject") });
            }
            let mut delivered = Vec::new();
            for i in &due {
                if deliver_in(tx, incident, i, up_to_s, by, at, events).await? {
                    delivered.push(i.inject.number);
                }
            }
            Ok(delivered)
        }

        /// The scenario second of the next timed inject not yet delivered.
        async fn next_at_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, incident_id: Uuid) -> Result<Option<i64>> {
            Ok(sqlx::query_scalar("SELECT MIN(at_s) FROM exercise_injects WHERE incident_id = $1 AND delivered_at IS NULL")
                .bind(incident_id)
                .fetch_one(ex)
                .await?)
        }
    }

    ops {
        /// The secretariat's own scenarios, by title.
        pub read fn kept_scenarios(pool) -> Result<Vec<Scenario>> {
            let rows: Vec<String> = sqlx::query_scalar("SELECT body FROM scenarios ORDER BY title, id").fetch_all(pool).await?;
            rows.iter().map(|b| from_json(b)).collect()
        }

        pub read fn kept_scenario(pool, id: &str) -> Result<Option<Scenario>> {
            let row: Option<String> = sqlx::query_scalar("SELECT body FROM scenarios WHERE id = $1").bind(id).fetch_optional(pool).await?;
            row.as_deref().map(from_json).transpose()
        }

        /// Adds or replaces a scenario (checked by `NewScenario::validate`), with the trail's entry.
        pub write fn keep_scenario(pool, s: &Scenario, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO scenarios (id, title, body, created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(&s.id)
            .bind(&s.title)
            .bind(to_json(s)?)
            .bind(at)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            admin_event(&mut tx, AdminChange::ScenarioKept { id: s.id.clone() }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        pub write fn remove_scenario(pool, id: &str, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("DELETE FROM scenarios WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("scenario"));
            }
            admin_event(&mut tx, AdminChange::ScenarioRemoved { id: id.to_string() }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// Starts an exercise of `scenario`: its exercise incident (`n`, validated, marked as an
        /// exercise) staffed from the roster, the guide template as its draft, the clock at T+0
        /// paused, its injects, and `actor` as its controller, in one transaction.
        pub write fn start_exercise(pool, n: &NewIncident, scenario: &Scenario, speed: u32, actor: &Actor, at: OffsetDateTime) -> Result<Incident> {
            if !n.exercise {
                return Err(conflict("an exercise runs on an exercise incident"));
            }
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = create_in(&mut tx, n, actor, at, &mut events).await?;
            let clock = Clock::new(speed, at);
            sqlx::query(
                "INSERT INTO exercises (incident_id, scenario_id, scenario, clock_ms, clock_since, speed, running, started_at, started_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $5, $8)",
            )
            .bind(incident.id)
            .bind(&scenario.id)
            .bind(to_json(scenario)?)
            .bind(clock.scenario_ms)
            .bind(at)
            .bind(i64::from(clock.speed))
            .bind(clock.running)
            .bind(&actor.name)
            .execute(&mut *tx)
            .await?;
            for i in &scenario.injects {
                sqlx::query("INSERT INTO exercise_injects (incident_id, number, at_s, inject) VALUES ($1, $2, $3, $4)")
                    .bind(incident.id)
                    .bind(i64::from(i.number))
                    .bind(i.at.offset())
                    .bind(to_json(i)?)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("INSERT INTO exercise_parts (incident_id, user_id, part) VALUES ($1, $2, $3)")
                .bind(incident.id)
                .bind(actor.user_id)
                .bind(Part::Controller.as_str())
                .execute(&mut *tx)
                .await?;
            save_draft_in(&mut tx, incident.id, &scenario.guide, actor, at).await?;
            events.push(exercise_event(&incident, ExerciseChange::Started));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(incident)
        }

        pub read fn exercise(pool, incident_id: Uuid) -> Result<Option<Exercise>> {
            let Some(row): Option<ExerciseRow> = sqlx::query_as(exercise_select!()).bind(incident_id).fetch_optional(pool).await? else { return Ok(None) };
            let observations: Vec<ObservationRow> = sqlx::query_as(
                "SELECT id, inject, objective, rating, text, author_name, at FROM exercise_observations WHERE incident_id = $1 ORDER BY at, id",
            )
            .bind(incident_id)
            .fetch_all(pool)
            .await?;
            let observations = observations
                .into_iter()
                .map(|o| {
                    Ok(Observation {
                        id: o.id,
                        inject: o.inject.map(|n| n as u32),
                        objective: o.objective,
                        rating: o.rating.parse().map_err(corrupt)?,
                        text: o.text,
                        author_name: o.author_name,
                        at: o.at,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Some(Exercise {
                incident_id: row.incident_id,
                scenario: from_json(&row.scenario)?,
                clock: row.clock(),
                injects: injects_in(pool, incident_id).await?,
                parts: parts_in(pool, incident_id).await?,
                observations,
                started_at: row.started_at,
                started_by: row.started_by,
                archived_at: row.archived_at,
            }))
        }

        /// Every exercise whose clock runs, with the time of its next undelivered timed inject.
        pub read fn running_exercises(pool) -> Result<Vec<Running>> {
            type Row = (Uuid, i64, OffsetDateTime, i64, Option<i64>, i64, OffsetDateTime, String);
            let rows: Vec<Row> = sqlx::query_as(
                "SELECT e.incident_id, e.clock_ms, e.clock_since, e.speed,
                        (SELECT MIN(i.at_s) FROM exercise_injects i WHERE i.incident_id = e.incident_id AND i.delivered_at IS NULL) AS next_at_s,
                        e.load_s, e.started_at, n.status
                 FROM exercises e JOIN incidents n ON n.id = e.incident_id WHERE e.running AND e.archived_at IS NULL",
            )
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(incident_id, ms, since, speed, next_at_s, load_s, started_at, status)| {
                    Ok(Running {
                        incident_id,
                        clock: Clock { scenario_ms: ms, since, speed: speed.clamp(1, i64::from(MAX_SPEED)) as u32, running: true },
                        next_at_s,
                        load_s,
                        started_at,
                        live: status.parse::<domain::incident::Status>().map_err(corrupt)?.is_live(),
                    })
                })
                .collect()
        }

        /// The scenario second of the exercise's next timed inject not yet delivered.
        pub read fn next_inject_s(pool, incident_id: Uuid) -> Result<Option<i64>> {
            next_at_in(pool, incident_id).await
        }

        /// Claims the stretch of scenario time `from_s..to_s` for the synthetic load: true for the
        /// one caller (of any node) that moved the mark, so that no stretch is made twice.
        pub write fn claim_load(pool, incident_id: Uuid, from_s: i64, to_s: i64) -> Result<bool> {
            let done = sqlx::query("UPDATE exercises SET load_s = $3 WHERE incident_id = $1 AND load_s = $2")
                .bind(incident_id)
                .bind(from_s)
                .bind(to_s)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        /// The scenario an exercise plays, as it was started.
        pub read fn exercise_scenario(pool, incident_id: Uuid) -> Result<Option<Scenario>> {
            let row: Option<String> = sqlx::query_scalar("SELECT scenario FROM exercises WHERE incident_id = $1").bind(incident_id).fetch_optional(pool).await?;
            row.as_deref().map(from_json).transpose()
        }

        /// Does the controller's `action` (and a new `speed`) to the clock as it is now, under the
        /// incident's lock, logged; a reset makes every inject due again; "next" delivers the
        /// inject it jumped to, in the same transaction.
        pub write fn control_clock(pool, incident_id: Uuid, action: ClockAction, speed: Option<u32>, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let row = exercise_row_in(&mut tx, incident_id).await?;
            if row.archived_at.is_some() {
                return Err(conflict("the exercise is archived"));
            }
            let next_at_s = next_at_in(&mut *tx, incident_id).await?;
            let (clock, what) = action.apply(row.clock(), speed, next_at_s, at)?;
            if action == ClockAction::Reset {
                sqlx::query("UPDATE exercise_injects SET delivered_at = NULL, delivered_s = NULL, delivered_by = NULL WHERE incident_id = $1")
                    .bind(incident_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE exercises SET load_s = 0 WHERE incident_id = $1").bind(incident_id).execute(&mut *tx).await?;
            }
            sqlx::query("UPDATE exercises SET clock_ms = $2, clock_since = $3, speed = $4, running = $5 WHERE incident_id = $1")
                .bind(incident_id)
                .bind(clock.scenario_ms)
                .bind(clock.since)
                .bind(i64::from(clock.speed))
                .bind(clock.running)
                .execute(&mut *tx)
                .await?;
            let mut events = Vec::new();
            append_in_tx(&mut tx, &incident, actor, narrative::exercise_clock(what, clock.seconds(at), clock.speed), at, &mut events).await?;
            events.push(exercise_event(&incident, ExerciseChange::Clock));
            if action == ClockAction::Next {
                deliver_due_in(&mut tx, &incident, clock.seconds(at), None, actor, at, &mut events).await?;
            }
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// Delivers the timed injects that are due on the exercise's clock as it is now (read
        /// under the incident's lock, so a reset or an archive meanwhile is seen), in their order;
        /// or (with `number`) that one inject, timed or manual. Returns the numbers delivered now.
        pub write fn deliver_injects(pool, incident_id: Uuid, number: Option<u32>, by: &Actor, at: OffsetDateTime) -> Result<Vec<u32>> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let row = exercise_row_in(&mut tx, incident_id).await?;
            match (row.archived_at, number) {
                (Some(_), Some(_)) => return Err(conflict("the exercise is archived")),
                (Some(_), None) => return Ok(Vec::new()),
                (None, _) => {}
            }
            let mut events = Vec::new();
            let delivered = deliver_due_in(&mut tx, &incident, row.clock().seconds(at), number, by, at, &mut events).await?;
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(delivered)
        }

        /// Replaces an inject not yet delivered (checked against the scenario by the caller), logged.
        pub write fn edit_inject(pool, incident_id: Uuid, inject: &Inject, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let done = sqlx::query("UPDATE exercise_injects SET at_s = $3, inject = $4 WHERE incident_id = $1 AND number = $2 AND delivered_at IS NULL")
                .bind(incident_id)
                .bind(i64::from(inject.number))
                .bind(inject.at.offset())
                .bind(to_json(inject)?)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(conflict(format!("inject {} is delivered already or is not in the exercise", inject.number)));
            }
            let mut events = Vec::new();
            append_in_tx(&mut tx, &incident, actor, narrative::inject_edited(inject), at, &mut events).await?;
            events.push(exercise_event(&incident, ExerciseChange::Edited { number: inject.number }));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// Names what `user` (called `name`) is in the exercise, replacing what they were; `None`
        /// takes them out. Logged: it changes who is sent injects.
        pub write fn set_exercise_part(pool, incident_id: Uuid, user: Uuid, name: &str, part: Option<Part>, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            exercise_row_in(&mut tx, incident_id).await?;
            sqlx::query("DELETE FROM exercise_parts WHERE incident_id = $1 AND user_id = $2").bind(incident_id).bind(user).execute(&mut *tx).await?;
            if let Some(part) = part {
                sqlx::query("INSERT INTO exercise_parts (incident_id, user_id, part) VALUES ($1, $2, $3)")
                    .bind(incident_id)
                    .bind(user)
                    .bind(part.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            let mut events = Vec::new();
            append_in_tx(&mut tx, &incident, actor, narrative::exercise_part(name, part), at, &mut events).await?;
            events.push(exercise_event(&incident, ExerciseChange::Parts));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// Archives an exercise: its clock stops for good, and what it holds about people is purged
        /// on the personal-data schedule ([`Store::purge_exercises`]).
        pub write fn archive_exercise(pool, incident_id: Uuid, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let row = exercise_row_in(&mut tx, incident_id).await?;
            if row.archived_at.is_some() {
                return Err(conflict("the exercise is archived already"));
            }
            let clock = row.clock().pause(at);
            sqlx::query("UPDATE exercises SET archived_at = $2, running = $3, clock_ms = $4, clock_since = $2 WHERE incident_id = $1")
                .bind(incident_id)
                .bind(at)
                .bind(false)
                .bind(clock.scenario_ms)
                .execute(&mut *tx)
                .await?;
            let mut events = Vec::new();
            append_in_tx(&mut tx, &incident, actor, narrative::exercise_archived(clock.scenario_ms / 1000), at, &mut events).await?;
            events.push(exercise_event(&incident, ExerciseChange::Archived));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// Deletes the observations and participants (and who delivered which inject: names of
        /// people) of every exercise archived
        /// more than `retention_days` before `now`. Returns how many rows went.
        pub write fn purge_exercises(pool, now: OffsetDateTime, retention_days: i64) -> Result<u64> {
            let before = now - time::Duration::days(retention_days);
            let mut tx = pool.begin().await?;
            let archived = "(SELECT incident_id FROM exercises WHERE archived_at < $1)";
            let observations = format!("DELETE FROM exercise_observations WHERE incident_id IN {archived}");
            let parts = format!("DELETE FROM exercise_parts WHERE incident_id IN {archived}");
            let mut gone = 0;
            for sql in [observations, parts] {
                gone += sqlx::query(sqlx::AssertSqlSafe(sql)).bind(before).execute(&mut *tx).await?.rows_affected();
            }
            // Who delivered an inject by hand is a name too.
            let delivered_by = format!("UPDATE exercise_injects SET delivered_by = NULL WHERE delivered_by IS NOT NULL AND incident_id IN {archived}");
            sqlx::query(sqlx::AssertSqlSafe(delivered_by)).bind(before).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(gone)
        }

        /// An evaluator's observation (validated against the scenario by the caller).
        pub write fn record_observation(pool, incident_id: Uuid, o: &NewObservation, actor: &Actor, at: OffsetDateTime) -> Result<Observation> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let id = Uuid::new_v4();
            sqlx::query(
                "INSERT INTO exercise_observations (id, incident_id, inject, objective, rating, text, author_id, author_name, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(incident_id)
            .bind(o.inject.map(i64::from))
            .bind(&o.objective)
            .bind(o.rating.as_str())
            .bind(&o.text)
            .bind(actor.user_id)
            .bind(&actor.name)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            emit_all(&mut tx, vec![exercise_event(&incident, ExerciseChange::Observed)], at).await?;
            tx.commit().await?;
            Ok(Observation { id, inject: o.inject, objective: o.objective.clone(), rating: o.rating, text: o.text.clone(), author_name: actor.name.clone(), at })
        }
    }
}
