//! The JSON API under `/api/v1`. Handlers translate HTTP to `actions` and back.

mod admin;
mod alerts;
mod chat;
mod events;
mod feedback;
mod guide;
mod incidents;
mod inquiries;
pub mod search;
mod session;
mod shifts;
mod staffing;
mod voice;

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::routing::{get, post, put};

pub fn routes() -> Router<AppState> {
    // A contact-centre export is larger than any JSON request.
    let csv_limit = axum::extract::DefaultBodyLimit::max(crate::CSV_LIMIT);
    Router::new()
        .route("/api/v1/openapi.json", get(crate::openapi::document))
        .route("/api/v1/session", post(session::login).delete(session::logout))
        .route("/api/v1/me", get(session::me))
        .route("/api/v1/events", get(events::stream))
        .route("/api/v1/incidents", get(incidents::list).post(incidents::create))
        .route("/api/v1/incidents/{id}", get(incidents::show))
        .route("/api/v1/incidents/{id}/status", post(incidents::status))
        .route("/api/v1/incidents/{id}/roles", get(incidents::roles))
        .route("/api/v1/incidents/{id}/roles/{role}", put(incidents::assign))
        .route("/api/v1/incidents/{id}/log", get(incidents::log).post(incidents::append))
        .route("/api/v1/incidents/{id}/log/verify", get(incidents::verify))
        .route("/api/v1/incidents/{id}/log.csv", get(incidents::log_csv))
        .route("/api/v1/incidents/{id}/checklist", get(incidents::checklist))
        .route("/api/v1/incidents/{id}/checklist/{item}", post(incidents::tick))
        .route("/api/v1/incidents/{id}/action-cards", get(incidents::cards).post(incidents::attach))
        .route("/api/v1/incidents/{id}/guide", get(guide::published).put(guide::save))
        .route("/api/v1/incidents/{id}/guide/draft", get(guide::draft))
        .route("/api/v1/incidents/{id}/guide/publish", post(guide::publish))
        .route("/api/v1/incidents/{id}/feedback", get(feedback::list).post(feedback::send))
        .route("/api/v1/incidents/{id}/feedback/{item}", put(feedback::handle))
        .route("/api/v1/incidents/{id}/inquiries", post(inquiries::record))
        .route("/api/v1/incidents/{id}/inquiries/summary", get(inquiries::summary))
        .route("/api/v1/incidents/{id}/callbacks", get(inquiries::callbacks).post(inquiries::request_callback))
        .route("/api/v1/incidents/{id}/callbacks.csv", get(inquiries::callbacks_csv))
        .route("/api/v1/incidents/{id}/callbacks/access", get(inquiries::access))
        .route("/api/v1/incidents/{id}/cap.xml", get(alerts::cap))
        .route("/api/v1/incidents/{id}/sms", get(alerts::sms))
        .route("/api/v1/incidents/{id}/call-stats", get(staffing::list).post(staffing::record))
        .route("/api/v1/incidents/{id}/call-stats/import", post(staffing::import).layer(csv_limit))
        .route("/api/v1/incidents/{id}/staffing", get(staffing::overview))
        .route("/api/v1/incidents/{id}/staffing/settings", put(staffing::settings))
        .route("/api/v1/incidents/{id}/staffing/overrides", put(staffing::set_override))
        .route("/api/v1/incidents/{id}/staffing/log", post(staffing::log))
        .route("/api/v1/staffing/erlang", post(staffing::erlang))
        .route("/api/v1/incidents/{id}/shifts", get(shifts::list))
        .route("/api/v1/incidents/{id}/shifts/plan", post(shifts::plan))
        .route("/api/v1/incidents/{id}/shifts/bids", post(shifts::bid))
        .route("/api/v1/incidents/{id}/shifts/award", post(shifts::award))
        .route("/api/v1/incidents/{id}/shifts.csv", get(shifts::csv))
        .route("/api/v1/incidents/{id}/shifts/{file}", get(shifts::ics))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/chat", post(chat::message))
        .route("/api/v1/chat/callback", post(chat::callback))
        .route("/api/v1/ivr/{code}", get(voice::routing))
        .route("/api/v1/organisations", get(admin::organisations))
        .route("/api/v1/organisations/{code}", put(admin::set_member))
        .route("/api/v1/users", get(admin::users).post(admin::create_user))
        .route("/api/v1/users/{id}", put(admin::update_user))
        .route("/api/v1/roster", get(admin::roster))
        .route("/api/v1/roster/{role}", put(admin::set_roster))
        .route("/api/v1/checklist-templates", get(admin::checklist_templates).post(admin::add_checklist_template))
        .route("/api/v1/checklist-templates/{id}", axum::routing::delete(admin::delete_checklist_template))
        .route("/api/v1/action-cards", get(admin::action_cards).post(admin::add_action_card))
        .route("/api/v1/action-cards/{id}", axum::routing::delete(admin::delete_action_card))
        .route("/api/v1/{*rest}", axum::routing::any(unknown))
        // Outside /api/v1 and its document: what feed readers and IVR platforms fetch.
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

#[cfg(test)]
mod tests {
    /// The router above and `openapi::ENDPOINTS` must list the same endpoints: the permission
    /// walk and the document both come from `ENDPOINTS`, so a route missing there is untested.
    #[test]
    fn every_route_is_in_the_endpoint_list_and_back() {
        let source = include_str!("mod.rs");
        let mut routed: Vec<(String, String)> = Vec::new();
        for call in source.split(".route(\"").skip(1) {
            let (path, rest) = call.split_once('"').unwrap();
            if path.contains('*') {
                continue; // the catch-all for unknown endpoints
            }
            let handlers = rest.split(".route(").next().unwrap();
            for method in ["get", "post", "put", "delete"] {
                if handlers.contains(&format!("{method}(")) || handlers.contains(&format!(".{method}(")) {
                    routed.push((method.to_string(), path.to_string()));
                }
            }
        }
        routed.sort();
        routed.dedup();
        assert!(routed.len() >= 30, "found only {} routes: the parser no longer reads this file", routed.len());
        let mut listed: Vec<(String, String)> =
            crate::openapi::ENDPOINTS.iter().map(|e| (e.method.to_string(), e.path.to_string())).collect();
        listed.sort();
        assert_eq!(routed, listed);
    }
}
