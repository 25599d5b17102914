use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use domain::Permission;
use domain::calls::{CallInterval, StaffingSettings};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// `POST /api/v1/staffing/erlang`: the fields of `staffing::Load` and `staffing::Targets`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErlangRequest {
    calls: f64,
    interval_s: f64,
    aht_s: f64,
    target_answer_s: f64,
    target_service_level: f64,
    #[serde(default)]
    shrinkage: f64,
    #[serde(default = "one")]
    max_occupancy: f64,
    patience_s: Option<f64>,
    max_abandon: Option<f64>,
}

fn one() -> f64 {
    1.0
}

pub async fn erlang(ApiCaller(c): ApiCaller, Json(r): Json<ErlangRequest>) -> Result<Json<Value>, ApiError> {
    let load = ::staffing::Load { calls: r.calls, interval_s: r.interval_s, aht_s: r.aht_s };
    let targets = ::staffing::Targets {
        target_answer_s: r.target_answer_s,
        service_level: r.target_service_level,
        shrinkage: r.shrinkage,
        max_occupancy: r.max_occupancy,
        patience_s: r.patience_s,
        max_abandon: r.max_abandon,
    };
    Ok(Json(json!(app::staffing::erlang(&c.actor(), load, targets).await?)))
}

/// Intervals as `{"intervals": [...]}` or as a bare array.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum Intervals {
    Wrapped { intervals: Vec<CallInterval> },
    Bare(Vec<CallInterval>),
}

pub async fn record(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(b): Json<Intervals>,
) -> Result<Json<Value>, ApiError> {
    let intervals = match b {
        Intervals::Wrapped { intervals } | Intervals::Bare(intervals) => intervals,
    };
    Ok(Json(json!(s.app.record_calls(&c.actor(), id, intervals).await?)))
}

/// A contact-centre export as `text/csv`: the good rows are kept, the rest reported by line.
pub async fn import(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(json!(s.app.import_calls(&c.actor(), id, text).await?)))
}

pub async fn list(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    let intervals = s.app.call_intervals(&c.actor(), id).await?;
    let rows: Vec<Value> = intervals
        .iter()
        .map(|i| {
            let mut v = json!(i);
            v["service_level"] = json!(i.service_level());
            v["abandon_rate"] = json!(i.abandon_rate());
            v
        })
        .collect();
    Ok(Json(json!({ "intervals": rows })))
}

pub async fn overview(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    let mut o = json!(s.app.staffing_plan(&c.actor(), id).await?);
    o.as_object_mut().map(|m| m.remove("intervals"));
    Ok(Json(o))
}

pub async fn settings(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(b): Json<StaffingSettings>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.set_staffing_settings(&c.actor(), id, b).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    #[serde(with = "time::serde::rfc3339")]
    start: time::OffsetDateTime,
    calls: Option<f64>,
}

pub async fn set_override(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(b): Json<Override>,
) -> Result<Json<Value>, ApiError> {
    s.app.set_forecast_override(&c.actor(), id, b.start, b.calls).await?;
    Ok(Json(json!({ "start": domain::time::rfc3339(b.start), "calls": b.calls })))
}

pub async fn log(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<(StatusCode, Json<Value>), ApiError> {
    Ok((StatusCode::CREATED, Json(json!(s.app.log_staffing_recommendations(&c.actor(), id).await?))))
}
