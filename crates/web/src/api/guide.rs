use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use domain::Permission as P;
use domain::guide::{Change, Freshness, Guide, Version};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct Draft {
    draft: Guide,
}

/// Save the guide's working draft (may be incomplete)
#[utoipa::path(put, path = "/api/v1/incidents/{id}/guide", extensions(("x-permission" = json!(P::EditGuide))),
    responses((status = OK, body = Draft)))]
pub async fn save(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Json(g): Json<Guide>,
) -> Result<Json<Draft>, ApiError> {
    Ok(Json(Draft { draft: s.app.save_guide_draft(&c.actor(), id, g).await? }))
}

/// The working draft, or the template for the incident's kind
#[utoipa::path(get, path = "/api/v1/incidents/{id}/guide/draft", extensions(("x-permission" = json!(P::EditGuide))),
    responses((status = OK, body = Draft)))]
pub async fn draft(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Draft>, ApiError> {
    Ok(Json(Draft { draft: s.app.guide_draft(&c.actor(), id).await? }))
}

#[derive(Serialize, ToSchema)]
pub struct PublishedVersion {
    version: i64,
    #[schema(format = DateTime)]
    published_at: String,
}

/// Publish the draft as the next immutable version
#[utoipa::path(post, path = "/api/v1/incidents/{id}/guide/publish", extensions(("x-permission" = json!(P::EditGuide))),
    responses((status = CREATED, body = PublishedVersion)))]
pub async fn publish(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<PublishedVersion>), ApiError> {
    let v = s.app.publish_guide(&c.actor(), id).await?;
    Ok((StatusCode::CREATED, Json(PublishedVersion { version: v.version, published_at: domain::time::rfc3339(v.published_at) })))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    /// Any published version (from 1); without it, the latest.
    #[param(minimum = 1)]
    version: Option<u32>,
}

/// A published version, what changed since the one before, and whether an update is overdue.
#[derive(Serialize, ToSchema)]
pub struct PublishedGuide {
    #[serde(flatten)]
    version: Version,
    changes: Vec<Change>,
    freshness: Option<Freshness>,
}

/// The latest published guide (?version=N for any) and what changed
#[utoipa::path(get, path = "/api/v1/incidents/{id}/guide", extensions(("x-permission" = json!(P::ViewIncidents))),
    params(VersionQuery), responses((status = OK, body = PublishedGuide)))]
pub async fn published(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<PublishedGuide>, ApiError> {
    if q.version == Some(0) {
        return Err(domain::DomainError::invalid("version", "versions are numbered from 1").into());
    }
    let (version, changes) = s.app.published_guide(&c.actor(), id, q.version.map(i64::from)).await?;
    let freshness = s.app.guide_state(&c.actor(), id).await?.1;
    Ok(Json(PublishedGuide { version, changes, freshness }))
}
