//! Call statistics, the Erlang calculator and the staffing plan for the crisis line.

use crate::CallsReport;
use crate::Error;
use crate::{App, Result, now};
use domain::calls::{self, CallInterval, StaffingSettings};
use domain::log::LogEntry;
use domain::{Actor, Permission};
use serde::Serialize;
use staffing::plan::{PlanInput, PlanRow, Recommendation};
use staffing::{Load, Staffing, StaffingError, Targets};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The intervals a plan looks ahead: eight hours of half hours.
pub const HORIZON: usize = 16;
/// Handling time to plan with before any call is answered.
const DEFAULT_AHT_S: f64 = 180.0;
/// A surplus is worth naming from this many agents.
const SPARE: i64 = 3;

/// The fewest agents that meet every target, by Erlang C (or Erlang A with a patience).
pub async fn erlang(actor: &Actor, load: Load, targets: Targets) -> Result<Staffing> {
    actor.may(Permission::ViewStaffing)?;
    off_the_request_threads(move || staffing::required(&load, &targets)).await
}

/// Erlang A can take a while for a large centre: the calculation runs on a blocking thread.
async fn off_the_request_threads<T: Send + 'static>(f: impl FnOnce() -> Result<T, StaffingError> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|_| Error::Internal("the staffing calculation failed"))?.map_err(Error::from)
}

impl App {
    pub async fn record_calls(&self, actor: &Actor, id: Uuid, intervals: Vec<CallInterval>) -> Result<CallsReport> {
        self.incident(actor, id, Permission::RecordCallStats).await?;
        Ok(self.store.record_calls(id, intervals, now()).await?)
    }

    /// A contact-centre export: the good rows are kept, the others reported.
    pub async fn import_calls(&self, actor: &Actor, id: Uuid, csv: &str) -> Result<CallsReport> {
        self.incident(actor, id, Permission::RecordCallStats).await?;
        let (rows, rejected) = calls::parse_csv(csv)?;
        Ok(self.store.import_calls(id, rows, rejected, now()).await?)
    }

    pub async fn call_intervals(&self, actor: &Actor, id: Uuid) -> Result<Vec<CallInterval>> {
        self.incident(actor, id, Permission::ViewStaffing).await?;
        Ok(self.store.call_intervals(id).await?)
    }
}

/// One interval of the plan, with its times.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlannedInterval {
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub end: OffsetDateTime,
    #[serde(flatten)]
    pub row: PlanRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Advice {
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    /// Positive: agents missing; negative: agents to spare.
    pub agents: i64,
    /// In Danish, as it goes in the log.
    pub text: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub settings: StaffingSettings,
    /// The handling time the plan uses, and whether it comes from the calls.
    pub aht_s: f64,
    pub aht_from_calls: bool,
    pub intervals: Vec<CallInterval>,
    pub plan: Vec<PlannedInterval>,
    pub recommendations: Vec<Advice>,
}

pub fn targets_of(s: &StaffingSettings) -> Targets {
    Targets {
        target_answer_s: s.target_answer_s,
        service_level: s.target_service_level,
        shrinkage: s.shrinkage,
        max_occupancy: s.max_occupancy,
        patience_s: s.patience_s,
        max_abandon: s.max_abandon,
    }
}

impl App {
    /// The calls so far, the forecast for the next [`HORIZON`] intervals with the staffing lead's
    /// own figures, the agents needed, and what to do about the gaps.
    pub async fn staffing_plan(&self, actor: &Actor, id: Uuid) -> Result<Overview> {
        self.incident(actor, id, Permission::ViewStaffing).await?;
        let settings = self.store.staffing_settings(id).await?;
        let intervals = self.store.call_intervals(id).await?;
        let overrides = self.store.forecast_overrides(id).await?;
        let step = settings.interval_s;
        let recent = calls::recent_aht(&intervals, 4);
        let aht_s = settings.aht_s.or(recent).unwrap_or(DEFAULT_AHT_S);
        // The plan starts now, or after the last figures if they run ahead of the clock.
        let current = calls::interval_start(now(), step);
        let (history, first, skip) = match calls::series(&intervals, step) {
            Some((start, calls)) => {
                let next = start + Duration::seconds(step * calls.len() as i64);
                // A fortnight of intervals at most: older figures say little about today anyway.
                let behind = ((current - next).whole_seconds() / step).clamp(0, 1344) as usize;
                (calls, next + Duration::seconds(step * behind as i64), behind)
            }
            None => (Vec::new(), current, 0),
        };
        let start_of = |i: usize| first + Duration::seconds(step * i as i64);
        let own: Vec<(usize, f64)> = overrides
            .iter()
            .filter_map(|o| {
                let k = (o.start - first).whole_seconds();
                (k >= 0 && k % step == 0 && ((k / step) as usize) < HORIZON).then(|| ((k / step) as usize, o.calls))
            })
            .collect();
        let shifts = self.store.shifts(id).await?;
        let rostered: Vec<u32> = (0..HORIZON).map(|i| domain::shifts::rostered(&shifts, start_of(i), start_of(i + 1))).collect();
        let targets = targets_of(&settings);
        let rows = off_the_request_threads(move || {
            let input = PlanInput {
                history: &history,
                skip,
                horizon: HORIZON,
                overrides: &own,
                rostered: &rostered,
                interval_s: step as f64,
                aht_s,
                targets,
            };
            staffing::plan::plan(&input)
        })
        .await?;
        let recommendations = staffing::plan::recommendations(&rows, SPARE)
            .into_iter()
            .map(|Recommendation { from, to, agents, least }| {
                let (from, to) = (start_of(from), start_of(to + 1));
                Advice { from, to, agents, text: domain::narrative::staffing_advice(from, to, least, agents) }
            })
            .collect();
        let plan = rows.into_iter().enumerate().map(|(i, row)| PlannedInterval { start: start_of(i), end: start_of(i + 1), row }).collect();
        Ok(Overview { aht_from_calls: settings.aht_s.is_none() && recent.is_some(), settings, aht_s, intervals, plan, recommendations })
    }

    pub async fn set_staffing_settings(&self, actor: &Actor, id: Uuid, s: StaffingSettings) -> Result<StaffingSettings> {
        self.incident(actor, id, Permission::PlanStaffing).await?;
        s.check_interval()?;
        targets_of(&s).check_for(s.interval_s as f64)?;
        if let Some(aht) = s.aht_s {
            Load { calls: 1.0, interval_s: s.interval_s as f64, aht_s: aht }.check()?;
        }
        self.store.set_staffing_settings(id, &s, actor, now()).await?;
        Ok(s)
    }

    /// Sets or removes the staffing lead's own figure for the interval from `start`.
    pub async fn set_forecast_override(&self, actor: &Actor, id: Uuid, start: OffsetDateTime, calls: Option<f64>) -> Result<()> {
        self.incident(actor, id, Permission::PlanStaffing).await?;
        calls::check_interval_start(start, self.store.staffing_settings(id).await?.interval_s)?;
        Ok(self.store.set_forecast_override(id, start, calls, actor, now()).await?)
    }

    /// Writes the plan's recommendations into the log as the staffing lead's decision.
    pub async fn log_staffing_recommendations(&self, actor: &Actor, id: Uuid) -> Result<LogEntry> {
        self.incident(actor, id, Permission::PlanStaffing).await?;
        let o = self.staffing_plan(actor, id).await?;
        let advice: Vec<&str> = o.recommendations.iter().map(|a| a.text.as_str()).collect();
        Ok(self.store.append_log(id, domain::narrative::staffing_recommendation(&advice), actor, now()).await?)
    }
}
