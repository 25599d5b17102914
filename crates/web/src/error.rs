//! One error type for every handler; it knows its HTTP status and renders as
//! `{"error":{"code","message"}}` (with `fields` when validation lists problems).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::{DomainError, FieldError};
use serde::de::DeserializeOwned;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
    /// Seconds after which a retry may succeed, sent as `Retry-After` (with 429 and 503).
    pub retry_after: Option<u64>,
}

/// What a 503 tells the client to wait when nothing more precise is known.
pub const RETRY_AFTER_UNAVAILABLE: u64 = 5;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        let retry_after = (status == StatusCode::SERVICE_UNAVAILABLE).then_some(RETRY_AFTER_UNAVAILABLE);
        ApiError { status, code, message: message.into(), fields: Vec::new(), retry_after }
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "log in first: send a session cookie or an 'Authorization: Bearer' token")
    }
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> ApiError {
        match e {
            DomainError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            DomainError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            DomainError::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, "not_found", m),
            DomainError::Invalid(fields) => {
                let message = DomainError::Invalid(fields.clone()).to_string();
                ApiError { fields, ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", message) }
            }
        }
    }
}

/// The one mapping from what a use case answered to an HTTP status.
impl From<app::Error> for ApiError {
    fn from(e: app::Error) -> ApiError {
        use app::{Error, Refusal};
        let message = e.to_string();
        match e {
            Error::Domain(d) => d.into(),
            Error::Refused { refusal, code, message } => {
                let status = match refusal {
                    Refusal::BadRequest => StatusCode::BAD_REQUEST,
                    Refusal::NotFound => StatusCode::NOT_FOUND,
                    Refusal::Conflict => StatusCode::CONFLICT,
                    Refusal::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
                };
                ApiError::new(status, code, message)
            }
            Error::Unauthenticated { code, message } => ApiError::new(StatusCode::UNAUTHORIZED, code, message),
            Error::TooMany { code, message, retry_after_s } => {
                ApiError { retry_after: Some(retry_after_s), ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, code, message) }
            }
            Error::NotReady => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", message),
            Error::NotConfigured(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_configured", message),
            Error::Unavailable(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message),
            Error::Corrupt(_) | Error::Internal(_) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message),
        }
    }
}

/// The body of every error response: `{"error":{"code","message","fields"?}}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `not_found`, `forbidden`, `validation_failed`, …
    pub code: &'static str,
    /// For people.
    pub message: String,
    /// With `validation_failed`: what is wrong with which field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub fields: Vec<FieldError>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = retry_header(self.retry_after);
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message, fields: self.fields } };
        (self.status, retry, axum::Json(body)).into_response()
    }
}

/// The `Retry-After` header for a wait, if there is one.
pub fn retry_header(seconds: Option<u64>) -> axum::response::AppendHeaders<Option<(axum::http::HeaderName, String)>> {
    axum::response::AppendHeaders(seconds.map(|s| (axum::http::header::RETRY_AFTER, s.to_string())))
}

/// `axum::Json`, but every rejection is one of our JSON errors with a precise status, and the
/// body must be a JSON object, as every request body in the document is (serde would also take
/// a struct written as an array of its fields). [`JsonOrList`] takes an array too.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        json_body(req, state, false).await.map(Json)
    }
}

/// [`Json`] for a body that may also be a bare JSON array (a list of rows).
pub struct JsonOrList<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonOrList<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        json_body(req, state, true).await.map(JsonOrList)
    }
}

async fn json_body<T: DeserializeOwned, S: Send + Sync>(req: Request, state: &S, list: bool) -> Result<T, ApiError> {
    let json = req.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        let mime = v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
    });
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send JSON with 'Content-Type: application/json'",
        ));
    }
    let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large"),
        _ => ApiError::bad_request(e.body_text()),
    })?;
    // Anything but an array fails as serde says (a syntax error, or a scalar for an object).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') && !list {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "the body must be a JSON object, not an array"));
    }
    // Syntax first, as axum reports it; then the value, with whole numbers written as `3.0`
    // taken as the integers JSON Schema says they are.
    let mut value = axum::Json::<serde_json::Value>::from_bytes(&bytes).map_err(json_rejection)?.0;
    whole_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", e.to_string()))
}

/// `3.0` becomes `3`: to JSON Schema (and so to the OpenAPI document) it is an integer, to serde
/// a float that an integer field refuses.
fn whole_numbers_as_integers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *v = Value::from(f as i64);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(o) => o.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    let status = r.status();
    let detail = match &r {
        JsonRejection::JsonDataError(e) => std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_else(|| e.body_text()),
        other => other.body_text(),
    };
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(status, "payload_too_large", "the request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::new(status, "unsupported_media_type", "send JSON with 'Content-Type: application/json'")
        }
        StatusCode::UNPROCESSABLE_ENTITY => ApiError::new(status, "invalid_field", detail),
        _ => ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", detail),
    }
}

/// `axum::extract::Path` with our error.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e: PathRejection| ApiError::bad_request(format!("invalid path: {}", e.body_text())))
    }
}

/// `axum::extract::Query` with our error.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            // A query value that does not fit is the same kind of error as a body field that does not.
            .map_err(|e: QueryRejection| {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", format!("invalid query: {}", e.body_text()))
            })
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
