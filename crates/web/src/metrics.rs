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
/// The body says, a line each, how every dependency is: `ready` on the first line, or what is not.
async fn readyz(State(state): State<AppState>) -> Response {
    let database = match (state.app.database_down_for(), state.app.ping().await) {
        (Some(d), _) => format!("database: down for {} s", d.as_secs()),
        (None, Err(e)) => {
            tracing::warn!(error = %e, "not ready");
            "database: unreachable".to_string()
        }
        (None, Ok(())) => "database: up".to_string(),
    };
    let guides = if state.app.live().crises().loaded { "published guides: loaded" } else { "published guides: loading" };
    let spool = state.app.spool_counts().map(|c| format!("spool: {} waiting", c.waiting));
    let ready = database.ends_with(": up") && state.app.live().crises().loaded;
    let mut body = vec![if ready { "ready" } else { "not ready" }.to_string(), database, guides.to_string()];
    body.extend(spool);
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, body.join("\n") + "\n").into_response()
}

/// Open to the monitoring system without a login; the build and backend (`kriseservice_info`,
/// what a scanner would look for) only to a signed-in caller or a bearer token.
async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let m = &state.metrics;
    let mut out = String::from(
        "# HELP kriseservice_http_responses_total HTTP responses by status class.\n# TYPE kriseservice_http_responses_total counter\n",
    );
    for (i, class) in ["2xx", "3xx", "4xx", "5xx"].iter().enumerate() {
        out.push_str(&format!("kriseservice_http_responses_total{{class=\"{class}\"}} {}\n", m.responses[i].load(Ordering::Relaxed)));
    }
    out.push_str("# HELP kriseservice_sse_clients Open Server-Sent Events streams.\n# TYPE kriseservice_sse_clients gauge\n");
    out.push_str(&format!("kriseservice_sse_clients {}\n", m.sse_clients.load(Ordering::Relaxed)));
    if let Some(c) = state.app.spool_counts() {
        out.push_str("# HELP kriseservice_spool_total Citizens' requests kept on local disk while the database was away, by what became of them.\n# TYPE kriseservice_spool_total counter\n");
        for (what, n) in [("spooled", c.spooled), ("drained", c.drained), ("rejected", c.rejected)] {
            out.push_str(&format!("kriseservice_spool_total{{what=\"{what}\"}} {n}\n"));
        }
        out.push_str("# HELP kriseservice_spool_waiting Requests in the spool now.\n# TYPE kriseservice_spool_waiting gauge\n");
        out.push_str(&format!("kriseservice_spool_waiting {}\n", c.waiting));
    }
    let up = if state.app.database_down_for().is_some() { 0 } else { 1 };
    out.push_str(&format!("# HELP kriseservice_database_up Whether the database answers (0 while it is known to be down).\n# TYPE kriseservice_database_up gauge\nkriseservice_database_up {up}\n"));
    let last = state.app.last_event_seq().await.unwrap_or(-1);
    out.push_str("# HELP kriseservice_last_event_seq Highest committed event sequence number (-1: database unreachable).\n# TYPE kriseservice_last_event_seq gauge\n");
    out.push_str(&format!("kriseservice_last_event_seq {last}\n"));
    if matches!(crate::auth::identify(&state, &headers).await, Ok(Some(_))) {
        out.push_str(&format!("# HELP kriseservice_info Build and backend.\n# TYPE kriseservice_info gauge\nkriseservice_info{{version=\"{}\",backend=\"{}\"}} 1\n", env!("CARGO_PKG_VERSION"), state.app.backend()));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
