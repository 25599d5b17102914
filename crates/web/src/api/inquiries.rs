use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Permission as P;
use domain::inquiry::{Access, Aggregates, Callback, Inquiry, NewCallback, NewInquiry};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Record what a citizen asked (no personal data)
#[utoipa::path(post, path = "/api/v1/incidents/{id}/inquiries", extensions(("x-permission" = json!(P::RecordInquiry))),
    responses((status = CREATED, body = Inquiry)))]
pub async fn record(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(n): Json<NewInquiry>,
) -> Result<(StatusCode, Json<Inquiry>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.record_inquiry(&c.actor(), id, n).await?)))
}

/// Questions per hour and per situation, and the top questions the guide does not cover
#[utoipa::path(get, path = "/api/v1/incidents/{id}/inquiries/summary", extensions(("x-permission" = json!(P::ViewInquiries))),
    responses((status = OK, body = Aggregates)))]
pub async fn summary(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Aggregates>, ApiError> {
    Ok(Json(s.app.inquiry_summary(&c.actor(), id).await?))
}

/// The receipt of a callback request.
#[derive(Serialize, ToSchema)]
pub struct CallbackReceipt {
    id: Uuid,
    #[schema(format = DateTime)]
    created_at: String,
}

/// Request a callback for a citizen
///
/// Answers with the id only: the caller already has the details, and responses get logged by proxies.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/callbacks", extensions(("x-permission" = json!(P::RecordInquiry))),
    responses((status = CREATED, body = CallbackReceipt)))]
pub async fn request_callback(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(n): Json<NewCallback>,
) -> Result<(StatusCode, Json<CallbackReceipt>), ApiError> {
    let cb = s.app.request_callback(&c.actor(), id, n).await?;
    Ok((StatusCode::CREATED, Json(CallbackReceipt { id: cb.id, created_at: domain::time::rfc3339(cb.created_at) })))
}

#[derive(Serialize, ToSchema)]
pub struct Callbacks {
    callbacks: Vec<Callback>,
}

/// Callback requests (personal data; the reading is logged)
#[utoipa::path(get, path = "/api/v1/incidents/{id}/callbacks", extensions(("x-permission" = json!(P::ViewCallbacks))),
    responses((status = OK, body = Callbacks)))]
pub async fn callbacks(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let callbacks = s.app.callbacks(&c.actor(), id, false).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(Callbacks { callbacks })).into_response())
}

/// Export callback requests as CSV (logged)
#[utoipa::path(get, path = "/api/v1/incidents/{id}/callbacks.csv", extensions(("x-permission" = json!(P::ViewCallbacks))),
    responses((status = OK, body = String, content_type = "text/csv")))]
pub async fn callbacks_csv(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let all = s.app.callbacks(&c.actor(), id, true).await?;
    let name = format!("attachment; filename=\"opkald-{}.csv\"", &id.to_string()[..8]);
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
        (header::CONTENT_DISPOSITION, name),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ];
    Ok((headers, crate::pages::callbacks_csv(&all)).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct AccessLog {
    access: Vec<Access>,
}

/// Who read or exported the callback requests
#[utoipa::path(get, path = "/api/v1/incidents/{id}/callbacks/access", extensions(("x-permission" = json!(P::ViewCallbacks))),
    responses((status = OK, body = AccessLog)))]
pub async fn access(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<AccessLog>, ApiError> {
    Ok(Json(AccessLog { access: s.app.personal_data_access(&c.actor(), id).await? }))
}
