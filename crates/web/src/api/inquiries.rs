use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::inquiry::{NewCallback, NewInquiry};
use serde_json::{Value, json};
use uuid::Uuid;

pub async fn record(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(n): Json<NewInquiry>,
) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, Json(json!(s.app.record_inquiry(&c.actor(), id, n).await?))).into_response())
}

pub async fn summary(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.inquiry_summary(&c.actor(), id).await?)))
}

/// Answers with the id only: the caller already has the details, and responses get logged by proxies.
pub async fn request_callback(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(n): Json<NewCallback>,
) -> Result<Response, ApiError> {
    let cb = s.app.request_callback(&c.actor(), id, n).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": cb.id, "created_at": domain::time::rfc3339(cb.created_at) }))).into_response())
}

pub async fn callbacks(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let all = s.app.callbacks(&c.actor(), id, false).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(json!({ "callbacks": all }))).into_response())
}

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

pub async fn access(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "access": s.app.personal_data_access(&c.actor(), id).await? })))
}
