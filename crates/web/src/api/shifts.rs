use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Permission as P;
use domain::shifts::{Bid, NewPlan, Shift};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct Shifts {
    shifts: Vec<Shift>,
}

/// Lay the shift plan: the base share by population (Sainte-Laguë), the rest offered (logged)
#[utoipa::path(post, path = "/api/v1/incidents/{id}/shifts/plan", extensions(("x-permission" = json!(P::PlanStaffing))),
    responses((status = CREATED, body = Shifts)))]
pub async fn plan(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(p): Json<NewPlan>,
) -> Result<(StatusCode, Json<Shifts>), ApiError> {
    Ok((StatusCode::CREATED, Json(Shifts { shifts: s.app.set_plan(&c.actor(), id, p).await? })))
}

/// The shift plan: base seats, bids and awards per member (a shift contact: its own)
#[utoipa::path(get, path = "/api/v1/incidents/{id}/shifts", operation_id = "shifts",
    extensions(("x-permission" = json!(P::ViewShifts))), responses((status = OK, body = Shifts)))]
pub async fn list(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Shifts>, ApiError> {
    Ok(Json(Shifts { shifts: s.app.shifts(&c.actor(), id).await? }))
}

/// A member's bid for an open shift (agents; 0 withdraws)
#[utoipa::path(post, path = "/api/v1/incidents/{id}/shifts/bids", extensions(("x-permission" = json!(P::BidForShifts))),
    responses((status = OK, body = Shift)))]
pub async fn bid(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(b): Json<Bid>,
) -> Result<Json<Shift>, ApiError> {
    Ok(Json(s.app.bid_for_shift(&c.actor(), id, b).await?))
}

/// Award the open seats from the bids, spread fairly (logged)
#[utoipa::path(post, path = "/api/v1/incidents/{id}/shifts/award", extensions(("x-permission" = json!(P::PlanStaffing))),
    responses((status = OK, body = Shifts)))]
pub async fn award(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Shifts>, ApiError> {
    Ok(Json(Shifts { shifts: s.app.award_shifts(&c.actor(), id).await? }))
}

/// A member's committed shifts as iCalendar (RFC 5545); {file} is {code}.ics
#[utoipa::path(get, path = "/api/v1/incidents/{id}/shifts/{file}", extensions(("x-permission" = json!(P::ViewShifts))),
    responses((status = OK, body = String, content_type = "text/calendar")))]
pub async fn ics(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path((id, file)): Path<(Uuid, String)>) -> Result<Response, ApiError> {
    let code = file.strip_suffix(".ics").ok_or_else(|| ApiError::not_found("calendar (ask for {code}.ics)"))?;
    let body = s.app.shifts_calendar(&c.actor(), id, code).await?;
    let name = format!("attachment; filename=\"kriseservice-vagter-{code}.ics\"");
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], body).into_response())
}

/// The shift plan as CSV
#[utoipa::path(get, path = "/api/v1/incidents/{id}/shifts.csv", operation_id = "shifts_csv",
    extensions(("x-permission" = json!(P::ViewShifts))), responses((status = OK, body = String, content_type = "text/csv")))]
pub async fn csv(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let all = s.app.shifts(&c.actor(), id).await?;
    let names: std::collections::HashMap<String, String> =
        s.app.public_organisations().await?.into_iter().map(|o| (o.code, o.name)).collect();
    let body = csv_of(&all, &|code| names.get(code).cloned().unwrap_or_default());
    let name = "attachment; filename=\"kriseservice-vagter.csv\"".to_string();
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], body).into_response())
}

/// One row per shift and member with a part in it.
pub fn csv_of(shifts: &[Shift], name: &dyn Fn(&str) -> String) -> String {
    let header = ["start", "end", "agents", "base", "open", "municipality_code", "municipality", "base_agents", "bid", "awarded"];
    let rows = shifts.iter().flat_map(|s| {
        s.members.iter().filter(|m| m.base + m.bid + m.awarded > 0).map(move |m| {
            vec![
                domain::time::format_local(s.start),
                domain::time::format_local(s.end),
                s.agents.to_string(),
                s.base.to_string(),
                s.open.to_string(),
                m.org.clone(),
                name(&m.org),
                m.base.to_string(),
                m.bid.to_string(),
                m.awarded.to_string(),
            ]
        })
    });
    crate::pages::csv(&header, rows)
}
