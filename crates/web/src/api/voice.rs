//! The voicebot / IVR: the contact-centre platform asks, per municipality, whether a crisis is
//! active, where to route and what to say — as VoiceXML, JSON or XML. Bearer tokens only: a
//! staff member's token or the platform's integration token. Served from the live snapshot.

use crate::AppState;
use crate::auth::secret_hash;
use crate::error::{ApiError, Path};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use channels::routing::Routing;
use channels::voice::{self, VoiceOptions};
use domain::Permission;
use std::collections::HashMap;

/// The VoiceXML documents, at the addresses an IVR platform is configured with.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/ivr/{file}", axum::routing::get(vxml)).route("/ivr/{code}/callback", axum::routing::post(callback))
}

/// Who asks the voice channel: a person's token, or an integration's.
pub struct VoiceCaller(pub String);

impl FromRequestParts<AppState> for VoiceCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        let Some(token) = bearer.map(str::trim) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send 'Authorization: Bearer <token>': a staff token or an integration token",
            ));
        };
        Ok(VoiceCaller(state.app.voice_caller(&secret_hash(token)).await?))
    }
}

/// `0250.vxml` → `0250`; `0250.xml` → `0250` and XML; a bare code → JSON.
fn split(file: &str) -> (&str, Option<&str>) {
    match file.rsplit_once('.') {
        Some((code, ext)) => (code, Some(ext)),
        None => (file, None),
    }
}

const VXML: &str = "application/voicexml+xml; charset=utf-8";

/// `GET /ivr/{code}.vxml`: the call flow for one municipality's callers.
pub async fn vxml(State(s): State<AppState>, _c: VoiceCaller, Path(file): Path<String>) -> Result<Response, ApiError> {
    let (code, ext) = split(&file);
    if ext != Some("vxml") {
        return Err(ApiError::not_found("voice document: ask for /ivr/{code}.vxml"));
    }
    let line = s.app.voice_line(code)?;
    let callback_url = format!("/ivr/{code}/callback");
    let options = VoiceOptions { municipality: &line.area, crisis_line: &line.crisis_line, callback_url: &callback_url };
    let doc = voice::vxml(line.current(), &options);
    Ok(([(header::CONTENT_TYPE, VXML), (header::CACHE_CONTROL, "no-store")], doc).into_response())
}

/// `POST /ivr/{code}/callback`: the caller pressed 3; the platform sends the caller's number
/// (`caller`, a `tel:` URI). Answers with a VoiceXML document either way, so the call goes on.
pub async fn callback(
    State(s): State<AppState>,
    VoiceCaller(who): VoiceCaller,
    Path(code): Path<String>,
    axum::extract::Form(form): axum::extract::Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let line = s.app.voice_line(&code)?;
    let callback_url = format!("/ivr/{code}/callback");
    let options = VoiceOptions { municipality: &line.area, crisis_line: &line.crisis_line, callback_url: &callback_url };
    let raw = form.get(voice::CALLBACK_FIELD).map(String::as_str).unwrap_or_default();
    let number = raw.trim_start_matches("tel:").split([';', '@']).next().unwrap_or_default();
    let created = match line.current() {
        Some(p) => s.app.voice_callback(&who, p.incident.id, &code, number).await,
        None => false,
    };
    let doc = if created { voice::callback_confirmation() } else { voice::callback_failed(&options) };
    Ok(([(header::CONTENT_TYPE, VXML), (header::CACHE_CONTROL, "no-store")], doc).into_response())
}

/// IVR routing for a municipality: crisis_active, route_to, message_text, message_ssml (JSON; {code}.xml for XML). Bearer token: staff or integration
///
/// `{code}` (JSON) and `{code}.xml` (XML, for platforms that call a web service over HTTP GET):
/// whether to route to the crisis line, and what to say.
#[utoipa::path(get, path = "/api/v1/ivr/{code}", security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::UseVoiceChannel))),
    responses((status = OK, content((Routing = "application/json"), (String = "application/xml")))))]
pub async fn routing(State(s): State<AppState>, _c: VoiceCaller, Path(code): Path<String>) -> Result<Response, ApiError> {
    let (code, ext) = split(&code);
    if !matches!(ext, None | Some("xml") | Some("json")) {
        return Err(ApiError::not_found("routing format: ask for /api/v1/ivr/{code} (JSON) or /api/v1/ivr/{code}.xml"));
    }
    let line = s.app.voice_line(code)?;
    let r = channels::routing::routing(line.current(), &line.area, &line.crisis_line);
    if ext == Some("xml") {
        let xml = channels::routing::to_xml(&r);
        return Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], xml).into_response());
    }
    Ok(([(header::CACHE_CONTROL, "no-store")], axum::Json(r)).into_response())
}
