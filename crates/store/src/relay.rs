//! The event relay: committed events, in sequence order, onto the in-process bus.

use crate::Store;
use domain::event::Committed;
use std::time::Duration;
use tokio::sync::{Notify, broadcast};

/// How often the relay looks for events even when nobody woke it: catches what a dropped
/// `LISTEN` connection missed.
const SWEEP: Duration = Duration::from_millis(1000);
const BATCH: i64 = 500;

pub struct Bus {
    tx: broadcast::Sender<Committed>,
    wake: Notify,
}

impl Bus {
    pub fn new() -> Bus {
        Bus { tx: broadcast::channel(4096).0, wake: Notify::new() }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Committed> {
        self.tx.subscribe()
    }

    pub fn poke(&self) {
        self.wake.notify_one();
    }
}

pub fn start(store: Store, mut last: i64, listen: Option<sqlx::PgPool>) {
    if let Some(pool) = listen {
        tokio::spawn(listen_forever(pool, store.clone()));
    }
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = store.bus.wake.notified() => {}
                _ = tokio::time::sleep(SWEEP) => {}
            }
            loop {
                match store.events_since(last, BATCH).await {
                    Ok(events) => {
                        let full = events.len() as i64 == BATCH;
                        for e in events {
                            last = e.seq;
                            // No subscribers is fine: the events stay in the table for catch-up.
                            let _ = store.bus.tx.send(e);
                        }
                        if !full {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event relay cannot read events; retrying");
                        break;
                    }
                }
            }
        }
    });
}

/// PostgreSQL: wake the relay whenever any node commits an event.
async fn listen_forever(pool: sqlx::PgPool, store: Store) {
    loop {
        match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen("kriseservice_events").await {
                    tracing::warn!(error = %e, "LISTEN failed; retrying");
                } else {
                    store.bus.poke();
                    while listener.recv().await.is_ok() {
                        store.bus.poke();
                    }
                    tracing::warn!("LISTEN connection lost; reconnecting");
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot open LISTEN connection; retrying"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
