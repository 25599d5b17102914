//! Events: the outbox, written in the same transaction as the change, and read back in order.

use crate::backend::prelude::*;
use domain::event::{AdminChange, Committed};

operations! {
    helpers {
        /// Writes the transaction's events, last thing before commit.
        pub(crate) async fn emit_all(tx: &mut Tx, events: Vec<NewEvent>, at: OffsetDateTime) -> Result<()> {
            if POSTGRES {
                // Serialise event writers so sequence order is commit order: a reader catching up with
                // `seq > last` then never skips an event that commits late. Taken last, held briefly.
                sqlx::query("SELECT pg_advisory_xact_lock(4242)").execute(&mut **tx).await?;
            }
            let mut last: i64 = 0;
            for ev in events {
                last = sqlx::query_scalar("INSERT INTO events (kind, incident_id, affected, at, payload) VALUES ($1, $2, $3, $4, $5) RETURNING seq")
                    .bind(ev.event.kind().as_str())
                    .bind(ev.incident_id)
                    .bind(ev.affected.join(","))
                    .bind(at)
                    .bind(ev.event.payload().to_string())
                    .fetch_one(&mut **tx)
                    .await?;
            }
            if POSTGRES {
                // Delivered at commit, to every node's listener.
                sqlx::query("SELECT pg_notify('kriseservice_events', $1)").bind(last.to_string()).execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// The secretariat's changes leave a trail in the event table too.
        pub(crate) async fn admin_event(tx: &mut Tx, change: AdminChange, by: &str, at: OffsetDateTime) -> Result<()> {
            emit_all(tx, vec![NewEvent::general(Event::AdminChanged { change, by: by.to_string() })], at).await
        }
    }

    ops {
        /// Committed events after `after`, in order. A row that no longer parses is reported and skipped,
        /// so one damaged row cannot stop live updates for everyone.
        pub read fn events_since(pool, after: i64, limit: i64) -> Result<Vec<Committed>> {
            let rows: Vec<EventRow> = sqlx::query_as("SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            Ok(rows
                .into_iter()
                .filter_map(|r| match r.into_domain() {
                    Ok(e) => Some(e),
                    Err(e) => {
                        tracing::error!(error = %e, "skipping an unreadable event row");
                        None
                    }
                })
                .collect())
        }

        pub read fn last_event_seq(pool) -> Result<i64> {
            Ok(sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events").fetch_one(pool).await?)
        }
    }
}
