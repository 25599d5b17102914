//! `GET /api/v1/events`: Server-Sent Events. A client that reconnects with `Last-Event-ID`
//! first gets what it missed from the event table, then the live stream, with no gap and no repeat.

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use domain::event::Event;
use domain::{Action, Actor};
use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

pub async fn stream(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    headers: HeaderMap,
) -> Result<Sse<impl futures_util::Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let actor = c.actor();
    actor.may(Action::ViewIncidents)?;
    let from = match headers.get("last-event-id").and_then(|v| v.to_str().ok()) {
        Some(v) => v
            .trim()
            .parse::<i64>()
            .map_err(|_| ApiError::bad_request("Last-Event-ID must be an event id (a number)"))?,
        None => s.store.last_event_seq().await?,
    };
    // Subscribe before reading the backlog, so nothing committed in between is lost.
    let live = s.store.subscribe();
    let (tx, mut rx) = mpsc::channel::<SseEvent>(256);
    tokio::spawn(pump(s.clone(), actor, from, live, tx));
    let out = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|o| o.map(Ok)));
    Ok(Sse::new(out).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn to_sse(e: &Event) -> SseEvent {
    SseEvent::default()
        .id(e.seq.to_string())
        .event(e.kind.as_str())
        .data(serde_json::json!(e).to_string())
}

/// Feeds one client until it goes away.
async fn pump(
    s: AppState,
    actor: Actor,
    mut last: i64,
    mut live: broadcast::Receiver<Event>,
    tx: mpsc::Sender<SseEvent>,
) {
    s.metrics.sse_clients.fetch_add(1, Ordering::Relaxed);
    'outer: loop {
        // Catch up from the table (on connect, and whenever this client fell behind the bus).
        loop {
            let Ok(batch) = s.store.events_since(last, 500).await else {
                break 'outer;
            };
            let n = batch.len();
            for e in batch {
                last = e.seq;
                if actor.sees(&e.affected) && tx.send(to_sse(&e)).await.is_err() {
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
            };
            match next {
                Ok(e) if e.seq <= last => {}
                Ok(e) => {
                    last = e.seq;
                    if actor.sees(&e.affected) && tx.send(to_sse(&e)).await.is_err() {
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
