//! The shift plan, the members' bids and the awards.

use crate::backend::prelude::*;
use domain::event::StaffingChange;
use domain::shifts::{Commitment, Shift};

#[derive(sqlx::FromRow)]
struct ShiftRow {
    id: Uuid,
    start: OffsetDateTime,
    end_at: OffsetDateTime,
    agents: i64,
}

operations! {
    uses: incidents, log, events;

    helpers {
        pub(crate) async fn shifts_in(conn: &mut <Db as sqlx::Database>::Connection, incident_id: Uuid) -> Result<Vec<Shift>> {
            let rows: Vec<ShiftRow> =
                sqlx::query_as("SELECT id, start, end_at, agents FROM shifts WHERE incident_id = $1 ORDER BY start, id").bind(incident_id).fetch_all(&mut *conn).await?;
            let members: Vec<(Uuid, String, i64, i64, i64)> = sqlx::query_as(
                "SELECT m.shift_id, m.org, m.base, m.bid, m.awarded FROM shift_members m JOIN shifts s ON s.id = m.shift_id WHERE s.incident_id = $1 ORDER BY m.org",
            )
            .bind(incident_id)
            .fetch_all(&mut *conn)
            .await?;
            let count = |v: i64| u32::try_from(v).map_err(|_| corrupt(format!("a negative or huge count of agents: {v}")));
            rows.into_iter()
                .map(|r| {
                    let members: Vec<Commitment> = members
                        .iter()
                        .filter(|m| m.0 == r.id)
                        .map(|m| Ok(Commitment { org: m.1.clone(), base: count(m.2)?, bid: count(m.3)?, awarded: count(m.4)? }))
                        .collect::<Result<_>>()?;
                    let agents = count(r.agents)?;
                    let base: u32 = members.iter().map(|m| m.base).sum();
                    let open = agents.checked_sub(base).ok_or_else(|| corrupt(format!("shift {}: more base seats than agents", r.id)))?;
                    Ok(Shift { id: r.id, start: r.start, end: r.end_at, agents, base, open, members })
                })
                .collect()
        }
    }

    ops {
        /// Replaces the incident's shift plan (its shifts with each member's base seats, as computed by
        /// the caller). Refused once a member has bid: their offers must not vanish. Logged.
        pub write fn set_shift_plan(pool, incident_id: Uuid, shifts: &[Shift], base_share: f64, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let bids: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM shift_members m JOIN shifts s ON s.id = m.shift_id WHERE s.incident_id = $1 AND (m.bid > 0 OR m.awarded > 0)",
            )
            .bind(incident_id)
            .fetch_one(&mut *tx)
            .await?;
            if bids > 0 {
                return Err(conflict("members have bid on the current shift plan; their offers would be lost, so the plan cannot be replaced"));
            }
            sqlx::query("DELETE FROM shift_members WHERE shift_id IN (SELECT id FROM shifts WHERE incident_id = $1)").bind(incident_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM shifts WHERE incident_id = $1").bind(incident_id).execute(&mut *tx).await?;
            for s in shifts {
                if s.members.iter().map(|m| m.base).sum::<u32>() != s.base || s.base + s.open != s.agents {
                    return Err(domain::DomainError::invalid("shifts", "a shift's base seats and its offer must add up to its agents").into());
                }
                sqlx::query("INSERT INTO shifts (id, incident_id, start, end_at, agents) VALUES ($1, $2, $3, $4, $5)")
                    .bind(s.id)
                    .bind(incident_id)
                    .bind(s.start)
                    .bind(s.end)
                    .bind(i64::from(s.agents))
                    .execute(&mut *tx)
                    .await?;
                for m in s.members.iter().filter(|m| m.base > 0) {
                    sqlx::query("INSERT INTO shift_members (shift_id, org, base, bid, awarded) VALUES ($1, $2, $3, 0, 0)")
                        .bind(s.id)
                        .bind(&m.org)
                        .bind(i64::from(m.base))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let agents: u32 = shifts.iter().map(|s| s.agents).sum();
            let open: u32 = shifts.iter().map(|s| s.open).sum();
            append_in_tx(&mut tx, &incident, actor, narrative::shift_plan(shifts.len(), agents, open, base_share), at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::StaffingChanged(StaffingChange::Shifts(shifts.len()))));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// In time order, each with its members' base seats, bids and awards.
        pub read fn shifts(pool, incident_id: Uuid) -> Result<Vec<Shift>> {
            shifts_in(&mut *pool.acquire().await?, incident_id).await
        }

        /// Member `org`'s offer for an open shift (0 withdraws it), checked against the seats offered;
        /// replaces its earlier bid.
        pub write fn bid(pool, incident_id: Uuid, bid: &domain::shifts::Bid, org: &str, actor: &Actor, at: OffsetDateTime) -> Result<Shift> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let all = shifts_in(&mut tx, incident_id).await?;
            let shift = all.iter().find(|s| s.id == bid.shift).ok_or_else(|| not_found("shift"))?;
            bid.check(shift)?;
            sqlx::query(
                "INSERT INTO shift_members (shift_id, org, base, bid, awarded, bid_by, bid_at) VALUES ($1, $2, 0, $3, 0, $4, $5)
                 ON CONFLICT (shift_id, org) DO UPDATE SET bid = excluded.bid, bid_by = excluded.bid_by, bid_at = excluded.bid_at",
            )
            .bind(bid.shift)
            .bind(org)
            .bind(i64::from(bid.agents))
            .bind(&actor.name)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            emit_all(&mut tx, vec![NewEvent::about(&incident, Event::StaffingChanged(StaffingChange::Bid(bid.shift)))], at).await?;
            let shift = shifts_in(&mut tx, incident_id).await?.into_iter().find(|s| s.id == bid.shift).ok_or_else(|| not_found("shift"))?;
            tx.commit().await?;
            Ok(shift)
        }

        /// Sets what each member was awarded (`(shift, org, agents)`, computed by the caller from the
        /// bids read in `expected`): refused if the bids changed meanwhile. Logged.
        pub write fn award_shifts(pool, incident_id: Uuid, expected: &[Shift], awards: &[(Uuid, String, u32)], actor: &Actor, at: OffsetDateTime) -> Result<Vec<Shift>> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            if shifts_in(&mut tx, incident_id).await? != expected {
                return Err(conflict("the bids changed while the awards were computed; award again"));
            }
            sqlx::query("UPDATE shift_members SET awarded = 0 WHERE shift_id IN (SELECT id FROM shifts WHERE incident_id = $1)").bind(incident_id).execute(&mut *tx).await?;
            for (shift, org, n) in awards.iter().filter(|a| a.2 > 0) {
                sqlx::query("UPDATE shift_members SET awarded = $3 WHERE shift_id = $1 AND org = $2").bind(shift).bind(org).bind(i64::from(*n)).execute(&mut *tx).await?;
            }
            let after = shifts_in(&mut tx, incident_id).await?;
            let awarded: u32 = after.iter().map(Shift::awarded).sum();
            let unfilled: u32 = after.iter().map(|s| s.open - s.awarded().min(s.open)).sum();
            let members = after.iter().flat_map(|s| s.members.iter().filter(|m| m.awarded > 0).map(|m| m.org.as_str())).collect::<std::collections::BTreeSet<_>>().len();
            append_in_tx(&mut tx, &incident, actor, narrative::shifts_awarded(awarded, members, unfilled), at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::StaffingChanged(StaffingChange::Awarded { awarded, unfilled })));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(after)
        }
    }
}
