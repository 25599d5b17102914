//! The economic model's records: the secretariat's tariff versions and the statements issued
//! from an incident's shift plan, immutable once issued (a correction is a new statement).

use crate::backend::prelude::*;
use domain::economy::{self, Line, OpeningHours, Statement, Tariff};
use domain::event::{AdminChange, ReviewChange};
use time::Date;

#[derive(sqlx::FromRow)]
struct TariffRow {
    valid_from: Date,
    activation_fee: i64,
    hour_rate: i64,
    outside_surcharge: i64,
    bid_compensation: i64,
    opening_hours: String,
}

impl TariffRow {
    fn into_domain(self) -> Result<Tariff> {
        let opening_hours: OpeningHours = serde_json::from_str(&self.opening_hours).map_err(corrupt)?;
        Ok(Tariff {
            valid_from: self.valid_from,
            activation_fee: self.activation_fee,
            hour_rate: self.hour_rate,
            outside_surcharge: self.outside_surcharge,
            bid_compensation: self.bid_compensation,
            opening_hours,
        })
    }
}

#[derive(sqlx::FromRow)]
struct StatementRow {
    id: Uuid,
    number: i64,
    incident_id: Uuid,
    org: String,
    kind: String,
    tariff_from: Date,
    lines: String,
    total: i64,
    vat: i64,
    replaces: Option<Uuid>,
    issued_at: OffsetDateTime,
    issued_by: String,
}

impl StatementRow {
    fn into_domain(self) -> Result<Statement> {
        let lines: Vec<Line> = serde_json::from_str(&self.lines).map_err(corrupt)?;
        Ok(Statement {
            id: self.id,
            number: self.number,
            incident_id: self.incident_id,
            org: self.org,
            kind: self.kind.parse().map_err(corrupt)?,
            tariff_from: self.tariff_from,
            lines,
            total_ore: self.total,
            total_dkk: economy::dkk(self.total),
            vat_ore: self.vat,
            vat_dkk: economy::dkk(self.vat),
            replaces: self.replaces,
            issued_at: self.issued_at,
            issued_by: self.issued_by,
        })
    }
}

macro_rules! statement_columns {
    () => {
        "id, number, incident_id, org, kind, tariff_from, lines, total, vat, replaces, issued_at, issued_by"
    };
}

operations! {
    uses: incidents, log, events, shifts;

    helpers {
        async fn tariffs_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E) -> Result<Vec<Tariff>> {
            let rows: Vec<TariffRow> = sqlx::query_as(
                "SELECT valid_from, activation_fee, hour_rate, outside_surcharge, bid_compensation, opening_hours FROM tariffs ORDER BY valid_from DESC",
            )
            .fetch_all(ex)
            .await?;
            rows.into_iter().map(TariffRow::into_domain).collect()
        }

        async fn statements_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, incident_id: Uuid) -> Result<Vec<Statement>> {
            let rows: Vec<StatementRow> =
                sqlx::query_as(concat!("SELECT ", statement_columns!(), " FROM statements WHERE incident_id = $1 ORDER BY number"))
                    .bind(incident_id)
                    .fetch_all(ex)
                    .await?;
            rows.into_iter().map(StatementRow::into_domain).collect()
        }
    }

    ops {
        /// Every tariff version, newest first.
        pub read fn tariffs(pool) -> Result<Vec<Tariff>> {
            tariffs_in(pool).await
        }

        /// Adds a tariff version (checked by `Tariff::validate`); a date already taken is refused,
        /// as statements may have been issued by it.
        pub write fn add_tariff(pool, t: &Tariff, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO tariffs (valid_from, activation_fee, hour_rate, outside_surcharge, bid_compensation, opening_hours, created_at, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(t.valid_from)
            .bind(t.activation_fee)
            .bind(t.hour_rate)
            .bind(t.outside_surcharge)
            .bind(t.bid_compensation)
            .bind(serde_json::to_string(&t.opening_hours).map_err(corrupt)?)
            .bind(at)
            .bind(by)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique(e, "a tariff from that date exists: a new version takes a new valid_from date"))?;
            admin_event(&mut tx, AdminChange::TariffAdded { valid_from: t.valid_from }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// The incident's statements, in the order they were issued.
        pub read fn statements(pool, incident_id: Uuid) -> Result<Vec<Statement>> {
            statements_in(pool, incident_id).await
        }

        /// Issues the statements the incident's shift plan gives by the tariff in force on its
        /// first day: a new statement where there is none for the organisation yet, or where the
        /// figures changed since its last one (the new one replaces it). Logged. Returns the
        /// statements issued (none when nothing changed).
        pub write fn issue_statements(pool, incident_id: Uuid, actor: &Actor, at: OffsetDateTime) -> Result<Vec<Statement>> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            economy::check_billable(&incident)?;
            let day = economy::billing_day(&incident);
            let tariffs = tariffs_in(&mut *tx).await?;
            let tariff = Tariff::in_force(&tariffs, day)
                .ok_or_else(|| domain::DomainError::Conflict(format!("no tariff is in force on {day}: add one valid from that day or before")))?
                .clone();
            let members: Vec<(String, bool)> = sqlx::query_as(
                "SELECT o.code, o.member FROM incident_orgs i JOIN organisations o ON o.code = i.org_code WHERE i.incident_id = $1 ORDER BY o.code",
            )
            .bind(incident_id)
            .fetch_all(&mut *tx)
            .await?;
            let shifts = shifts_in(&mut tx, incident_id).await?;
            let mut drafts = economy::drafts(&tariff, &members, &shifts, incident.exercise);
            let earlier = statements_in(&mut *tx, incident_id).await?;
            // An organisation that no longer owes (or is owed) anything gets a statement of
            // nothing that replaces its last one: an issued statement is never just left standing.
            let mut seen: Vec<(&str, economy::StatementKind)> = Vec::new();
            for s in earlier.iter().rev() {
                if seen.contains(&(s.org.as_str(), s.kind)) {
                    continue;
                }
                seen.push((s.org.as_str(), s.kind));
                if !s.lines.is_empty() && !drafts.iter().any(|d| d.org == s.org && d.kind == s.kind) {
                    drafts.push(economy::Draft { org: s.org.clone(), kind: s.kind, lines: Vec::new() });
                }
            }
            let mut number: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) FROM statements").fetch_one(&mut *tx).await?;
            let mut issued = Vec::new();
            for d in drafts {
                let last = earlier.iter().rev().find(|s| s.org == d.org && s.kind == d.kind);
                if last.is_some_and(|s| s.lines == d.lines && s.tariff_from == tariff.valid_from) {
                    continue;
                }
                number += 1;
                let (total, vat) = economy::totals(&d.lines);
                let s = Statement {
                    id: Uuid::new_v4(),
                    number,
                    incident_id,
                    org: d.org,
                    kind: d.kind,
                    tariff_from: tariff.valid_from,
                    lines: d.lines,
                    total_ore: total,
                    total_dkk: economy::dkk(total),
                    vat_ore: vat,
                    vat_dkk: economy::dkk(vat),
                    replaces: last.map(|s| s.id),
                    issued_at: at,
                    issued_by: actor.name.clone(),
                };
                sqlx::query(concat!("INSERT INTO statements (", statement_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"))
                    .bind(s.id)
                    .bind(s.number)
                    .bind(incident_id)
                    .bind(&s.org)
                    .bind(s.kind.as_str())
                    .bind(s.tariff_from)
                    .bind(serde_json::to_string(&s.lines).map_err(corrupt)?)
                    .bind(total)
                    .bind(vat)
                    .bind(s.replaces)
                    .bind(at)
                    .bind(&s.issued_by)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| unique(e, "another statement was issued at the same moment: try again"))?;
                issued.push(s);
            }
            if !issued.is_empty() {
                let mut events = Vec::new();
                append_in_tx(&mut tx, &incident, actor, narrative::statements_issued(&issued), at, &mut events).await?;
                events.push(NewEvent::about(&incident, Event::ReviewChanged { incident_id, what: ReviewChange::StatementsIssued }));
                emit_all(&mut tx, events, at).await?;
            }
            tx.commit().await?;
            Ok(issued)
        }
    }
}
