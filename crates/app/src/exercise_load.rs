//! An exercise's synthetic citizens: the calls of each planning interval (run through the
//! staffing simulation with the agents on duty), chatbot questions sent to the real chatbot,
//! and inquiries and callback requests, each at the scenario's rate. Clearly synthetic: only
//! on an exercise incident, and the texts say so.

use crate::{App, Result, now};
use domain::Actor;
use domain::calls::{CallInterval, interval_start};
use domain::chat::ChatRequest;
use domain::exercise::load::{call_intervals, due, pick};
use domain::exercise::{MARK, Scenario};
use domain::inquiry::{NewCallback, NewInquiry};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The agents on the line when no shift plan covers an interval: a small base crew.
pub const BASE_AGENTS: u32 = 8;
/// How long a synthetic caller waits before hanging up, when the staffing settings name none.
const PATIENCE_S: f64 = 120.0;
/// At most this many chatbot questions, inquiries or callbacks per stretch: a paused server
/// catching up sends a burst, not a flood.
const BURST_MAX: u64 = 500;
/// Every sixth synthetic inquiry is one the guide does not cover.
const NOT_COVERED_EVERY: u64 = 6;

/// The scenarios of the running exercises, read once each.
#[derive(Default)]
pub(crate) struct Scenarios(Mutex<HashMap<Uuid, Arc<Scenario>>>);

impl App {
    pub(crate) async fn exercise_scenario_cached(&self, id: Uuid) -> Result<Option<Arc<Scenario>>> {
        if let Some(s) = self.exercise_scenarios.0.lock().expect("scenarios lock").get(&id) {
            return Ok(Some(s.clone()));
        }
        let Some(s) = self.store.exercise_scenario(id).await? else { return Ok(None) };
        let s = Arc::new(s);
        self.exercise_scenarios.0.lock().expect("scenarios lock").insert(id, s.clone());
        Ok(Some(s))
    }

    /// Makes the synthetic load of scenario seconds `from_s..to_s` of exercise `id`, which the
    /// caller has claimed. Synthetic time: T+0 is the planning interval the exercise started in.
    pub(crate) async fn synthetic_load(&self, id: Uuid, started_at: OffsetDateTime, from_s: i64, to_s: i64) -> Result<()> {
        let Some(scenario) = self.exercise_scenario_cached(id).await? else { return Ok(()) };
        let load = &scenario.load;
        let settings = self.store.staffing_settings(id).await?;
        let intervals = call_intervals(load, from_s, to_s, settings.interval_s);
        if !intervals.is_empty() {
            let t0 = interval_start(started_at, settings.interval_s);
            let shifts = self.store.shifts(id).await?;
            let rows = intervals
                .into_iter()
                .map(|(start_s, offered)| {
                    let start = t0 + Duration::seconds(start_s);
                    let on_duty = shifts.iter().filter(|s| s.start <= start && start < s.end).map(|s| s.agents).sum::<u32>();
                    simulated(
                        start,
                        settings.interval_s,
                        offered,
                        load.avg_handle_s,
                        if on_duty > 0 { on_duty } else { BASE_AGENTS },
                        &settings,
                    )
                })
                .collect();
            self.store.record_calls(id, rows, now()).await?;
        }
        let Some(incident) = self.store.incident(id).await? else { return Ok(()) };
        // Citizens ask about a crisis the service runs, from its published guide.
        let Some(version) = self.store.guide_version(id, None).await?.filter(|_| incident.status.is_live()) else { return Ok(()) };
        let places = &incident.affected;
        let first = |rate| due(rate, 0, from_s);
        for k in (0..due(load.questions_per_hour, from_s, to_s).min(BURST_MAX)).map(|k| k + first(load.questions_per_hour)) {
            let (Some(q), Some(m)) = (pick(&load.questions, k), pick(places, k)) else { break };
            let req = ChatRequest { message: q.clone(), municipality: Some(m.clone()), conversation: None, exercise: Some(id) };
            if let Err(e) = self.chat(None, req).await {
                tracing::debug!(error = %e, "a synthetic chatbot question was refused");
            }
        }
        let rows = version.guide.situations.len() as u64;
        for k in (0..due(load.inquiries_per_hour, from_s, to_s).min(BURST_MAX)).map(|k| k + first(load.inquiries_per_hour)) {
            let covered = rows > 0 && k % NOT_COVERED_EVERY != NOT_COVERED_EVERY - 1;
            let new = NewInquiry {
                version: version.version,
                situation: covered.then_some((k % rows) as usize),
                text: if covered { String::new() } else { format!("{MARK}: syntetisk henvendelse, ikke dækket af guiden") },
                municipality: pick(places, k).cloned().unwrap_or_default(),
            };
            self.store.record_inquiry(Uuid::new_v4(), id, new, now()).await?;
        }
        for k in (0..due(load.callbacks_per_hour, from_s, to_s).min(BURST_MAX)).map(|k| k + first(load.callbacks_per_hour)) {
            let new = NewCallback {
                name: format!("Øvelsesborger {}", k + 1),
                phone: SYNTHETIC_PHONE.into(),
                email: String::new(),
                reason: format!("{MARK}: syntetisk anmodning om at blive ringet op"),
                municipality: pick(places, k).cloned().unwrap_or_default(),
            };
            self.store.create_callback(Uuid::new_v4(), id, new.validate()?, &Actor::system(), now()).await?;
        }
        Ok(())
    }

    /// An archived exercise's scenario is no longer needed by the clock job.
    pub(crate) fn forget_exercise(&self, id: Uuid) {
        self.exercise_scenarios.0.lock().expect("scenarios lock").remove(&id);
    }
}

/// Danish subscriber numbers never start with 1: this one reaches nobody.
pub const SYNTHETIC_PHONE: &str = "11 11 11 11";

/// One interval's statistics as the queue simulation gives them for `agents` on the line.
fn simulated(
    start: OffsetDateTime,
    length_s: i64,
    offered: u32,
    aht_s: u32,
    agents: u32,
    settings: &domain::calls::StaffingSettings,
) -> CallInterval {
    let blank = CallInterval {
        start,
        length_s,
        offered: i64::from(offered),
        answered: 0,
        abandoned: 0,
        answered_within_target: 0,
        avg_handle_s: f64::from(aht_s),
        avg_wait_s: 0.0,
    };
    if offered == 0 {
        return blank;
    }
    let setup = staffing::simulate::Setup {
        agents,
        arrival_rate: f64::from(offered) / length_s as f64,
        aht_s: f64::from(aht_s),
        patience_s: Some(settings.patience_s.unwrap_or(PATIENCE_S)),
        target_answer_s: settings.target_answer_s,
        calls: u64::from(offered).clamp(400, 4000),
        seed: start.unix_timestamp() as u64,
    };
    let o = staffing::simulate::run(&setup);
    let of = f64::from(offered);
    let abandoned = (o.p_abandon.mean * of).round().clamp(0.0, of) as i64;
    let answered = i64::from(offered) - abandoned;
    let within = ((o.service_level.mean * of).round() as i64).clamp(0, answered);
    CallInterval { answered, abandoned, answered_within_target: within, avg_wait_s: o.asa_s.mean.max(0.0), ..blank }
}
