//! Kriseservice over HTTP: the JSON API under `/api/v1`, the Danish server-rendered pages,
//! Server-Sent Events, and the operational endpoints.

mod api;
pub mod auth;
pub mod error;
mod headers;
mod i18n;
pub mod idempotency;
mod metrics;
pub mod openapi;
mod pages;
mod pdf;

use app::{App, Shutdown};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::sync::Arc;

pub use api::documented_only as api_guard;

/// Settings the web layer needs; the use cases take theirs in [`app::Config`].
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Mark the session cookie `Secure` (set when served over TLS).
    pub secure_cookies: bool,
    /// Ends long-lived streams when the server stops, so a graceful shutdown does not wait on them.
    pub shutdown: Shutdown,
    /// The service's public address (`https://krise.example.dk`): what the CAP feed and SMS
    /// texts link to. Without it, the request's host.
    pub public_url: Option<String>,
    /// Load balancers and reverse proxies whose `X-Forwarded-For` names the client; without them
    /// every citizen behind one load balancer would share one rate limit.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<Config>,
    pub metrics: Arc<metrics::Metrics>,
    pub public: Arc<pages::public::PublicCache>,
}

/// Request bodies above this are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 64 * 1024;
/// A contact-centre export of call statistics: 2,000 rows and room to spare.
pub const CSV_LIMIT: usize = 512 * 1024;

pub fn router(app: App, config: Config) -> Router {
    let state = AppState {
        config: Arc::new(config),
        metrics: Arc::new(metrics::Metrics::default()),
        public: Arc::new(pages::public::PublicCache::default()),
        app,
    };
    let api = api::router().route_layer(axum::middleware::from_fn_with_state(state.clone(), idempotency::keep));
    let mut router = Router::new().merge(api).merge(pages::routes()).merge(metrics::routes());
    if cfg!(debug_assertions) {
        router = router.layer(axum::middleware::from_fn(api::documented_only));
    }
    router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), headers::secure))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::count))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}
