use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, JsonOrList, Path};
use app::CallsReport;
use app::staffing::{Advice, PlannedInterval};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use domain::Permission;
use domain::Permission as P;
use domain::calls::{CallInterval, StaffingSettings};
use domain::log::LogEntry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /api/v1/staffing/erlang`: the fields of `staffing::Load` and `staffing::Targets`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErlangRequest {
    calls: f64,
    interval_s: f64,
    aht_s: f64,
    target_answer_s: f64,
    target_service_level: f64,
    #[serde(default)]
    #[schema(default = 0.0)]
    shrinkage: f64,
    #[serde(default = "one")]
    #[schema(default = 1.0)]
    max_occupancy: f64,
    /// Callers' mean patience: Erlang A.
    patience_s: Option<f64>,
    max_abandon: Option<f64>,
}

fn one() -> f64 {
    1.0
}

/// Erlang C (or Erlang A with patience): the fewest agents that meet every target
#[utoipa::path(post, path = "/api/v1/staffing/erlang", extensions(("x-permission" = json!(P::ViewStaffing))),
    responses((status = OK, body = ::staffing::Staffing)))]
pub async fn erlang(ApiCaller(c): ApiCaller, Json(r): Json<ErlangRequest>) -> Result<Json<::staffing::Staffing>, ApiError> {
    let load = ::staffing::Load { calls: r.calls, interval_s: r.interval_s, aht_s: r.aht_s };
    let targets = ::staffing::Targets {
        target_answer_s: r.target_answer_s,
        service_level: r.target_service_level,
        shrinkage: r.shrinkage,
        max_occupancy: r.max_occupancy,
        patience_s: r.patience_s,
        max_abandon: r.max_abandon,
    };
    Ok(Json(app::staffing::erlang(&c.actor(), load, targets).await?))
}

/// Intervals as `{"intervals": [...]}` or as a bare array.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[schema(as = CallIntervals)]
pub enum Intervals {
    Wrapped { intervals: Vec<CallInterval> },
    Bare(Vec<CallInterval>),
}

/// Record call statistics, all or nothing; an interval with the same start replaces the one recorded
#[utoipa::path(post, path = "/api/v1/incidents/{id}/call-stats", operation_id = "record_call_stats", request_body = Intervals,
    extensions(("x-permission" = json!(P::RecordCallStats))), responses((status = OK, body = CallsReport)))]
pub async fn record(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    JsonOrList(b): JsonOrList<Intervals>,
) -> Result<Json<CallsReport>, ApiError> {
    let intervals = match b {
        Intervals::Wrapped { intervals } | Intervals::Bare(intervals) => intervals,
    };
    Ok(Json(s.app.record_calls(&c.actor(), id, intervals).await?))
}

/// Import a contact-centre export (text/csv, `,` or `;`): good rows kept, the rest reported by line
#[utoipa::path(post, path = "/api/v1/incidents/{id}/call-stats/import", extensions(("x-permission" = json!(P::RecordCallStats))),
    request_body(content = String, content_type = "text/csv"), responses((status = OK, body = CallsReport)))]
pub async fn import(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<CallsReport>, ApiError> {
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv") || v.starts_with("text/plain"));
    let text = if csv {
        std::str::from_utf8(&body).map_err(|_| ApiError::bad_request("the file is not UTF-8 text; save it as CSV UTF-8"))
    } else {
        Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send the file with 'Content-Type: text/csv'"))
    };
    let text = match text {
        Ok(text) => text,
        // Whether the caller may deliver statistics at all is told before what is wrong with the file.
        Err(e) => return Err(s.app.incident(&c.actor(), id, Permission::RecordCallStats).await.err().map_or(e, ApiError::from)),
    };
    Ok(Json(s.app.import_calls(&c.actor(), id, text).await?))
}

/// An interval's statistics with its service level and abandonment rate.
#[derive(Serialize, ToSchema)]
pub struct IntervalStats {
    #[serde(flatten)]
    interval: CallInterval,
    service_level: Option<f64>,
    abandon_rate: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct CallStats {
    intervals: Vec<IntervalStats>,
}

/// Call statistics per interval, with service level and abandonment
#[utoipa::path(get, path = "/api/v1/incidents/{id}/call-stats", operation_id = "call_stats",
    extensions(("x-permission" = json!(P::ViewStaffing))), responses((status = OK, body = CallStats)))]
pub async fn list(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<CallStats>, ApiError> {
    let intervals = s.app.call_intervals(&c.actor(), id).await?;
    let intervals = intervals
        .into_iter()
        .map(|i| IntervalStats { service_level: i.service_level(), abandon_rate: i.abandon_rate(), interval: i })
        .collect();
    Ok(Json(CallStats { intervals }))
}

/// The staffing plan without the recorded intervals (those are at `call-stats`).
#[derive(Serialize, ToSchema)]
pub struct StaffingOverview {
    settings: StaffingSettings,
    /// The handling time the plan uses, and whether it comes from the calls.
    aht_s: f64,
    aht_from_calls: bool,
    plan: Vec<PlannedInterval>,
    recommendations: Vec<Advice>,
}

/// Forecast, required and rostered agents, gaps and recommendations
#[utoipa::path(get, path = "/api/v1/incidents/{id}/staffing", extensions(("x-permission" = json!(P::ViewStaffing))),
    responses((status = OK, body = StaffingOverview)))]
pub async fn overview(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<Json<StaffingOverview>, ApiError> {
    let o = s.app.staffing_plan(&c.actor(), id).await?;
    Ok(Json(StaffingOverview {
        settings: o.settings,
        aht_s: o.aht_s,
        aht_from_calls: o.aht_from_calls,
        plan: o.plan,
        recommendations: o.recommendations,
    }))
}

/// Set the staffing targets (logged)
#[utoipa::path(put, path = "/api/v1/incidents/{id}/staffing/settings", extensions(("x-permission" = json!(P::PlanStaffing))),
    responses((status = OK, body = StaffingSettings)))]
pub async fn settings(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(b): Json<StaffingSettings>,
) -> Result<Json<StaffingSettings>, ApiError> {
    Ok(Json(s.app.set_staffing_settings(&c.actor(), id, b).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ForecastOverrideRequest)]
pub struct Override {
    #[serde(with = "time::serde::rfc3339")]
    start: time::OffsetDateTime,
    /// `null`: back to the forecast.
    calls: Option<f64>,
}

/// The forecast of one interval as set.
#[derive(Serialize, ToSchema)]
pub struct OverrideSet {
    #[schema(format = DateTime)]
    start: String,
    calls: Option<f64>,
}

/// Set or clear the forecast of one interval (logged)
#[utoipa::path(put, path = "/api/v1/incidents/{id}/staffing/overrides", extensions(("x-permission" = json!(P::PlanStaffing))),
    responses((status = OK, body = OverrideSet)))]
pub async fn set_override(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(b): Json<Override>,
) -> Result<Json<OverrideSet>, ApiError> {
    s.app.set_forecast_override(&c.actor(), id, b.start, b.calls).await?;
    Ok(Json(OverrideSet { start: domain::time::rfc3339(b.start), calls: b.calls }))
}

/// Write the plan's recommendations into the log
#[utoipa::path(post, path = "/api/v1/incidents/{id}/staffing/log", operation_id = "log_staffing",
    extensions(("x-permission" = json!(P::PlanStaffing))), responses((status = CREATED, body = LogEntry)))]
pub async fn log(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<LogEntry>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.log_staffing_recommendations(&c.actor(), id).await?)))
}
