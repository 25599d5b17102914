//! The API's endpoint list and the OpenAPI 3.1 document made from it. The same list drives the
//! permission test that walks every endpoint as every role.

use crate::error::Json;
use domain::Permission;
use serde_json::{Value, json};

pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    /// The permission the endpoint asks; `None` for public endpoints and for "any logged-in user".
    pub action: Option<Permission>,
    pub authenticated: bool,
    pub summary: &'static str,
    /// Name of the request body schema in `components.schemas`.
    pub body: Option<&'static str>,
}

const fn ep(
    method: &'static str,
    path: &'static str,
    action: Option<Permission>,
    summary: &'static str,
    body: Option<&'static str>,
) -> Endpoint {
    Endpoint { method, path, action, authenticated: true, summary, body }
}

use Permission::*;

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint { method: "get", path: "/api/v1/openapi.json", action: None, authenticated: false, summary: "This document", body: None },
    Endpoint {
        method: "post",
        path: "/api/v1/session",
        action: None,
        authenticated: false,
        summary: "Log in; sets the session cookie and returns the CSRF token",
        body: Some("Login"),
    },
    ep("delete", "/api/v1/session", None, "Log out", None),
    ep("get", "/api/v1/me", None, "The caller and their permissions", None),
    ep("get", "/api/v1/events", Some(ViewIncidents), "Server-Sent Events; resume with Last-Event-ID", None),
    ep("get", "/api/v1/incidents", Some(ViewIncidents), "List incidents (?status=prepared|active|standing_down|closed)", None),
    ep("post", "/api/v1/incidents", Some(CreateIncident), "Create a prepared incident", Some("NewIncident")),
    ep("get", "/api/v1/incidents/{id}", Some(ViewIncidents), "One incident with roles and checklist progress", None),
    ep("post", "/api/v1/incidents/{id}/status", Some(ChangeStatus), "Move along the lifecycle; closing needs a note", Some("StatusChange")),
    ep("get", "/api/v1/incidents/{id}/roles", Some(ViewIncidents), "The incident's crisis staff", None),
    ep("put", "/api/v1/incidents/{id}/roles/{role}", Some(AssignRoles), "Assign primary and deputy of a crisis role", Some("Assignment")),
    ep("get", "/api/v1/incidents/{id}/log", Some(ReadLog), "The official log", None),
    ep("post", "/api/v1/incidents/{id}/log", Some(AppendLog), "Append a log entry", Some("NewLogEntry")),
    ep("get", "/api/v1/incidents/{id}/log/verify", Some(ReadLog), "Verify the log's hash chain", None),
    ep("get", "/api/v1/incidents/{id}/log.csv", Some(ReadLog), "The log as CSV", None),
    ep("get", "/api/v1/incidents/{id}/checklist", Some(ViewIncidents), "The activation checklist", None),
    ep("post", "/api/v1/incidents/{id}/checklist/{item}", Some(CompleteChecklistItem), "Tick or un-tick a checklist item", Some("Tick")),
    ep("get", "/api/v1/incidents/{id}/action-cards", Some(ViewIncidents), "Action cards attached to the incident", None),
    ep(
        "post",
        "/api/v1/incidents/{id}/action-cards",
        Some(AttachActionCard),
        "Attach an action card; its steps join the checklist",
        Some("Attach"),
    ),
    ep("put", "/api/v1/incidents/{id}/guide", Some(EditGuide), "Save the guide's working draft (may be incomplete)", Some("Guide")),
    ep("get", "/api/v1/incidents/{id}/guide/draft", Some(EditGuide), "The working draft, or the template for the incident's kind", None),
    ep("post", "/api/v1/incidents/{id}/guide/publish", Some(EditGuide), "Publish the draft as the next immutable version", None),
    ep(
        "get",
        "/api/v1/incidents/{id}/guide",
        Some(ViewIncidents),
        "The latest published guide (?version=N for any) and what changed",
        None,
    ),
    ep("post", "/api/v1/incidents/{id}/feedback", Some(SendFeedback), "Feedback on a guide version and section", Some("NewFeedback")),
    ep("get", "/api/v1/incidents/{id}/feedback", Some(HandleFeedback), "Feedback on the guide, what is routed to the caller first", None),
    ep(
        "put",
        "/api/v1/incidents/{id}/feedback/{item}",
        Some(HandleFeedback),
        "Acknowledge feedback, or resolve it by a newer version",
        Some("FeedbackUpdate"),
    ),
    ep(
        "post",
        "/api/v1/incidents/{id}/inquiries",
        Some(RecordInquiry),
        "Record what a citizen asked (no personal data)",
        Some("NewInquiry"),
    ),
    ep(
        "get",
        "/api/v1/incidents/{id}/inquiries/summary",
        Some(ViewInquiries),
        "Questions per hour and per situation, and the top questions the guide does not cover",
        None,
    ),
    ep("post", "/api/v1/incidents/{id}/callbacks", Some(RecordInquiry), "Request a callback for a citizen", Some("NewCallback")),
    ep("get", "/api/v1/incidents/{id}/callbacks", Some(ViewCallbacks), "Callback requests (personal data; the reading is logged)", None),
    ep("get", "/api/v1/incidents/{id}/callbacks.csv", Some(ViewCallbacks), "Export callback requests as CSV (logged)", None),
    ep("get", "/api/v1/incidents/{id}/callbacks/access", Some(ViewCallbacks), "Who read or exported the callback requests", None),
    Endpoint {
        method: "get",
        path: "/api/v1/incidents/{id}/cap.xml",
        action: None,
        authenticated: false,
        summary: "The published guide as a CAP 1.2 alert (Alert, Update or Cancel); an exercise's alert needs a staff login",
        body: None,
    },
    ep("get", "/api/v1/incidents/{id}/sms", Some(ViewIncidents), "The citizen summary as SMS text: GSM-7 or UCS-2, segments counted", None),
    ep(
        "get",
        "/api/v1/incidents/{id}/call-stats",
        Some(ViewStaffing),
        "Call statistics per interval, with service level and abandonment",
        None,
    ),
    ep(
        "post",
        "/api/v1/incidents/{id}/call-stats",
        Some(RecordCallStats),
        "Record call statistics, all or nothing; an interval with the same start replaces the one recorded",
        Some("CallIntervals"),
    ),
    ep(
        "post",
        "/api/v1/incidents/{id}/call-stats/import",
        Some(RecordCallStats),
        "Import a contact-centre export (text/csv, `,` or `;`): good rows kept, the rest reported by line",
        None,
    ),
    ep(
        "get",
        "/api/v1/incidents/{id}/staffing",
        Some(ViewStaffing),
        "Forecast, required and rostered agents, gaps and recommendations",
        None,
    ),
    ep(
        "put",
        "/api/v1/incidents/{id}/staffing/settings",
        Some(PlanStaffing),
        "Set the staffing targets (logged)",
        Some("StaffingSettings"),
    ),
    ep(
        "put",
        "/api/v1/incidents/{id}/staffing/overrides",
        Some(PlanStaffing),
        "Set or clear the forecast of one interval (logged)",
        Some("ForecastOverride"),
    ),
    ep("post", "/api/v1/incidents/{id}/staffing/log", Some(PlanStaffing), "Write the plan's recommendations into the log", None),
    ep(
        "get",
        "/api/v1/incidents/{id}/shifts",
        Some(ViewShifts),
        "The shift plan: base seats, bids and awards per member (a shift contact: its own)",
        None,
    ),
    ep(
        "post",
        "/api/v1/incidents/{id}/shifts/plan",
        Some(PlanStaffing),
        "Lay the shift plan: the base share by population (Sainte-Laguë), the rest offered (logged)",
        Some("ShiftPlan"),
    ),
    ep(
        "post",
        "/api/v1/incidents/{id}/shifts/bids",
        Some(BidForShifts),
        "A member's bid for an open shift (agents; 0 withdraws)",
        Some("ShiftBid"),
    ),
    ep(
        "post",
        "/api/v1/incidents/{id}/shifts/award",
        Some(PlanStaffing),
        "Award the open seats from the bids, spread fairly (logged)",
        None,
    ),
    ep("get", "/api/v1/incidents/{id}/shifts.csv", Some(ViewShifts), "The shift plan as CSV", None),
    ep(
        "get",
        "/api/v1/incidents/{id}/shifts/{file}",
        Some(ViewShifts),
        "A member's committed shifts as iCalendar (RFC 5545); {file} is {code}.ics",
        None,
    ),
    ep(
        "post",
        "/api/v1/staffing/erlang",
        Some(ViewStaffing),
        "Erlang C (or Erlang A with patience): the fewest agents that meet every target",
        Some("ErlangRequest"),
    ),
    ep(
        "get",
        "/api/v1/search",
        Some(SearchGuides),
        "Search the live crisis guides and the everyday guides (?q=…&municipality=…&limit=…)",
        None,
    ),
    Endpoint {
        method: "post",
        path: "/api/v1/chat",
        action: None,
        authenticated: false,
        summary: "The public chatbot: approved citizen wording only, or a handover; rate-limited per client",
        body: Some("ChatRequest"),
    },
    Endpoint {
        method: "post",
        path: "/api/v1/chat/callback",
        action: None,
        authenticated: false,
        summary: "Request a callback from the chatbot's handover",
        body: Some("ChatCallback"),
    },
    ep(
        "get",
        "/api/v1/ivr/{code}",
        Some(UseVoiceChannel),
        "IVR routing for a municipality: crisis_active, route_to, message_text, message_ssml (JSON; {code}.xml for XML). Bearer token: staff or integration",
        None,
    ),
    ep("get", "/api/v1/organisations", Some(ViewReference), "Municipalities, regions and authorities", None),
    ep("put", "/api/v1/organisations/{code}", Some(ManageOrganisations), "Set an organisation's membership", Some("Member")),
    ep("get", "/api/v1/users", Some(ManageUsers), "All users", None),
    ep("post", "/api/v1/users", Some(ManageUsers), "Create a user", Some("NewUser")),
    ep("put", "/api/v1/users/{id}", Some(ManageUsers), "Activate or deactivate a user", Some("UserUpdate")),
    ep("get", "/api/v1/roster", Some(ViewReference), "The standing crisis-staff roster", None),
    ep("put", "/api/v1/roster/{role}", Some(ManageRoster), "Set primary and deputy in the standing roster", Some("Assignment")),
    ep("get", "/api/v1/checklist-templates", Some(ManageTemplates), "The activation checklist template", None),
    ep("post", "/api/v1/checklist-templates", Some(ManageTemplates), "Add a template item", Some("TemplateItem")),
    ep("delete", "/api/v1/checklist-templates/{id}", Some(ManageTemplates), "Remove a template item", None),
    ep("get", "/api/v1/action-cards", Some(ViewReference), "Action-card templates", None),
    ep("post", "/api/v1/action-cards", Some(ManageTemplates), "Add an action card", Some("ActionCard")),
    ep("delete", "/api/v1/action-cards/{id}", Some(ManageTemplates), "Remove an action card", None),
];

fn words(all: &[&str]) -> Value {
    json!({ "type": "string", "enum": all })
}

fn schemas() -> Value {
    let kinds: Vec<&str> = domain::incident::IncidentKind::ALL.iter().map(|k| k.as_str()).collect();
    let channels: Vec<&str> = domain::incident::Channel::ALL.iter().map(|k| k.as_str()).collect();
    let statuses: Vec<&str> = domain::incident::Status::ALL.iter().map(|k| k.as_str()).collect();
    let categories: Vec<&str> = domain::log::LogCategory::ALL.iter().map(|k| k.as_str()).collect();
    let roles: Vec<&str> = domain::Role::ALL.iter().map(|k| k.as_str()).collect();
    let sides: Vec<&str> = domain::checklist::Side::ALL.iter().map(|k| k.as_str()).collect();
    let sections: Vec<&str> = domain::feedback::GuideSection::ALL.iter().map(|k| k.as_str()).collect();
    let feedback_categories: Vec<&str> = domain::feedback::FeedbackCategory::ALL.iter().map(|k| k.as_str()).collect();
    let feedback_states: Vec<&str> = domain::feedback::FeedbackState::ALL.iter().map(|k| k.as_str()).collect();
    let text = |max: usize| json!({ "type": "string", "maxLength": max });
    let mut out = json!({
        "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message"],
            "properties": { "code": { "type": "string" }, "message": { "type": "string" },
                "fields": { "type": "array", "items": { "type": "object", "properties": { "field": { "type": "string" }, "message": { "type": "string" } } } } } } } },
        "Login": { "type": "object", "required": ["email", "password"], "additionalProperties": false,
            "properties": { "email": { "type": "string" }, "password": { "type": "string" } } },
        "NewIncident": { "type": "object", "required": ["title", "kind", "affected", "channels"], "additionalProperties": false, "properties": {
            "title": text(domain::incident::TITLE_MAX), "kind": words(&kinds),
            "affected": { "type": "array", "minItems": 1, "items": { "type": "string", "examples": ["0250"] } },
            "channels": { "type": "array", "minItems": 1, "items": words(&channels) }, "exercise": { "type": "boolean" } } },
        "StatusChange": { "type": "object", "required": ["status"], "additionalProperties": false,
            "properties": { "status": words(&statuses), "note": text(domain::incident::NOTE_MAX) } },
        "Assignment": { "type": "object", "additionalProperties": false,
            "properties": { "primary": { "type": ["string", "null"], "format": "email" }, "deputy": { "type": ["string", "null"], "format": "email" } } },
        "NewLogEntry": { "type": "object", "required": ["category", "text"], "additionalProperties": false,
            "properties": { "category": words(&categories), "text": text(domain::log::TEXT_MAX), "corrects": { "type": "integer", "minimum": 1 } } },
        "Tick": { "type": "object", "required": ["done"], "additionalProperties": false, "properties": { "done": { "type": "boolean" } } },
        "Attach": { "type": "object", "required": ["card_id"], "additionalProperties": false, "properties": { "card_id": { "type": "string", "format": "uuid" } } },
        "Member": { "type": "object", "required": ["member"], "additionalProperties": false, "properties": { "member": { "type": "boolean" } } },
        "NewUser": { "type": "object", "required": ["email", "name", "org", "role", "password"], "additionalProperties": false, "properties": {
            "email": { "type": "string", "format": "email" }, "name": text(120), "org": { "type": "string" }, "role": words(&roles),
            "password": { "type": "string", "minLength": domain::user::PASSWORD_MIN, "maxLength": domain::user::PASSWORD_MAX } } },
        "Incident": { "type": "object", "required": ["id", "title", "kind", "status", "affected", "channels", "exercise", "created_at"], "properties": {
            "id": { "type": "string", "format": "uuid" }, "title": { "type": "string" }, "kind": words(&kinds), "status": words(&statuses),
            "affected": { "type": "array", "items": { "type": "string" } }, "channels": { "type": "array", "items": words(&channels) },
            "exercise": { "type": "boolean" }, "created_at": { "type": "string", "format": "date-time" },
            "activated_at": { "type": ["string", "null"], "format": "date-time" }, "standing_down_at": { "type": ["string", "null"], "format": "date-time" },
            "closed_at": { "type": ["string", "null"], "format": "date-time" } } },
        "LogEntry": { "type": "object", "required": ["incident_id", "seq", "at", "author", "category", "text", "prev_hash", "hash"], "properties": {
            "incident_id": { "type": "string", "format": "uuid" }, "seq": { "type": "integer", "minimum": 1 }, "at": { "type": "string", "format": "date-time" },
            "author": { "type": "object", "properties": { "user_id": { "type": "string", "format": "uuid" }, "name": { "type": "string" }, "role": words(&roles), "org": { "type": "string" } } },
            "category": words(&categories), "text": { "type": "string" }, "corrects": { "type": ["integer", "null"] },
            "prev_hash": { "type": "string", "pattern": "^[0-9a-f]{64}$" }, "hash": { "type": "string", "pattern": "^[0-9a-f]{64}$" } } },
        "Verification": { "type": "object", "required": ["valid", "entries", "first_invalid"], "properties": {
            "valid": { "type": "boolean" }, "entries": { "type": "integer" }, "first_invalid": { "type": ["integer", "null"] }, "reason": { "type": "string" } } },
        "Guide": { "type": "object", "additionalProperties": false, "properties": {
            "banner": text(domain::guide::BANNER_MAX), "purpose": text(domain::guide::SECTION_MAX), "scope": text(domain::guide::SECTION_MAX),
            "short_status": text(domain::guide::STATUS_MAX), "started_at": { "type": ["string", "null"], "format": "date-time" },
            "expected_duration": text(200), "next_update_at": { "type": ["string", "null"], "format": "date-time" },
            "situations": { "type": "array", "maxItems": domain::guide::MAX_SITUATIONS, "items": { "type": "object", "required": ["situation", "action"],
                "properties": { "situation": text(200), "action": text(domain::guide::ROW_MAX), "citizen_text": text(domain::guide::ROW_MAX),
                    "citizen_questions": { "type": "array", "maxItems": domain::guide::MAX_CITIZEN_QUESTIONS, "items": text(domain::guide::QUESTION_MAX),
                        "description": "how citizens ask about this situation; the chatbot matches them, nobody sees them" } } } },
            "contacts": { "type": "array", "maxItems": domain::guide::MAX_CONTACTS, "items": { "type": "object", "required": ["name", "phone"],
                "properties": { "name": text(120), "phone": { "type": "string" }, "note": text(300), "urgent": { "type": "boolean" } } } },
            "callback_email": { "type": "string", "format": "email" }, "citizen_summary": text(domain::guide::STATUS_MAX) } },
        "NewFeedback": { "type": "object", "required": ["version", "section", "category", "text"], "additionalProperties": false, "properties": {
            "version": { "type": "integer", "minimum": 1 }, "section": words(&sections), "category": words(&feedback_categories),
            "text": text(domain::feedback::TEXT_MAX) } },
        "FeedbackUpdate": { "type": "object", "required": ["state"], "additionalProperties": false, "properties": {
            "state": words(&feedback_states), "resolved_by_version": { "type": "integer", "minimum": 2 } } },
        "NewInquiry": { "type": "object", "required": ["version", "municipality"], "additionalProperties": false, "properties": {
            "version": { "type": "integer", "minimum": 1 },
            "situation": { "type": ["integer", "null"], "minimum": 0, "description": "row of the version's situations; null: not covered" },
            "text": text(domain::inquiry::INQUIRY_TEXT_MAX), "municipality": { "type": "string", "examples": ["0250"] } } },
        "NewCallback": { "type": "object", "required": ["name", "phone", "reason", "municipality"], "additionalProperties": false, "properties": {
            "name": text(120), "phone": { "type": "string", "examples": ["20 30 40 50"] }, "email": { "type": "string" },
            "reason": text(domain::inquiry::REASON_MAX), "municipality": { "type": "string", "examples": ["0250"] } } },
        "ChatRequest": { "type": "object", "required": ["message"], "additionalProperties": false, "properties": {
            "message": text(domain::chat::MESSAGE_MAX), "municipality": { "type": ["string", "null"], "examples": ["0250"] },
            "conversation": { "type": ["string", "null"], "format": "uuid", "description": "from the previous reply, to keep the context" } } },
        "ChatCallback": { "type": "object", "required": ["conversation", "name", "phone", "reason"], "additionalProperties": false, "properties": {
            "conversation": { "type": "string", "format": "uuid" }, "name": text(120), "phone": { "type": "string", "examples": ["20 30 40 50"] },
            "email": { "type": "string" }, "reason": text(domain::inquiry::REASON_MAX) } },
        "UserUpdate": { "type": "object", "required": ["active"], "additionalProperties": false, "properties": { "active": { "type": "boolean" } } },
        "TemplateItem": { "type": "object", "required": ["side", "title", "responsible"], "additionalProperties": false,
            "properties": { "side": words(&sides), "title": text(300), "responsible": words(&roles) } },
        "ActionCard": { "type": "object", "required": ["kind", "title", "problem", "solution", "communication", "responsible", "steps"], "additionalProperties": false,
            "properties": { "kind": words(&kinds), "title": text(200), "problem": text(2000), "solution": text(2000), "communication": text(2000),
                "responsible": words(&roles), "steps": { "type": "array", "maxItems": 30, "items": text(300) } } },
    });
    if let (Some(all), Value::Object(more)) = (out.as_object_mut(), staffing_schemas()) {
        all.extend(more);
    }
    out
}

/// Call statistics and staffing.
fn staffing_schemas() -> Value {
    json!({
        "CallIntervals": { "type": "object", "required": ["intervals"], "additionalProperties": false, "properties": {
            "intervals": { "type": "array", "minItems": 1, "maxItems": domain::calls::MAX_INTERVALS, "items": { "type": "object", "additionalProperties": false,
                "required": ["start", "length_s", "offered", "answered", "abandoned", "answered_within_target", "avg_handle_s", "avg_wait_s"],
                "properties": { "start": { "type": "string", "format": "date-time" }, "length_s": { "type": "integer", "minimum": 60, "maximum": 86400 },
                    "offered": { "type": "integer", "minimum": 0 }, "answered": { "type": "integer", "minimum": 0 }, "abandoned": { "type": "integer", "minimum": 0 },
                    "answered_within_target": { "type": "integer", "minimum": 0 }, "avg_handle_s": { "type": "number", "minimum": 0 },
                    "avg_wait_s": { "type": "number", "minimum": 0 } } } } } },
        "StaffingSettings": { "type": "object", "additionalProperties": false,
            "required": ["interval_s", "target_answer_s", "target_service_level", "shrinkage", "max_occupancy"], "properties": {
            "interval_s": { "enum": [900, 1800, 3600] }, "aht_s": { "type": ["number", "null"], "description": "null: the calls' own average" },
            "target_answer_s": { "type": "number", "minimum": 0, "maximum": 3600, "description": "at most the interval; with patience_s (Erlang A) at most 600" }, "target_service_level": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 },
            "shrinkage": { "type": "number", "minimum": 0, "maximum": 0.95 }, "max_occupancy": { "type": "number", "exclusiveMinimum": 0, "maximum": 1 },
            "patience_s": { "type": ["number", "null"] }, "max_abandon": { "type": ["number", "null"] } } },
        "ShiftPlan": { "type": "object", "required": ["shifts"], "additionalProperties": false, "properties": {
            "shifts": { "type": "array", "minItems": 1, "maxItems": domain::shifts::MAX_SHIFTS, "items": { "type": "object", "required": ["start", "end", "agents"],
                "additionalProperties": false, "properties": { "start": { "type": "string", "format": "date-time" }, "end": { "type": "string", "format": "date-time" },
                    "agents": { "type": "integer", "minimum": 1, "maximum": domain::shifts::MAX_AGENTS_PER_SHIFT } } } },
            "base_share": { "type": "number", "minimum": 0, "maximum": 1, "default": domain::shifts::DEFAULT_BASE_SHARE } } },
        "ShiftBid": { "type": "object", "required": ["shift", "agents"], "additionalProperties": false, "properties": {
            "shift": { "type": "string", "format": "uuid" }, "agents": { "type": "integer", "minimum": 0 } } },
        "ForecastOverride": { "type": "object", "required": ["start", "calls"], "additionalProperties": false, "properties": {
            "start": { "type": "string", "format": "date-time" }, "calls": { "type": ["number", "null"], "minimum": 0, "description": "null: back to the forecast" } } },
        "ErlangRequest": { "type": "object", "required": ["calls", "interval_s", "aht_s", "target_answer_s", "target_service_level"], "additionalProperties": false, "properties": {
            "calls": { "type": "number", "minimum": 0 }, "interval_s": { "type": "number", "exclusiveMinimum": 0 }, "aht_s": { "type": "number", "exclusiveMinimum": 0 },
            "target_answer_s": { "type": "number", "minimum": 0, "maximum": 86400, "description": "at most interval_s; with patience_s (Erlang A) at most 600" }, "target_service_level": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 },
            "shrinkage": { "type": "number", "minimum": 0, "maximum": 0.95, "default": 0 }, "max_occupancy": { "type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 1 },
            "patience_s": { "type": "number", "exclusiveMinimum": 0, "description": "callers' mean patience: Erlang A" },
            "max_abandon": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 } } }
    })
}

/// The response body schema of the main endpoints.
fn response_schema(method: &str, path: &str) -> Option<&'static str> {
    match (method, path) {
        ("post", "/api/v1/incidents") | ("get", "/api/v1/incidents/{id}") | ("post", "/api/v1/incidents/{id}/status") => Some("Incident"),
        ("post", "/api/v1/incidents/{id}/log") => Some("LogEntry"),
        ("get", "/api/v1/incidents/{id}/log/verify") => Some("Verification"),
        _ => None,
    }
}

pub fn build() -> Value {
    let mut paths = serde_json::Map::new();
    for e in ENDPOINTS {
        let params: Vec<Value> = e
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let schema = match name {
                    "id" | "item" => json!({ "type": "string", "format": "uuid" }),
                    "role" => words(&domain::role::StaffRole::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
                    _ => json!({ "type": "string" }),
                };
                json!({ "name": name, "in": "path", "required": true, "schema": schema })
            })
            .collect();
        let error =
            json!({ "description": "error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
        let mut op = json!({
            "summary": e.summary,
            "parameters": params,
            "responses": { "2XX": { "description": "success" }, "4XX": error },
        });
        if let Some(a) = e.action {
            op["x-permission"] = json!(a.as_str());
        }
        if !e.authenticated {
            op["security"] = json!([]);
        }
        if let Some(schema) = response_schema(e.method, e.path) {
            op["responses"]["2XX"]["content"] =
                json!({ "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } });
        }
        if let Some(b) = e.body {
            op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{b}") } } } });
        }
        let entry = paths.entry(e.path.to_string()).or_insert_with(|| json!({}));
        entry[e.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Kriseservice API", "version": env!("CARGO_PKG_VERSION"),
            "description": "Crisis service of a shared municipal contact centre. Errors are {\"error\":{\"code\",\"message\"}}." },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE,
                    "description": "Writes with the cookie also need the X-CSRF-Token header." }
            }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}
