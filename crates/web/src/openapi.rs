//! The OpenAPI 3.1 document at `/api/v1/openapi.json`. Nothing in it is written by hand: every
//! operation comes from a handler's `#[utoipa::path]` and is collected by the same call that
//! routes it (`routes!` in [`crate::api::routes`]), every schema from a type's `ToSchema`
//! derive. Here are only what the whole API shares: the title, the two ways to log in, and the
//! error body on every 4xx and 5xx response.
//!
//! Each operation names the permission it asks as `x-permission` (a word of
//! `domain::Permission`); one that may be called without logging in has the empty requirement
//! `{}` among its `security`.

use crate::error::ErrorBody;
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::LazyLock;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Ref, RefOr, Required, ResponseBuilder, Server,
};
use utoipa::{PartialSchema, ToSchema};

/// What the document holds before the routes add their operations.
pub fn base() -> OpenApi {
    let none: [&str; 0] = [];
    let cookie = ApiKeyValue::with_description(crate::auth::SESSION_COOKIE, "Writes with the cookie also need the X-CSRF-Token header.");
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Kriseservice API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Crisis service of a shared municipal contact centre. Errors are {\"error\":{\"code\",\"message\"}}.")),
        )
        .servers(Some([Server::new("/")]))
        .security(Some([SecurityRequirement::new("bearer", none), SecurityRequirement::new("session", none)]))
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()))
                .security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(cookie)))
                .build(),
        ))
        .build()
}

/// The error body on every operation's 4xx and 5xx responses, and its schemas; the
/// `Idempotency-Key` header on every POST that needs a caller (`crate::idempotency`); a response
/// described by nothing else is described by its status's reason phrase.
fn finish(mut doc: OpenApi) -> OpenApi {
    let error = || {
        ResponseBuilder::new()
            .description("`{\"error\":{\"code\",\"message\",\"fields\"?}}`")
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name(ErrorBody::name()))).build())
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        if let Some(op) = item.post.as_mut().filter(|op| op.security.as_ref().is_none_or(|s| !s.iter().any(anonymous))) {
            op.parameters.get_or_insert_with(Vec::new).push(idempotency_key());
        }
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            for (status, response) in op.responses.responses.iter_mut() {
                let reason = status.parse().ok().and_then(|s| axum::http::StatusCode::from_u16(s).ok()).and_then(|s| s.canonical_reason());
                if let (RefOr::T(r), Some(reason)) = (response, reason)
                    && r.description.is_empty()
                {
                    r.description = reason.to_string();
                }
            }
            for status in ["4XX", "5XX"] {
                op.responses.responses.entry(status.to_string()).or_insert_with(|| RefOr::T(error()));
            }
        }
    }
    let mut schemas = vec![(ErrorBody::name().into_owned(), ErrorBody::schema())];
    ErrorBody::schemas(&mut schemas);
    doc.components.get_or_insert_with(Default::default).schemas.extend(schemas);
    doc
}

/// Whether a security requirement is the empty one: the operation may be called without logging in.
fn anonymous(requirement: &SecurityRequirement) -> bool {
    serde_json::to_value(requirement).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
}

/// The `Idempotency-Key` header, on the operations that honour it (see `crate::idempotency`).
fn idempotency_key() -> Parameter {
    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(crate::idempotency::KEY_MAX))
        .pattern(Some("^[!-~]+$"));
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Lets a client retry a request whose answer it lost without writing twice: the same key with the same request \
             (method, path, body) from the same caller within 24 hours gets the kept answer (with `Idempotent-Replayed: true`) \
             and writes nothing. The same key with another request: 422 `idempotency_key_reused`; while the first request is \
             served: 409 `idempotency_key_in_flight`; an empty key or one over 200 characters: 400. Only a success is kept.",
        ))
        .schema(Some(schema))
        .build()
}

/// The document, from the API's router registration.
pub fn document() -> OpenApi {
    finish(crate::api::routes().into_openapi())
}

/// The document as served: [`document`] with two shapes that validators read otherwise than
/// serde means them mended (see [`mend`]).
pub fn json() -> serde_json::Value {
    let mut doc = serde_json::to_value(document()).expect("the OpenAPI document serialises");
    let schemas = doc["components"]["schemas"].clone();
    mend(&mut doc, &schemas);
    doc
}

/// - A struct with `#[serde(flatten)]` becomes `allOf` of its parts; when a part denies unknown
///   fields (`additionalProperties: false`), JSON Schema would refuse the other parts' fields, so
///   the parts are merged into one object instead.
/// - A tuple becomes `prefixItems`, which some validators (Schemathesis among them) read as the
///   older array form of `items` and refuse; it is written as an array of exactly that many items,
///   each one of the tuple's types.
fn mend(v: &mut serde_json::Value, schemas: &serde_json::Value) {
    use serde_json::{Map, Value};
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(parts)) = o.get("allOf") {
                let resolved: Vec<Value> = parts
                    .iter()
                    .map(|p| match p["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
                        Some(name) => schemas[name].clone(),
                        None => p.clone(),
                    })
                    .collect();
                let closed = resolved.iter().any(|p| p["additionalProperties"] == Value::Bool(false));
                if closed && resolved.iter().all(|p| p["properties"].is_object()) {
                    let (mut properties, mut required) = (Map::new(), Vec::new());
                    for p in &resolved {
                        properties.extend(p["properties"].as_object().cloned().unwrap_or_default());
                        required.extend(p["required"].as_array().cloned().unwrap_or_default());
                    }
                    o.remove("allOf");
                    o.insert("type".into(), "object".into());
                    o.insert("properties".into(), Value::Object(properties));
                    o.insert("required".into(), Value::Array(required));
                    o.insert("additionalProperties".into(), Value::Bool(false));
                }
            }
            if let Some(Value::Array(parts)) = o.remove("prefixItems") {
                o.insert("minItems".into(), parts.len().into());
                o.insert("maxItems".into(), parts.len().into());
                o.insert("items".into(), serde_json::json!({ "anyOf": parts }));
            }
            o.values_mut().for_each(|x| mend(x, schemas));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| mend(x, schemas)),
        _ => {}
    }
}

static JSON: LazyLock<String> = LazyLock::new(|| serde_json::to_string_pretty(&json()).expect("the OpenAPI document serialises"));

/// This document
#[utoipa::path(get, path = "/api/v1/openapi.json", security(()), responses((status = OK, body = serde_json::Value)))]
pub async fn serve() -> axum::response::Response {
    ([(header::CONTENT_TYPE, "application/json")], JSON.as_str()).into_response()
}
