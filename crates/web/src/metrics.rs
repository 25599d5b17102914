//! `/healthz`, `/readyz` and `/metrics` (Prometheus text format).

use crate::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Metrics {
    /// Responses by status class: 2xx, 3xx, 4xx, 5xx.
    responses: [AtomicU64; 4],
    pub sse_clients: AtomicU64,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics))
}

pub async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let class = (res.status().as_u16() / 100).clamp(2, 5) as usize - 2;
    state.metrics.responses[class].fetch_add(1, Ordering::Relaxed);
    res
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready when the database answers and the channels have read the published guides once (until
/// then the chatbot and the IVR answer 503, so a load balancer should not send citizens here yet).
async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.ping().await {
        Ok(()) if !state.app.live().crises().loaded => (StatusCode::SERVICE_UNAVAILABLE, "loading the published guides\n").into_response(),
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let m = &state.metrics;
    let mut out = String::from(
        "# HELP kriseservice_http_responses_total HTTP responses by status class.\n# TYPE kriseservice_http_responses_total counter\n",
    );
    for (i, class) in ["2xx", "3xx", "4xx", "5xx"].iter().enumerate() {
        out.push_str(&format!("kriseservice_http_responses_total{{class=\"{class}\"}} {}\n", m.responses[i].load(Ordering::Relaxed)));
    }
    out.push_str("# HELP kriseservice_sse_clients Open Server-Sent Events streams.\n# TYPE kriseservice_sse_clients gauge\n");
    out.push_str(&format!("kriseservice_sse_clients {}\n", m.sse_clients.load(Ordering::Relaxed)));
    let last = state.app.last_event_seq().await.unwrap_or(-1);
    out.push_str("# HELP kriseservice_last_event_seq Highest committed event sequence number (-1: database unreachable).\n# TYPE kriseservice_last_event_seq gauge\n");
    out.push_str(&format!("kriseservice_last_event_seq {last}\n"));
    out.push_str(&format!("# HELP kriseservice_info Build and backend.\n# TYPE kriseservice_info gauge\nkriseservice_info{{version=\"{}\",backend=\"{}\"}} 1\n", env!("CARGO_PKG_VERSION"), state.app.backend()));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
