//! The economic model: tariff versions, the cost estimate, and the statements the secretariat
//! issues (JSON and CSV). Amounts are given in DKK (`*_dkk`) or in øre.

use super::file;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use app::billing::CostEstimate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::Permission as P;
use domain::economy::{OpeningHours, Ore, Statement, Tariff, dkk};
use domain::error::Problems;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A tariff as the API writes it: each amount in øre and in DKK.
#[derive(Serialize, ToSchema)]
pub struct TariffView {
    #[serde(with = "domain::time::date")]
    #[schema(value_type = String, format = Date)]
    valid_from: time::Date,
    activation_fee: Ore,
    activation_fee_dkk: f64,
    hour_rate: Ore,
    hour_rate_dkk: f64,
    outside_surcharge: Ore,
    outside_surcharge_dkk: f64,
    bid_compensation: Ore,
    bid_compensation_dkk: f64,
    opening_hours: OpeningHours,
}

impl From<Tariff> for TariffView {
    fn from(t: Tariff) -> Self {
        TariffView {
            valid_from: t.valid_from,
            activation_fee: t.activation_fee,
            activation_fee_dkk: dkk(t.activation_fee),
            hour_rate: t.hour_rate,
            hour_rate_dkk: dkk(t.hour_rate),
            outside_surcharge: t.outside_surcharge,
            outside_surcharge_dkk: dkk(t.outside_surcharge),
            bid_compensation: t.bid_compensation,
            bid_compensation_dkk: dkk(t.bid_compensation),
            opening_hours: t.opening_hours,
        }
    }
}

/// A new tariff version: each amount in øre (`hour_rate`) or in DKK (`hour_rate_dkk`), not both.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTariff {
    #[serde(with = "domain::time::date")]
    #[schema(value_type = String, format = Date)]
    valid_from: time::Date,
    activation_fee: Option<Ore>,
    activation_fee_dkk: Option<f64>,
    hour_rate: Option<Ore>,
    hour_rate_dkk: Option<f64>,
    outside_surcharge: Option<Ore>,
    outside_surcharge_dkk: Option<f64>,
    bid_compensation: Option<Ore>,
    bid_compensation_dkk: Option<f64>,
    /// 2027's (Monday–Thursday 8–18, Friday 8–16) unless given.
    opening_hours: Option<OpeningHours>,
}

impl NewTariff {
    fn into_tariff(self) -> Result<Tariff, domain::DomainError> {
        let mut p = Problems::default();
        let mut amount = |field: &str, ore: Option<Ore>, kroner: Option<f64>| match (ore, kroner) {
            (Some(o), None) => o,
            (None, Some(k)) => domain::economy::ore(k).unwrap_or_else(|| {
                p.add(&format!("{field}_dkk"), "an amount from 0 to 1,000,000 DKK");
                0
            }),
            (Some(_), Some(_)) => {
                p.add(field, format!("give {field} in øre or {field}_dkk in DKK, not both"));
                0
            }
            (None, None) => {
                p.add_coded(field, domain::error::code::REQUIRED, format!("is required: {field} in øre or {field}_dkk in DKK"));
                0
            }
        };
        let t = Tariff {
            valid_from: self.valid_from,
            activation_fee: amount("activation_fee", self.activation_fee, self.activation_fee_dkk),
            hour_rate: amount("hour_rate", self.hour_rate, self.hour_rate_dkk),
            outside_surcharge: amount("outside_surcharge", self.outside_surcharge, self.outside_surcharge_dkk),
            bid_compensation: amount("bid_compensation", self.bid_compensation, self.bid_compensation_dkk),
            opening_hours: self.opening_hours.unwrap_or_default(),
        };
        p.into_result()?;
        Ok(t)
    }
}

/// The tariff versions, newest first
#[utoipa::path(get, path = "/api/v1/tariffs", operation_id = "tariffs", extensions(("x-permission" = json!(P::ViewTariffs))),
    responses((status = OK, body = Vec<TariffView>)))]
pub async fn tariffs(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Json<Vec<TariffView>>, ApiError> {
    Ok(Json(s.app.tariffs(&c.actor()).await?.into_iter().map(TariffView::from).collect()))
}

/// Add a tariff version from a date on (an activation is billed by the tariff in force on its first day)
#[utoipa::path(post, path = "/api/v1/tariffs", operation_id = "add_tariff", extensions(("x-permission" = json!(P::KeepTariffs))),
    responses((status = CREATED, body = TariffView)))]
pub async fn add_tariff(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(n): Json<NewTariff>,
) -> Result<(StatusCode, Json<TariffView>), ApiError> {
    let actor = c.actor();
    // Whether the caller may keep tariffs is told before what is wrong with the body.
    actor.may(P::KeepTariffs).map_err(app::Error::from)?;
    let t = n.into_tariff().map_err(app::Error::from)?;
    Ok((StatusCode::CREATED, Json(s.app.add_tariff(&actor, t).await?.into())))
}

/// The incident's statements in the order issued (an authority editor sees its own authority's)
#[utoipa::path(get, path = "/api/v1/incidents/{id}/statements", operation_id = "statements", extensions(("x-permission" = json!(P::ViewStatements))),
    responses((status = OK, body = Vec<Statement>)))]
pub async fn statements(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<Statement>>, ApiError> {
    Ok(Json(s.app.statements(&c.actor(), id).await?))
}

/// Issue the statements: one per affected authority, and compensation for members awarded bid shifts; an unchanged statement is not issued again, a changed one is corrected by a new one. Answers the statements issued now
#[utoipa::path(post, path = "/api/v1/incidents/{id}/statements", operation_id = "issue_statements", extensions(("x-permission" = json!(P::IssueStatements))),
    responses((status = CREATED, body = Vec<Statement>), (status = OK, description = "nothing changed: none issued", body = Vec<Statement>)))]
pub async fn issue(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<Vec<Statement>>), ApiError> {
    let issued = s.app.issue_statements(&c.actor(), id).await?;
    Ok((if issued.is_empty() { StatusCode::OK } else { StatusCode::CREATED }, Json(issued)))
}

/// The statements as a spreadsheet, a row per line (CSV, UTF-8)
#[utoipa::path(get, path = "/api/v1/incidents/{id}/statements.csv", operation_id = "statements_csv", extensions(("x-permission" = json!(P::ViewStatements))),
    responses((status = OK, body = String, content_type = "text/csv")))]
pub async fn csv(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let actor = c.actor();
    let all = s.app.statements(&actor, id).await?;
    let orgs = s.app.public_organisations().await?;
    let name = |code: &str| orgs.iter().find(|o| o.code == code).map_or(code.to_string(), |o| o.name.clone());
    Ok(file("text/csv; charset=utf-8", &format!("afregning-{id}.csv"), domain::economy::statements_csv(&all, name)))
}

/// What the activation costs each affected authority so far, for the whole shift plan, and per further day (before VAT)
#[utoipa::path(get, path = "/api/v1/incidents/{id}/cost-estimate", operation_id = "cost_estimate", extensions(("x-permission" = json!(P::ViewStatements))),
    responses((status = OK, body = CostEstimate)))]
pub async fn estimate(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<CostEstimate>, ApiError> {
    Ok(Json(s.app.cost_estimate(&c.actor(), id).await?))
}
