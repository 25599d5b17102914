//! The JSON API under `/api/v1`. Handlers translate HTTP to `actions` and back.
//!
//! Every endpoint is registered with `routes!`, which routes the handler and adds its
//! `#[utoipa::path]` operation to the OpenAPI document in one call: nothing is served that the
//! document does not describe. `OpenApiRouter::route` (which would bypass the document) is
//! refused by clippy (`clippy.toml`), and in debug builds [`documented_only`] answers 500 to a
//! request that reached an undocumented route under `/api/v1`.

mod account;
mod admin;
mod alerts;
mod billing;
mod callout;
mod chat;
mod contact_lists;
mod events;
mod exercises;
mod feedback;
mod guide;
mod handovers;
mod incidents;
mod inquiries;
mod readiness;
mod review;
pub mod search;
mod session;
mod shifts;
mod sms;
mod staffing;
mod voice;

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// The documented API: every route with its operation.
pub fn routes() -> OpenApiRouter<AppState> {
    // A contact-centre export is larger than any JSON request.
    let csv_limit = axum::extract::DefaultBodyLimit::max(crate::CSV_LIMIT);
    OpenApiRouter::with_openapi(crate::openapi::base())
        .routes(routes!(crate::openapi::serve))
        .routes(routes!(session::login, session::logout))
        .routes(routes!(session::me))
        .routes(routes!(account::totp_status, account::start_totp))
        .routes(routes!(account::confirm_totp))
        .routes(routes!(account::security, account::set_security))
        .routes(routes!(account::remove_totp))
        .routes(routes!(events::stream))
        .routes(routes!(incidents::list, incidents::create))
        .routes(routes!(incidents::show))
        .routes(routes!(incidents::status))
        .routes(routes!(incidents::roles))
        .routes(routes!(incidents::assign))
        .routes(routes!(incidents::log, incidents::append))
        .routes(routes!(incidents::verify))
        .routes(routes!(incidents::log_csv))
        .routes(routes!(incidents::checklist))
        .routes(routes!(incidents::tick))
        .routes(routes!(incidents::cards, incidents::attach))
        .routes(routes!(incidents::detach))
        .routes(routes!(callout::callout_status, callout::start_callout))
        .routes(routes!(callout::acknowledge_callout))
        .routes(routes!(callout::acknowledge_callout_link))
        .routes(routes!(callout::staffing_call))
        .routes(routes!(readiness::my_methods, readiness::add_method))
        .routes(routes!(readiness::remove_method))
        .routes(routes!(readiness::request_verification))
        .routes(routes!(readiness::verify_code))
        .routes(routes!(readiness::verify_link))
        .routes(routes!(readiness::readiness))
        .routes(routes!(readiness::callout_policy, readiness::set_callout_policy))
        .routes(routes!(contact_lists::list, contact_lists::add))
        .routes(routes!(contact_lists::update, contact_lists::remove))
        .routes(routes!(contact_lists::verified))
        .routes(routes!(contact_lists::csv))
        .routes(routes!(contact_lists::vcard))
        .routes(routes!(sms::delivery_report))
        .routes(routes!(sms::inbound))
        .routes(routes!(guide::published, guide::save))
        .routes(routes!(guide::draft))
        .routes(routes!(guide::publish))
        .routes(routes!(feedback::list, feedback::send))
        .routes(routes!(feedback::handle))
        .routes(routes!(inquiries::record))
        .routes(routes!(inquiries::summary))
        .routes(routes!(handovers::list, handovers::adopt))
        .routes(routes!(inquiries::callbacks, inquiries::request_callback))
        .routes(routes!(inquiries::callbacks_csv))
        .routes(routes!(inquiries::access))
        .routes(routes!(alerts::cap))
        .routes(routes!(alerts::sms))
        .routes(routes!(staffing::list, staffing::record))
        .routes(routes!(staffing::import).layer(csv_limit))
        .routes(routes!(staffing::overview))
        .routes(routes!(staffing::settings))
        .routes(routes!(staffing::set_override))
        .routes(routes!(staffing::log))
        .routes(routes!(staffing::erlang))
        .routes(routes!(shifts::list))
        .routes(routes!(shifts::plan))
        .routes(routes!(shifts::bid))
        .routes(routes!(shifts::award))
        .routes(routes!(shifts::csv))
        .routes(routes!(shifts::ics))
        .routes(routes!(search::search))
        .routes(routes!(chat::message))
        .routes(routes!(chat::callback))
        .routes(routes!(voice::routing))
        .routes(routes!(admin::organisations))
        .routes(routes!(admin::set_member))
        .routes(routes!(admin::users, admin::create_user))
        .routes(routes!(admin::update_user))
        .routes(routes!(admin::tokens))
        .routes(routes!(admin::revoke_token))
        .routes(routes!(admin::roster))
        .routes(routes!(admin::set_roster))
        .routes(routes!(admin::checklist_templates, admin::add_checklist_template))
        .routes(routes!(admin::delete_checklist_template))
        .routes(routes!(admin::action_cards, admin::add_action_card))
        .routes(routes!(admin::delete_action_card))
        .routes(routes!(exercises::scenarios, exercises::keep))
        .routes(routes!(exercises::scenario, exercises::remove))
        .routes(routes!(exercises::msel, exercises::import_msel).layer(csv_limit))
        .routes(routes!(exercises::run))
        .routes(routes!(exercises::show))
        .routes(routes!(exercises::clock))
        .routes(routes!(exercises::archive))
        .routes(routes!(exercises::deliver))
        .routes(routes!(exercises::edit_inject))
        .routes(routes!(exercises::set_part))
        .routes(routes!(exercises::observe))
        .routes(routes!(review::kpis))
        .routes(routes!(review::report))
        .routes(routes!(review::report_pdf))
        .routes(routes!(review::targets, review::set_targets))
        .routes(routes!(review::templates, review::keep_template))
        .routes(routes!(review::evaluation))
        .routes(routes!(review::form, review::answer))
        .routes(routes!(review::set_notes))
        .routes(routes!(review::pin))
        .routes(routes!(review::actions, review::add_action))
        .routes(routes!(review::update_action))
        .routes(routes!(billing::tariffs, billing::add_tariff))
        .routes(routes!(billing::statements, billing::issue))
        .routes(routes!(billing::csv))
        .routes(routes!(billing::estimate))
}

/// The API as served: the documented routes, the JSON answer for unknown endpoints and methods,
/// and what feed readers and IVR platforms fetch outside `/api/v1` (and its document).
pub fn router() -> Router<AppState> {
    let (api, _) = routes().split_for_parts();
    api.route("/api/v1/{*rest}", axum::routing::any(unknown))
        .merge(alerts::routes())
        .merge(voice::routes())
        .method_not_allowed_fallback(method_not_allowed)
}

async fn unknown() -> ApiError {
    ApiError::not_found("no such API endpoint; see /api/v1/openapi.json for the list")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(axum::http::StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this endpoint does not accept that method")
}

/// In debug builds (every test), a request under `/api/v1` that reached a route the OpenAPI
/// document lacks is answered 500: a route added around `routes!` fails whichever test calls it.
pub async fn documented_only(
    matched: Option<axum::extract::MatchedPath>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use std::collections::HashSet;
    use std::sync::LazyLock;
    static DOCUMENTED: LazyLock<HashSet<(String, String)>> = LazyLock::new(|| {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap_or_default();
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        paths
            .into_iter()
            .flat_map(|(path, item)| {
                item.as_object().cloned().unwrap_or_default().into_iter().map(move |(m, _)| (m.to_uppercase(), path.clone()))
            })
            .collect()
    });
    // axum answers HEAD with the GET handler.
    let method = if req.method() == axum::http::Method::HEAD { axum::http::Method::GET } else { req.method().clone() };
    let path = matched.as_ref().map(|m| m.as_str().to_string()).filter(|p| p.starts_with("/api/v1/") && p != "/api/v1/{*rest}");
    let res = next.run(req).await;
    match path {
        // The router's own 405 for a method the path does not have is no route.
        Some(path)
            if res.status() != axum::http::StatusCode::METHOD_NOT_ALLOWED && !DOCUMENTED.contains(&(method.to_string(), path.clone())) =>
        {
            let message = format!("{method} {path} is routed but missing from the OpenAPI document: register it with routes!");
            ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "undocumented_route", message).into_response()
        }
        _ => res,
    }
}

/// A download: its type and its file name (kept to letters, digits, '-' and '.').
fn file(content_type: &'static str, name: &str, body: String) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let safe: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.')).collect();
    let disposition = format!("attachment; filename=\"{safe}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}
