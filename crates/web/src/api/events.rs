//! `GET /api/v1/events`: Server-Sent Events. A client resumes after an event id, from the
//! `Last-Event-ID` header (EventSource reconnects) or `?after=N` (a page that knows what it
//! rendered): it first gets what it missed from the event table, then the live stream, with no
//! gap and no repeat. The stream ends when the credential stops being valid or the server stops.

use crate::AppState;
use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, Query};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use domain::event::Committed as Event;
use domain::{Actor, Permission};
use serde::Deserialize;
use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// How often a long-lived stream checks that its session or token still holds.
const RECHECK: Duration = Duration::from_secs(30);

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Resume {
    /// Resume after this event id (the `Last-Event-ID` header wins).
    after: Option<i64>,
}

/// Server-Sent Events; resume with Last-Event-ID
///
/// Each event's `id` is its sequence number, its `event` the kind, its `data` the event as JSON.
#[utoipa::path(get, path = "/api/v1/events", extensions(("x-permission" = json!(Permission::ViewIncidents))),
    params(Resume, ("last-event-id" = Option<i64>, Header, description = "the last event id received")),
    responses((status = OK, body = String, content_type = "text/event-stream")))]
pub async fn stream(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(q): Query<Resume>,
    headers: HeaderMap,
) -> Result<Sse<impl futures_util::Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    c.actor().may(Permission::ViewIncidents)?;
    let header = match headers.get("last-event-id").and_then(|v| v.to_str().ok()) {
        Some(v) => Some(v.trim().parse::<i64>().map_err(|_| ApiError::bad_request("Last-Event-ID must be an event id (a number)"))?),
        None => None,
    };
    let from = match header.or(q.after) {
        Some(n) => n,
        None => s.app.last_event_seq().await?,
    };
    // Subscribe before reading the backlog, so nothing committed in between is lost.
    let live = s.app.subscribe();
    let (tx, mut rx) = mpsc::channel::<SseEvent>(256);
    tokio::spawn(pump(s.clone(), c, from, live, tx));
    let out = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|o| o.map(Ok)));
    Ok(Sse::new(out).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Runs once per event and subscriber: serialised straight to text, without a `Value` in between
/// (which cost ~40 % of the server's fan-out CPU in `bench/fanout`).
fn to_sse(e: &Event) -> SseEvent {
    let data = serde_json::to_string(e).unwrap_or_else(|_| "{}".into());
    SseEvent::default().id(e.seq.to_string()).event(e.kind.as_str()).data(data)
}

/// Whether `e` may have ended this caller's credential: a deactivation of the caller, or a
/// revocation of one of the caller's tokens. (Only those are checked: with thousands of streams
/// open, every stream asking the database at each administrative change would be a stampede.)
fn concerns_credential(e: &Event, caller: &Caller) -> bool {
    let detail = &e.payload["detail"];
    let me = caller.user.id.to_string();
    e.kind == domain::event::EventKind::AdminChanged
        && match e.payload["what"].as_str() {
            Some("user.active") => detail["id"].as_str() == Some(me.as_str()),
            Some("token.revoked") => detail["user"].as_str() == Some(me.as_str()),
            _ => false,
        }
}

/// Sends `e` if this actor may see it; `false` once the client has gone, or when `e` is an
/// administrative change (a deactivation, a revocation) after which the credential no longer
/// holds: then the stream closes now, not at the next periodic check.
async fn deliver(s: &AppState, caller: &Caller, actor: &Actor, e: &Event, tx: &mpsc::Sender<SseEvent>) -> bool {
    if concerns_credential(e, caller) && !crate::auth::still_valid(s, caller).await {
        return false;
    }
    !actor.sees_event(e) || tx.send(to_sse(e)).await.is_ok()
}

/// Feeds one client until it goes away, its credential lapses or the server shuts down.
async fn pump(s: AppState, caller: Caller, mut last: i64, mut live: broadcast::Receiver<Event>, tx: mpsc::Sender<SseEvent>) {
    let actor = caller.actor();
    s.metrics.sse_clients.fetch_add(1, Ordering::Relaxed);
    let mut recheck = tokio::time::interval(RECHECK);
    recheck.tick().await;
    'outer: loop {
        // Catch up from the table (on connect, and whenever this client fell behind the bus).
        loop {
            let Ok(batch) = s.app.events_since(last, 500).await else { break 'outer };
            let n = batch.len();
            for e in batch {
                last = e.seq;
                if !deliver(&s, &caller, &actor, &e, &tx).await {
                    break 'outer;
                }
            }
            if n < 500 {
                break;
            }
        }
        loop {
            let next = tokio::select! {
                r = live.recv() => r,
                _ = tx.closed() => break 'outer,
                _ = s.config.shutdown.wait() => break 'outer,
                _ = recheck.tick() => {
                    if !crate::auth::still_valid(&s, &caller).await {
                        break 'outer;
                    }
                    continue;
                }
            };
            match next {
                Ok(e) if e.seq <= last => {}
                Ok(e) => {
                    last = e.seq;
                    // A deactivation or a revocation may be this client's: it closes the stream
                    // now, not at the next periodic check.
                    if e.kind == domain::event::EventKind::AdminChanged && !crate::auth::still_valid(&s, &caller).await {
                        break 'outer;
                    }
                    if !deliver(&s, &caller, &actor, &e, &tx).await {
                        break 'outer;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue 'outer,
                Err(broadcast::error::RecvError::Closed) => break 'outer,
            }
        }
    }
    s.metrics.sse_clients.fetch_sub(1, Ordering::Relaxed);
}
