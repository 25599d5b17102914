//! What the KPIs are computed from: one incident's record read in one go (its times, guide
//! versions, acknowledgements, checklist, calls, inquiries, callbacks, feedback and shift plan),
//! and the secretariat's targets.

use crate::backend::prelude::*;
use domain::event::AdminChange;
use domain::kpi::{Published, Record, Targets};

#[derive(sqlx::FromRow)]
struct TimesRow {
    created_at: OffsetDateTime,
    activated_at: Option<OffsetDateTime>,
    standing_down_at: Option<OffsetDateTime>,
    closed_at: Option<OffsetDateTime>,
}

operations! {
    uses: events, staffing, checklists, shifts;

    ops {
        /// The record of one incident, as the KPIs read it at `now`.
        pub read fn kpi_record(pool, incident_id: Uuid, now: OffsetDateTime) -> Result<Record> {
            let times: Option<TimesRow> = sqlx::query_as("SELECT created_at, activated_at, standing_down_at, closed_at FROM incidents WHERE id = $1")
                .bind(incident_id)
                .fetch_optional(pool)
                .await?;
            let times = times.ok_or_else(|| not_found("incident"))?;
            let versions: Vec<(OffsetDateTime, String)> =
                sqlx::query_as("SELECT published_at, content FROM guide_versions WHERE incident_id = $1 ORDER BY version").bind(incident_id).fetch_all(pool).await?;
            let guides = versions
                .iter()
                .map(|(at, content)| {
                    let g: domain::guide::Guide = serde_json::from_str(content).map_err(corrupt)?;
                    Ok(Published { at: *at, next_update_at: g.next_update_at })
                })
                .collect::<Result<Vec<_>>>()?;
            let roles_acknowledged: Vec<OffsetDateTime> = sqlx::query_scalar(
                "SELECT MIN(a.at) FROM callout_acks a JOIN callouts c ON c.id = a.callout_id
                 WHERE c.incident_id = $1 AND a.role <> 'shift_contact' GROUP BY a.role",
            )
            .bind(incident_id)
            .fetch_all(pool)
            .await?;
            let inquiries: Vec<(Option<String>, String)> =
                sqlx::query_as("SELECT situation, text FROM inquiries WHERE incident_id = $1").bind(incident_id).fetch_all(pool).await?;
            let chat_answered: Option<i64> =
                sqlx::query_scalar("SELECT CAST(SUM(answered) AS BIGINT) FROM chat_answers WHERE incident_id = $1").bind(incident_id).fetch_one(pool).await?;
            let callbacks: Vec<(OffsetDateTime, Option<OffsetDateTime>)> = sqlx::query_as(
                "SELECT c.created_at, MIN(o.sent_at) FROM callback_requests c LEFT JOIN outbox o ON o.callback_id = c.id
                 WHERE c.incident_id = $1 GROUP BY c.id, c.created_at",
            )
            .bind(incident_id)
            .fetch_all(pool)
            .await?;
            let feedback: Vec<(OffsetDateTime, Option<OffsetDateTime>)> =
                sqlx::query_as("SELECT created_at, resolved_at FROM feedback WHERE incident_id = $1").bind(incident_id).fetch_all(pool).await?;
            let items = checklist_in(pool, incident_id).await?;
            let mut conn = pool.acquire().await?;
            let shifts = shifts_in(&mut conn, incident_id).await?;
            let names: Vec<(String, String)> = sqlx::query_as("SELECT code, name FROM organisations").fetch_all(&mut *conn).await?;
            let name = |code: &str| names.iter().find(|(c, _)| c == code).map_or(code.to_string(), |(_, n)| n.clone());
            let agent_seconds = domain::kpi::agent_seconds(&shifts, name);
            let (agents, handed_over) = domain::kpi::split_inquiries(inquiries);
            Ok(Record {
                created_at: Some(times.created_at),
                activated_at: times.activated_at,
                ended_at: times.standing_down_at.or(times.closed_at),
                now: Some(now),
                guides,
                roles_acknowledged,
                ivr_routed_at: domain::checklist::ivr_routed_at(&items),
                calls: call_intervals_in(pool, incident_id).await?,
                inquiries: agents,
                chat_answered: chat_answered.unwrap_or(0),
                chat_handed_over: handed_over,
                callbacks,
                feedback,
                agent_seconds,
            })
        }

        /// The secretariat's targets (the defaults until it sets them).
        pub read fn kpi_targets(pool) -> Result<Targets> {
            let row: Option<String> = sqlx::query_scalar("SELECT targets FROM kpi_targets WHERE id = 1").fetch_optional(pool).await?;
            row.map_or(Ok(Targets::default()), |s| serde_json::from_str(&s).map_err(corrupt))
        }

        /// Sets the targets (checked by `Targets::validate`), with the trail's entry.
        pub write fn set_kpi_targets(pool, t: &Targets, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO kpi_targets (id, targets, updated_at, updated_by) VALUES (1, $1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET targets = excluded.targets, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(serde_json::to_string(t).map_err(corrupt)?)
            .bind(at)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            admin_event(&mut tx, AdminChange::KpiTargets, by, at).await?;
            tx.commit().await?;
            Ok(())
        }
    }
}
