//! Exercises: the scenarios the secretariat keeps, running one as an exercise incident, its
//! clock and injects, parts and observations, and the job that delivers injects on time.

use crate::{App, Error, Result, Shutdown, now};
use domain::error::{Problems, code};
use domain::exercise::{Exercise, NewInject, NewObservation, NewScenario, Observation, Part, Scenario, builtin};
use domain::incident::{Channel, Incident, NewIncident};
use domain::{Actor, DomainError, Permission};
use std::time::Duration;
use uuid::Uuid;

/// How often the clock job looks for due injects: an inject goes at most this late (at 60×, a
/// minute of scenario time).
pub const TICK: Duration = Duration::from_secs(1);
/// The most scenario time one tick makes synthetic load for: after a jump, the rest follows in
/// the next ticks instead of one long burst.
pub const LOAD_STRETCH_MAX_S: i64 = 2 * 3600;

/// A scenario and whether it comes with the program (then it cannot be changed, only copied).
#[derive(Debug, Clone)]
pub struct KeptScenario {
    pub scenario: Scenario,
    pub builtin: bool,
}

pub use domain::exercise::ClockAction;

impl App {
    pub async fn scenarios(&self, actor: &Actor) -> Result<Vec<KeptScenario>> {
        actor.may(Permission::ViewScenarios)?;
        let orgs = self.store.organisations().await?;
        let mut out: Vec<KeptScenario> = builtin::all(&orgs).into_iter().map(|scenario| KeptScenario { scenario, builtin: true }).collect();
        out.extend(self.store.kept_scenarios().await?.into_iter().map(|scenario| KeptScenario { scenario, builtin: false }));
        Ok(out)
    }

    pub async fn scenario(&self, actor: &Actor, id: &str) -> Result<KeptScenario> {
        actor.may(Permission::ViewScenarios)?;
        if builtin::is_builtin(id) {
            let orgs = self.store.organisations().await?;
            return Ok(KeptScenario { scenario: builtin::get(id, &orgs).expect("a built-in id"), builtin: true });
        }
        let scenario = self.store.kept_scenario(id).await?.ok_or_else(|| Error::not_found("scenario"))?;
        Ok(KeptScenario { scenario, builtin: false })
    }

    /// Adds or replaces one of the secretariat's scenarios; a built-in one's id is taken.
    pub async fn keep_scenario(&self, actor: &Actor, new: NewScenario) -> Result<Scenario> {
        actor.may(Permission::KeepScenarios)?;
        if builtin::is_builtin(new.id.trim()) {
            let message = format!("'{}' is a built-in scenario, which cannot be changed: give your copy another id", new.id.trim());
            return Err(DomainError::invalid_coded("id", code::DUPLICATE, message).into());
        }
        let scenario = new.validate(&self.store.organisations().await?)?;
        self.store.keep_scenario(&scenario, &actor.name, now()).await?;
        Ok(scenario)
    }

    /// Replaces the injects of one of the secretariat's scenarios with an MSEL spreadsheet's
    /// rows; the scenario is checked whole, every problem by its row.
    pub async fn import_msel(&self, actor: &Actor, id: &str, csv: &str) -> Result<Scenario> {
        actor.may(Permission::KeepScenarios)?;
        let kept = self.scenario(actor, id).await?;
        if kept.builtin {
            return Err(DomainError::Conflict(format!(
                "'{id}' is a built-in scenario, which cannot be changed: copy it under another id first"
            ))
            .into());
        }
        let mut written = kept.scenario.to_new();
        written.injects = domain::exercise::msel::injects_from_csv(csv)?;
        self.keep_scenario(actor, written).await
    }

    pub async fn remove_scenario(&self, actor: &Actor, id: &str) -> Result<()> {
        actor.may(Permission::KeepScenarios)?;
        if builtin::is_builtin(id) {
            return Err(DomainError::Conflict(format!("'{id}' is a built-in scenario and cannot be removed")).into());
        }
        Ok(self.store.remove_scenario(id, &actor.name, now()).await?)
    }

    /// Starts an exercise of scenario `id` at `speed`: an exercise incident with its own
    /// roster (the standing one, to change like any incident's), the guide template as its
    /// draft, the clock paused at T+0, and the caller as its controller.
    pub async fn run_scenario(&self, actor: &Actor, id: &str, speed: u32) -> Result<Incident> {
        actor.may(Permission::RunExercise)?;
        actor.may(Permission::CreateIncident)?;
        let speed = domain::exercise::clock::check_speed(speed)?;
        let scenario = self.scenario(actor, id).await?.scenario;
        let mut title = format!("{}: {}", domain::exercise::MARK, scenario.title);
        title = title.chars().take(domain::incident::TITLE_MAX).collect();
        let n = NewIncident {
            title,
            kind: scenario.kind,
            affected: scenario.affected.clone(),
            channels: vec![Channel::Phone, Channel::Chat, Channel::Voice],
            exercise: true,
        };
        let n = n.validate(&self.store.organisations().await?)?;
        Ok(self.store.start_exercise(&n, &scenario, speed, actor, now()).await?)
    }

    /// The exercise on incident `id`, for anyone who may see the incident and its exercise.
    pub async fn exercise(&self, actor: &Actor, id: Uuid) -> Result<Exercise> {
        Ok(self.whole_exercise(actor, id).await?.seen_by(actor))
    }

    /// The exercise with its whole script, for the checks of who may do what to it.
    async fn whole_exercise(&self, actor: &Actor, id: Uuid) -> Result<Exercise> {
        self.incident(actor, id, Permission::ViewExercise).await?;
        self.store.exercise(id).await?.ok_or_else(|| Error::not_found("exercise"))
    }

    /// The exercise, if `actor` runs it (see [`Exercise::check_controller`]).
    async fn controlled(&self, actor: &Actor, id: Uuid) -> Result<Exercise> {
        actor.may(Permission::RunExercise)?;
        let e = self.whole_exercise(actor, id).await?;
        e.check_controller(actor)?;
        Ok(e)
    }

    /// Plays, pauses, jumps to the next inject or resets the clock; `speed` changes its speed too.
    pub async fn control_exercise(&self, actor: &Actor, id: Uuid, action: ClockAction, speed: Option<u32>) -> Result<Exercise> {
        self.controlled(actor, id).await?;
        self.store.control_clock(id, action, speed, actor, now()).await?;
        if action == ClockAction::Next {
            self.outbox_wake.notify_one();
        }
        // The clock job plans its next look from the clock as it is now.
        self.exercise_wake.notify_one();
        self.exercise(actor, id).await
    }

    /// The controller delivers an inject by hand: a manual one, or a timed one ahead of its time.
    pub async fn deliver_inject(&self, actor: &Actor, id: Uuid, number: u32) -> Result<Exercise> {
        self.controlled(actor, id).await?;
        self.store.deliver_injects(id, Some(number), actor, now()).await?;
        self.outbox_wake.notify_one();
        self.exercise(actor, id).await
    }

    /// The controller changes an inject not yet delivered; it is checked as the scenario's.
    pub async fn edit_inject(&self, actor: &Actor, id: Uuid, inject: NewInject) -> Result<Exercise> {
        let e = self.controlled(actor, id).await?;
        let number = inject.number;
        if !e.injects.iter().any(|i| i.inject.number == number) {
            return Err(Error::not_found("inject"));
        }
        let mut written = e.scenario.to_new();
        written.injects = e.injects.iter().map(|i| if i.inject.number == number { inject.clone() } else { i.inject.to_new() }).collect();
        let checked = written.validate(&self.store.organisations().await?).map_err(inject_problems)?;
        let inject = checked.inject(number).expect("validated with it").clone();
        self.store.edit_inject(id, &inject, actor, now()).await?;
        self.exercise(actor, id).await
    }

    /// Names what a person is in the exercise (by e-mail); `None` takes them out.
    pub async fn set_exercise_part(&self, actor: &Actor, id: Uuid, email: &str, part: Option<Part>) -> Result<Exercise> {
        let e = self.controlled(actor, id).await?;
        let email = email.trim().to_lowercase();
        let Some((user, _)) = self.store.user_by_email(&email).await? else {
            let mut p = Problems::default();
            p.add_about("email", code::UNKNOWN_USER, &email, format!("no user with e-mail '{email}'"));
            return Err(p.into_error().into());
        };
        if user.id == actor.user_id && e.part_of(user.id) == Some(Part::Controller) && part != Some(Part::Controller) {
            return Err(DomainError::Conflict("the controller cannot step down: let the secretariat name another".into()).into());
        }
        let incident = self.store.incident(id).await?.ok_or_else(|| Error::not_found("incident"))?;
        if part.is_some() && (!user.active || !user.actor().sees(&incident.affected)) {
            let mut p = Problems::default();
            let why = if user.active {
                "cannot see this incident (an authority's editor takes part in its own incidents only)"
            } else {
                "is deactivated"
            };
            p.add_about("email", code::WRONG_ROLE, &email, format!("{email} {why}"));
            return Err(p.into_error().into());
        }
        self.store.set_exercise_part(id, user.id, &user.name, part, actor, now()).await?;
        self.exercise(actor, id).await
    }

    /// Archives the exercise: the clock stops for good; its observations and participants are
    /// purged on the personal-data schedule.
    pub async fn archive_exercise(&self, actor: &Actor, id: Uuid) -> Result<Exercise> {
        self.controlled(actor, id).await?;
        self.store.archive_exercise(id, actor, now()).await?;
        self.forget_exercise(id);
        self.exercise(actor, id).await
    }

    /// An evaluator's observation, about an inject and an objective.
    pub async fn observe(&self, actor: &Actor, id: Uuid, o: NewObservation) -> Result<Observation> {
        actor.may(Permission::ObserveExercise)?;
        let e = self.whole_exercise(actor, id).await?;
        e.check_evaluator(actor)?;
        let o = o.validate(&e.scenario)?;
        Ok(self.store.record_observation(id, &o, actor, now()).await?)
    }

    /// One tick of every running exercise: the injects that are due, the synthetic load up to
    /// now (never past the scenario's end, at most [`LOAD_STRETCH_MAX_S`] at a time), and the
    /// clock stopped once the scenario is over. One exercise's failure is logged and holds up no
    /// other. Returns how many injects went, and when the next one is due.
    pub async fn tick_exercises(&self) -> Result<(usize, Option<time::OffsetDateTime>)> {
        let mut sent = 0;
        let mut next: Option<time::OffsetDateTime> = None;
        for r in self.store.running_exercises().await? {
            match self.tick_exercise(&r).await {
                Ok((n, due)) => {
                    sent += n;
                    next = match (next, due) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                Err(e) => tracing::warn!(incident = %r.incident_id, error = %e, "an exercise's tick failed"),
            }
        }
        if sent > 0 {
            self.outbox_wake.notify_one();
        }
        Ok((sent, next))
    }

    async fn tick_exercise(&self, r: &store::Running) -> Result<(usize, Option<time::OffsetDateTime>)> {
        // Each exercise's own instant: a busy tick does not stamp the last ones early.
        let at = now();
        let t = r.clock.seconds(at);
        let sent = if r.next_at_s.is_some_and(|next| next <= t) {
            self.store.deliver_injects(r.incident_id, None, &Actor::system(), at).await?.len()
        } else {
            0
        };
        let Some(scenario) = self.exercise_scenario_cached(r.incident_id).await? else { return Ok((sent, None)) };
        let interval_s = self.store.staffing_settings(r.incident_id).await?.interval_s;
        let to = t.min(scenario.duration_s).min(r.load_s + LOAD_STRETCH_MAX_S);
        // Claimed first, so that no stretch is made twice (by this node or another): the
        // synthetic load is at most once, and a stretch that fails half-way is not made again.
        // A stretch with nothing in it is left to grow: no write for nothing.
        if to > r.load_s
            && domain::exercise::load::anything_due(&scenario.load, r.load_s, to, interval_s, r.live)
            && self.store.claim_load(r.incident_id, r.load_s, to).await?
        {
            self.synthetic_load(r.incident_id, r.started_at, r.load_s, to).await?;
        }
        // Over: every timed inject gone and the load made to the end. The clock stops (manual
        // injects may still be delivered) and leaves the job's list.
        if t >= scenario.duration_s && r.load_s >= scenario.duration_s && r.next_at_s.is_none() {
            self.store.control_clock(r.incident_id, ClockAction::Pause, None, &Actor::system(), at).await?;
            return Ok((sent, None));
        }
        // When the next timed inject falls due, or the next planning interval ends.
        let pending = if sent > 0 { self.store.next_inject_s(r.incident_id).await? } else { r.next_at_s };
        let due = [pending, Some((t / interval_s + 1) * interval_s)].into_iter().flatten().min();
        Ok((sent, due.and_then(|s| r.clock.wall_time_of(s * 1000))))
    }

    pub(crate) fn play_exercises_regularly(&self, shutdown: Shutdown) {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                let wake = match app.tick_exercises().await {
                    Ok((_, next)) => next,
                    Err(e) => {
                        tracing::warn!(error = %e, "exercise injects could not be delivered");
                        None
                    }
                };
                // Until the next inject is due (so it goes on time, not at the next whole tick), a
                // controller's action, or one tick at most.
                let wait = wake.map_or(TICK, |w| (w - now()).try_into().unwrap_or(Duration::ZERO).clamp(Duration::from_millis(2), TICK));
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = app.exercise_wake.notified() => {}
                    _ = shutdown.wait() => break,
                }
            }
        });
    }
}

/// An edited inject's problems by its own fields (`at`, not `injects[4].at`): the rest of the
/// scenario was checked when it was kept.
fn inject_problems(e: DomainError) -> DomainError {
    match e {
        DomainError::Invalid(fields) => DomainError::Invalid(
            fields
                .into_iter()
                .map(|mut f| {
                    if let Some((_, rest)) = f.field.strip_prefix("injects[").and_then(|r| r.split_once("].")) {
                        f.field = rest.to_string();
                    }
                    f
                })
                .collect(),
        ),
        other => other,
    }
}
