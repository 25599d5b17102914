//! Alerts for other systems, rendered from the published guide: CAP 1.2 per incident, a public
//! Atom feed of the current public alerts, and the citizen summary as SMS text for the
//! authority's own SMS service.

use crate::AppState;
use crate::auth::{ApiCaller, identify};
use crate::error::{ApiError, Json, Path};
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use domain::Permission;
use uuid::Uuid;

/// The public feed of alerts, at the address feed readers know.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/cap.atom", axum::routing::get(feed))
}

const CAP: &str = "application/cap+xml; charset=utf-8";

/// The address the feed and the alerts link to: the configured public URL, else the request's host.
pub fn base_url(s: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &s.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)));
    let scheme = if s.config.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{}", host.unwrap_or("localhost"))
}

fn sender(base: &str) -> String {
    let host = base.split("://").nth(1).unwrap_or(base).split([':', '/']).next().unwrap_or("localhost");
    format!("kriseservice@{host}")
}

/// The published guide as a CAP 1.2 alert (Alert, Update or Cancel); an exercise's alert needs a staff login
///
/// Public once a real crisis is announced (the feed links here); a prepared incident's or an
/// exercise's alert only for staff who may see the incident.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/cap.xml", security((), ("bearer" = []), ("session" = [])),
    responses((status = OK, body = String, content_type = "application/cap+xml")))]
pub async fn cap(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let p = s.app.published(id).await?;
    if !p.incident.alert_is_public() {
        let caller = identify(&s, &headers).await?.ok_or_else(ApiError::unauthorized)?.enrolled()?;
        caller.actor().may_on(Permission::ViewIncidents, &p.incident.affected)?;
    }
    let base = base_url(&s, &headers);
    let page = p.areas.first().map(|a| format!("{base}/krise/{}", a.code));
    let options = channels::cap::CapOptions { sender: &sender(&base), public_url: page.as_deref() };
    let xml = channels::cap::alert_with(&p, &options, domain::time::now());
    // Links follow the request's host when no public address is set: caches must keep them apart.
    Ok(([(header::CONTENT_TYPE, CAP), (header::CACHE_CONTROL, "public, max-age=10"), (header::VARY, "Host")], xml).into_response())
}

/// `GET /cap.atom`: the live, real (not exercise) alerts, and for a day the Cancel of a closed one.
pub async fn feed(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let public = s.app.public_alerts()?;
    // A closed crisis's entry was last updated when it closed.
    let updated = public
        .iter()
        .map(|p| p.incident.closed_at.filter(|_| p.is_closed()).unwrap_or(p.version.published_at))
        .max()
        .unwrap_or(domain::time::truncate(domain::time::now()));
    let xml = channels::atom::feed(&public, &base_url(&s, &headers), updated);
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=10"),
            (header::VARY, "Host"),
        ],
        xml,
    )
        .into_response())
}

/// The citizen summary as SMS text: GSM-7 or UCS-2, segments counted
///
/// For the authority to send through its own SMS service.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/sms", extensions(("x-permission" = json!(domain::Permission::ViewIncidents))),
    responses((status = OK, body = channels::sms::Sms)))]
pub async fn sms(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiCaller(c): ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<Json<channels::sms::Sms>, ApiError> {
    let p = s.app.published_for(&c.actor(), id).await?;
    let page = p.areas.first().map(|a| format!("{}/krise/{}", base_url(&s, &headers), a.code));
    Ok(Json(channels::sms::render(&p, page.as_deref())))
}
