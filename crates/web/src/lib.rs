//! Kriseservice over HTTP: the JSON API under `/api/v1`, the Danish server-rendered pages,
//! Server-Sent Events, and the operational endpoints.

pub mod actions;
mod api;
pub mod auth;
pub mod error;
mod i18n;
pub mod jobs;
pub mod live;
mod metrics;
pub mod openapi;
mod pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark the session cookie `Secure` (set when served over TLS).
    pub secure_cookies: bool,
    pub session_lifetime: Duration,
    /// Ends long-lived streams when the server stops, so a graceful shutdown does not wait on them.
    pub shutdown: Shutdown,
    /// The collaboration's crisis line, shown on the public crisis pages.
    pub crisis_line: Option<String>,
    /// The service's public address (`https://krise.example.dk`): what the CAP feed and SMS
    /// texts link to. Without it, the request's host.
    pub public_url: Option<String>,
    /// Chatbot messages per client address per minute; 0 turns the limit off.
    pub chat_per_minute: u32,
    /// Load balancers and reverse proxies whose `X-Forwarded-For` names the client; without them
    /// every citizen behind one load balancer would share one rate limit.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            session_lifetime: Duration::from_secs(12 * 3600),
            shutdown: Shutdown::default(),
            crisis_line: None,
            public_url: None,
            chat_per_minute: 30,
            trusted_proxies: Vec::new(),
        }
    }
}

/// A one-way signal: once triggered, every `wait` returns.
#[derive(Debug, Clone)]
pub struct Shutdown(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown(Arc::new(tokio::sync::watch::channel(false).0))
    }
}

impl Shutdown {
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }

    pub async fn wait(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub throttle: Arc<auth::Throttle>,
    pub metrics: Arc<metrics::Metrics>,
    pub public: Arc<pages::public::PublicCache>,
    pub live: Arc<live::Live>,
    pub chat: Arc<actions::chat::Chat>,
}

/// Request bodies above this are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 64 * 1024;
/// A contact-centre export of call statistics: 2,000 rows and room to spare.
pub const CSV_LIMIT: usize = 512 * 1024;

pub fn router(store: Store, config: Config) -> Router {
    let chat = Arc::new(actions::chat::Chat::new(config.chat_per_minute));
    let state = AppState {
        store,
        config: Arc::new(config),
        throttle: Arc::new(auth::Throttle::default()),
        metrics: Arc::new(metrics::Metrics::default()),
        public: Arc::new(pages::public::PublicCache::default()),
        live: Arc::new(live::Live::default()),
        chat,
    };
    pages::public::PublicCache::follow(state.public.clone(), state.store.subscribe());
    state.live.clone().follow(state.store.clone());
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(metrics::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Safe defaults for every response; the embeddable public page sets its own frame policy.
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("frame-ancestors 'none'")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::count))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}
