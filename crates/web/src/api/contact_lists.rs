//! The contact lists per organisation: reading, keeping, "I checked this today", and the CSV
//! and vCard exports.

use super::file;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Json, Path};
use crate::i18n::Lang;
use crate::pages::contact_lists::kind_label;
use app::ContactList;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::Permission as P;
use domain::contact_list::{Entry, NewEntry};
use uuid::Uuid;

/// An organisation's contact list, each entry with whether it is stale
#[utoipa::path(get, path = "/api/v1/contact-lists/{org}", operation_id = "contact_list", extensions(("x-permission" = json!(P::ReadContactLists))),
    params(("org" = String, Path, description = "the organisation's code (`0250`, `DDH`)")),
    responses((status = OK, body = ContactList)))]
pub async fn list(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(org): Path<String>) -> Result<Json<ContactList>, ApiError> {
    Ok(Json(s.app.contact_list(&c.actor(), &org).await?))
}

/// Add an entry to an organisation's contact list (a phone or an e-mail is required)
#[utoipa::path(post, path = "/api/v1/contact-lists/{org}", operation_id = "add_contact_entry", extensions(("x-permission" = json!(P::KeepContactLists))),
    params(("org" = String, Path, description = "the organisation's code")),
    responses((status = CREATED, body = Entry)))]
pub async fn add(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(org): Path<String>,
    Json(e): Json<NewEntry>,
) -> Result<(StatusCode, Json<Entry>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.add_contact_entry(&c.actor(), &org, e).await?)))
}

/// Replace an entry's fields (when it was last checked stays)
#[utoipa::path(put, path = "/api/v1/contact-lists/{org}/entries/{id}", operation_id = "update_contact_entry", extensions(("x-permission" = json!(P::KeepContactLists))),
    params(("org" = String, Path, description = "the organisation's code"), ("id" = Uuid, Path)),
    responses((status = OK, body = Entry)))]
pub async fn update(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((org, id)): Path<(String, Uuid)>,
    Json(e): Json<NewEntry>,
) -> Result<Json<Entry>, ApiError> {
    Ok(Json(s.app.update_contact_entry(&c.actor(), &org, id, e).await?))
}

/// Remove an entry
#[utoipa::path(delete, path = "/api/v1/contact-lists/{org}/entries/{id}", operation_id = "remove_contact_entry", extensions(("x-permission" = json!(P::KeepContactLists))),
    params(("org" = String, Path, description = "the organisation's code"), ("id" = Uuid, Path)),
    responses((status = NO_CONTENT)))]
pub async fn remove(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((org, id)): Path<(String, Uuid)>,
) -> Result<StatusCode, ApiError> {
    s.app.remove_contact_entry(&c.actor(), &org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "I checked this today": the entry is right as of now (kept in the secretariat's trail)
#[utoipa::path(post, path = "/api/v1/contact-lists/{org}/entries/{id}/verified", operation_id = "mark_contact_verified",
    extensions(("x-permission" = json!(P::KeepContactLists))),
    params(("org" = String, Path, description = "the organisation's code"), ("id" = Uuid, Path)),
    responses((status = OK, body = Entry)))]
pub async fn verified(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((org, id)): Path<(String, Uuid)>,
) -> Result<Json<Entry>, ApiError> {
    Ok(Json(s.app.mark_contact_verified(&c.actor(), &org, id).await?))
}

/// The list as CSV (RFC 4180, UTF-8 with a byte-order mark for spreadsheets)
#[utoipa::path(get, path = "/api/v1/contact-lists/{org}/export.csv", operation_id = "contact_list_csv",
    extensions(("x-permission" = json!(P::ReadContactLists))),
    params(("org" = String, Path, description = "the organisation's code")),
    responses((status = OK, body = String, content_type = "text/csv")))]
pub async fn csv(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(org): Path<String>) -> Result<Response, ApiError> {
    let list = s.app.contact_list(&c.actor(), &org).await?;
    let body = domain::contact_list::csv(&list.entries, &list.organisation.name, &|k| kind_label(Lang::Da, k).to_string());
    Ok(file("text/csv; charset=utf-8", &format!("kontaktliste-{}.csv", list.organisation.code), body))
}

/// The list as vCard 4.0 (RFC 6350), one card per entry
#[utoipa::path(get, path = "/api/v1/contact-lists/{org}/export.vcf", operation_id = "contact_list_vcard",
    extensions(("x-permission" = json!(P::ReadContactLists))),
    params(("org" = String, Path, description = "the organisation's code")),
    responses((status = OK, body = String, content_type = "text/vcard")))]
pub async fn vcard(State(s): State<AppState>, ApiCaller(c): ApiCaller, Path(org): Path<String>) -> Result<Response, ApiError> {
    let list = s.app.contact_list(&c.actor(), &org).await?;
    let body = domain::contact_list::vcards(&list.entries, &list.organisation.name, &|k| kind_label(Lang::Da, k).to_string());
    Ok(file("text/vcard; charset=utf-8", &format!("kontaktliste-{}.vcf", list.organisation.code), body))
}
