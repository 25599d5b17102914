//! Call statistics, the staffing lead's targets and hand-set forecasts.

use crate::backend::prelude::*;
use domain::calls::{self, CallInterval, ForecastOverride, Rejected, StaffingSettings};
use domain::event::StaffingChange;

#[derive(sqlx::FromRow)]
struct CallRow {
    start: OffsetDateTime,
    length_s: i64,
    offered: i64,
    answered: i64,
    abandoned: i64,
    answered_within_target: i64,
    avg_handle_s: f64,
    avg_wait_s: f64,
}

/// What one delivery of call statistics did: intervals new, intervals replaced (same start),
/// and the rows of a file that were not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CallsReport {
    pub recorded: usize,
    pub replaced: usize,
    pub rejected: Vec<domain::calls::Rejected>,
}

operations! {
    uses: incidents, log, events;

    helpers {
        pub(crate) async fn call_intervals_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, incident_id: Uuid) -> Result<Vec<CallInterval>> {
            let rows: Vec<CallRow> = sqlx::query_as(
                "SELECT start, length_s, offered, answered, abandoned, answered_within_target, avg_handle_s, avg_wait_s
                 FROM call_intervals WHERE incident_id = $1 ORDER BY start",
            )
            .bind(incident_id)
            .fetch_all(ex)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| CallInterval {
                    start: r.start,
                    length_s: r.length_s,
                    offered: r.offered,
                    answered: r.answered,
                    abandoned: r.abandoned,
                    answered_within_target: r.answered_within_target,
                    avg_handle_s: r.avg_handle_s,
                    avg_wait_s: r.avg_wait_s,
                })
                .collect())
        }
    }

    ops {
        /// Records call statistics in one transaction: `Ok` rows replace those with the same start.
        /// `strict` (an API request): any problem refuses the whole request. Otherwise (a file): broken
        /// or overlapping rows are rejected one by one, with `rejected` from parsing added to the report.
        write fn keep_calls(pool, incident_id: Uuid, rows: Vec<(usize, CallInterval)>, strict: bool, rejected: Vec<Rejected>, at: OffsetDateTime) -> Result<CallsReport> {
            let mut rejected = rejected;
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let existing = call_intervals_in(&mut *tx, incident_id).await?;
            let kept = if strict {
                calls::check_strict(rows.into_iter().map(|(_, c)| c).collect(), &existing)?
            } else {
                let (kept, more) = calls::check_lenient(rows, &existing);
                rejected.extend(more);
                rejected.sort_by_key(|r| r.line);
                kept
            };
            let replaced = kept.iter().filter(|c| existing.iter().any(|e| e.start == c.start)).count();
            for c in &kept {
                sqlx::query(
                    "INSERT INTO call_intervals (incident_id, start, length_s, offered, answered, abandoned, answered_within_target, avg_handle_s, avg_wait_s)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                     ON CONFLICT (incident_id, start) DO UPDATE SET length_s = excluded.length_s, offered = excluded.offered,
                         answered = excluded.answered, abandoned = excluded.abandoned, answered_within_target = excluded.answered_within_target,
                         avg_handle_s = excluded.avg_handle_s, avg_wait_s = excluded.avg_wait_s",
                )
                .bind(incident_id)
                .bind(c.start)
                .bind(c.length_s)
                .bind(c.offered)
                .bind(c.answered)
                .bind(c.abandoned)
                .bind(c.answered_within_target)
                .bind(c.avg_handle_s)
                .bind(c.avg_wait_s)
                .execute(&mut *tx)
                .await?;
            }
            let report = CallsReport { recorded: kept.len() - replaced, replaced, rejected };
            if !kept.is_empty() {
                let event = Event::CallsRecorded { recorded: report.recorded, replaced: report.replaced };
                emit_all(&mut tx, vec![NewEvent::about(&incident, event)], at).await?;
            }
            tx.commit().await?;
            Ok(report)
        }

        /// Oldest first.
        pub read fn call_intervals(pool, incident_id: Uuid) -> Result<Vec<CallInterval>> {
            call_intervals_in(pool, incident_id).await
        }

        /// The defaults until the staffing lead sets them.
        pub read fn staffing_settings(pool, incident_id: Uuid) -> Result<StaffingSettings> {
            let raw: Option<String> =
                sqlx::query_scalar("SELECT settings FROM staffing_settings WHERE incident_id = $1").bind(incident_id).fetch_optional(pool).await?;
            raw.map_or_else(|| Ok(StaffingSettings::default()), |r| serde_json::from_str(&r).map_err(corrupt))
        }

        /// `settings` must have passed the staffing crate's checks. Logged as a staffing decision.
        pub write fn set_staffing_settings(pool, incident_id: Uuid, settings: &StaffingSettings, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            sqlx::query("INSERT INTO staffing_settings (incident_id, settings) VALUES ($1, $2) ON CONFLICT (incident_id) DO UPDATE SET settings = excluded.settings")
                .bind(incident_id)
                .bind(serde_json::to_string(settings).map_err(corrupt)?)
                .execute(&mut *tx)
                .await?;
            append_in_tx(&mut tx, &incident, actor, narrative::staffing_settings(settings), at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::StaffingChanged(StaffingChange::Settings(settings.clone()))));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(())
        }

        pub read fn forecast_overrides(pool, incident_id: Uuid) -> Result<Vec<ForecastOverride>> {
            let rows: Vec<(OffsetDateTime, f64)> =
                sqlx::query_as("SELECT start, calls FROM forecast_overrides WHERE incident_id = $1 ORDER BY start").bind(incident_id).fetch_all(pool).await?;
            Ok(rows.into_iter().map(|(start, calls)| ForecastOverride { start, calls }).collect())
        }

        /// Sets (`Some`) or removes (`None`) the staffing lead's own figure for an interval. Logged.
        pub write fn set_forecast_override(pool, incident_id: Uuid, start: OffsetDateTime, calls: Option<f64>, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            if !domain::time::plausible(start) {
                return Err(domain::DomainError::invalid("start", "must be a time in the years 2000–2099").into());
            }
            let start = domain::time::truncate(start);
            if let Some(c) = calls {
                ForecastOverride { start, calls: c }.check()?;
            }
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            sqlx::query("DELETE FROM forecast_overrides WHERE incident_id = $1 AND start = $2").bind(incident_id).bind(start).execute(&mut *tx).await?;
            if let Some(c) = calls {
                sqlx::query("INSERT INTO forecast_overrides (incident_id, start, calls) VALUES ($1, $2, $3)")
                    .bind(incident_id)
                    .bind(start)
                    .bind(c)
                    .execute(&mut *tx)
                    .await?;
            }
            append_in_tx(&mut tx, &incident, actor, narrative::forecast_override(start, calls), at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::StaffingChanged(StaffingChange::Override { start, calls })));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(())
        }
    }
}

impl crate::Store {
    /// Call statistics, all or nothing (an API request): every interval valid, in time order and
    /// overlapping nothing already recorded; a same start replaces.
    pub async fn record_calls(&self, incident_id: Uuid, intervals: Vec<CallInterval>, at: OffsetDateTime) -> Result<CallsReport> {
        let rows = intervals.into_iter().enumerate().collect();
        self.keep_calls(incident_id, rows, true, Vec::new(), at).await
    }

    /// A contact-centre file's rows (with their line numbers): the good ones kept in one
    /// transaction, the others in the report with `rejected` (from parsing).
    pub async fn import_calls(
        &self,
        incident_id: Uuid,
        rows: Vec<(usize, CallInterval)>,
        rejected: Vec<Rejected>,
        at: OffsetDateTime,
    ) -> Result<CallsReport> {
        self.keep_calls(incident_id, rows, false, rejected, at).await
    }
}
