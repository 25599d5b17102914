//! Kriseservice over HTTP: the JSON API under `/api/v1`, the Danish server-rendered pages,
//! Server-Sent Events, and the operational endpoints.

pub mod actions;
mod api;
pub mod auth;
pub mod error;
mod i18n;
mod metrics;
pub mod openapi;
mod pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::sync::Arc;
use std::time::Duration;
use store::Store;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark the session cookie `Secure` (set when served over TLS).
    pub secure_cookies: bool,
    pub session_lifetime: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            session_lifetime: Duration::from_secs(12 * 3600),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub throttle: Arc<auth::Throttle>,
    pub metrics: Arc<metrics::Metrics>,
}

/// Request bodies above this are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn router(store: Store, config: Config) -> Router {
    let state = AppState {
        store,
        config: Arc::new(config),
        throttle: Arc::new(auth::Throttle::default()),
        metrics: Arc::new(metrics::Metrics::default()),
    };
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(metrics::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
