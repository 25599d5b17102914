//! The official log: appending (inside every write that logs), reading, and verifying the chain.

use crate::StoreError;
use crate::backend::prelude::*;
use crate::commit::{Append, Appended};
use crate::idempotency::Claim;
use domain::DomainError;
use domain::incident::Incident;
use domain::log::{Author, LogEntry, NewLogEntry, Stored, Verification, Verifier};
use futures_util::TryStreamExt;
use sqlx::Row;

fn author_of(actor: &Actor) -> Author {
    Author { user_id: actor.user_id, name: actor.name.clone(), role: actor.role, org: actor.org.clone() }
}

operations! {
    uses: incidents, events, idempotency;

    helpers {
        /// Appends to the log of an incident already locked by this transaction, moves the incident's
        /// recorded head, and queues the event.
        pub(crate) async fn append_in_tx(
            tx: &mut Tx,
            incident: &Incident,
            actor: &Actor,
            entry: NewLogEntry,
            at: OffsetDateTime,
            events: &mut Vec<NewEvent>,
        ) -> Result<LogEntry> {
            let mut head = read_head(tx, incident.id).await?;
            let e = chain_in_tx(tx, incident, &mut head, actor, entry, at, events).await?;
            set_head(tx, incident.id, &head).await?;
            Ok(e)
        }

        /// Seals `entry` after `head` (sequence number, hash), inserts it, queues its event and moves
        /// `head` on to it; the caller records the head on the incident. A refused entry writes nothing.
        async fn chain_in_tx(
            tx: &mut Tx,
            incident: &Incident,
            head: &mut (i64, String),
            actor: &Actor,
            entry: NewLogEntry,
            at: OffsetDateTime,
            events: &mut Vec<NewEvent>,
        ) -> Result<LogEntry> {
            let entry = entry.validate(head.0)?;
            let prev = (head.0 > 0).then_some((head.0, head.1.as_str()));
            let e = LogEntry::seal(incident.id, prev, at, author_of(actor), entry);
            sqlx::query(
                "INSERT INTO log_entries (incident_id, seq, at, author_id, author_name, author_role, author_org, category, text, corrects, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(e.incident_id)
            .bind(e.seq)
            .bind(e.at)
            .bind(e.author.user_id)
            .bind(&e.author.name)
            .bind(e.author.role.as_str())
            .bind(&e.author.org)
            .bind(e.category.as_str())
            .bind(&e.text)
            .bind(e.corrects)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .execute(&mut **tx)
            .await?;
            *head = (e.seq, e.hash.clone());
            events.push(NewEvent::about(incident, Event::LogAppended(e.clone())));
            Ok(e)
        }

        async fn read_head(tx: &mut Tx, incident_id: Uuid) -> Result<(i64, String)> {
            Ok(sqlx::query_as("SELECT log_seq, log_hash FROM incidents WHERE id = $1").bind(incident_id).fetch_one(&mut **tx).await?)
        }

        async fn set_head(tx: &mut Tx, incident_id: Uuid, head: &(i64, String)) -> Result<()> {
            sqlx::query("UPDATE incidents SET log_seq = $2, log_hash = $3 WHERE id = $1").bind(incident_id).bind(head.0).bind(&head.1).execute(&mut **tx).await?;
            Ok(())
        }

        /// An incident a batch locked, and its log's head as the batch moves it.
        struct Locked {
            incident: Incident,
            head: (i64, String),
            moved: bool,
        }

        /// One append of a batch. `Ok(Err(_))` is this append's refusal (nothing of it written);
        /// `Err(_)` fails the batch.
        async fn append_one(tx: &mut Tx, locked: &mut Locked, a: Append, events: &mut Vec<NewEvent>) -> Result<Result<Appended>> {
            if let Some(once) = &a.once {
                match claim_in_tx(tx, &once.key, a.at).await? {
                    Claim::Claimed => {}
                    Claim::Replay(reply) => return Ok(Ok(Appended::Replayed(reply))),
                    Claim::InFlight => return Ok(Err(StoreError::KeyInFlight)),
                    Claim::Reused(request) => return Ok(Err(StoreError::KeyReused(request))),
                }
            }
            match chain_in_tx(tx, &locked.incident, &mut locked.head, &a.actor, a.entry, a.at, events).await {
                Ok(e) => {
                    locked.moved = true;
                    if let Some(once) = &a.once {
                        finish_in_tx(tx, &once.key, &(once.render)(&e)).await?;
                    }
                    Ok(Ok(Appended::Fresh(e)))
                }
                Err(StoreError::Domain(d)) => {
                    if let Some(once) = &a.once {
                        release_on(&mut **tx, &once.key).await?;
                    }
                    Ok(Err(StoreError::Domain(d)))
                }
                Err(e) => Err(e),
            }
        }

        /// The time the batch's events are recorded at: that of its last entry.
        fn events_time(outcomes: &[Result<Appended>]) -> OffsetDateTime {
            outcomes.iter().rev().find_map(|o| match o {
                Ok(Appended::Fresh(e)) => Some(e.at),
                _ => None,
            }).unwrap_or_else(domain::time::now)
        }

        /// The row as the hash sees it; columns by position, in the order `verify_log` selects them.
        fn stored_entry(row: &<Db as sqlx::Database>::Row, incident_id: Uuid, seq: i64) -> Result<Stored<'_>> {
            Ok(Stored {
                incident_id,
                seq,
                at: column(row, 1, "at")?,
                author_id: column(row, 2, "author_id")?,
                author_name: column(row, 3, "author_name")?,
                author_role: column::<&str>(row, 4, "author_role")?.parse().map_err(corrupt)?,
                author_org: column(row, 5, "author_org")?,
                category: column::<&str>(row, 6, "category")?.parse().map_err(corrupt)?,
                text: column(row, 7, "text")?,
                corrects: column(row, 8, "corrects")?,
                prev_hash: column(row, 9, "prev_hash")?,
                hash: column(row, 10, "hash")?,
            })
        }

        /// Column `i` of `row`; on failure read again by `name`, so that the error names the column.
        fn column<'r, T: sqlx::Decode<'r, Db> + sqlx::Type<Db>>(row: &'r <Db as sqlx::Database>::Row, i: usize, name: &str) -> Result<T> {
            Ok(row.try_get(i).or_else(|_| row.try_get(name))?)
        }
    }

    ops {
        /// One transaction for a batch of appends (the group commit, see `commit.rs`). The incidents
        /// are locked first, in one order (by id), so that batches on several nodes cannot deadlock; then each
        /// append is chained in arrival order. An append refused by a rule (no such incident, an
        /// invalid entry, a key used for another request) is answered alone and writes nothing; a
        /// database error fails the whole batch.
        pub(crate) write fn append_batch(pool, batch: Vec<Append>) -> Result<Vec<Result<Appended>>> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let mut locked: Vec<(Uuid, Option<Locked>)> = Vec::new();
            let mut ids: Vec<(Uuid, OffsetDateTime)> = batch.iter().map(|a| (a.incident_id, a.at)).collect();
            ids.sort();
            for (id, at) in ids.into_iter().rev() {
                // Reversed, the latest time of each incident comes first: it is what `updated_at` records.
                if locked.last().is_some_and(|(last, _)| *last == id) {
                    continue;
                }
                match lock_incident(&mut tx, id, at).await {
                    Ok(incident) => {
                        let head = read_head(&mut tx, id).await?;
                        locked.push((id, Some(Locked { incident, head, moved: false })));
                    }
                    Err(StoreError::Domain(DomainError::NotFound(_))) => locked.push((id, None)),
                    Err(e) => return Err(e),
                }
            }
            let mut outcomes = Vec::with_capacity(batch.len());
            for a in batch {
                let Some(l) = locked.iter_mut().find(|(id, _)| *id == a.incident_id).and_then(|(_, l)| l.as_mut()) else {
                    outcomes.push(Err(not_found("incident")));
                    continue;
                };
                outcomes.push(append_one(&mut tx, l, a, &mut events).await?);
            }
            for l in locked.iter().filter_map(|(_, l)| l.as_ref()).filter(|l| l.moved) {
                set_head(&mut tx, l.incident.id, &l.head).await?;
            }
            if events.is_empty() {
                return Ok(outcomes); // nothing written: rolled back on drop
            }
            let at = events_time(&outcomes);
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(outcomes)
        }

        pub read fn log(pool, incident_id: Uuid) -> Result<Vec<LogEntry>> {
            let rows: Vec<LogRow> = sqlx::query_as("SELECT * FROM log_entries WHERE incident_id = $1 ORDER BY seq")
                .bind(incident_id)
                .fetch_all(pool)
                .await?;
            rows.into_iter().map(LogRow::into_domain).collect()
        }

        /// The log and the head the incident records, in one read snapshot: a view that verifies
        /// the one against the other must not take an append meanwhile for tampering.
        pub read fn log_with_head(pool, incident_id: Uuid) -> Result<(Vec<LogEntry>, Option<(i64, String)>)> {
            let mut tx = if POSTGRES { pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await? } else { pool.begin().await? };
            let head = sqlx::query_as("SELECT log_seq, log_hash FROM incidents WHERE id = $1").bind(incident_id).fetch_optional(&mut *tx).await?;
            let rows: Vec<LogRow> =
                sqlx::query_as("SELECT * FROM log_entries WHERE incident_id = $1 ORDER BY seq").bind(incident_id).fetch_all(&mut *tx).await?;
            Ok((rows.into_iter().map(LogRow::into_domain).collect::<Result<_>>()?, head))
        }

        /// The head of an incident's log as the incident records it: (last sequence number, its hash).
        pub read fn log_head(pool, incident_id: Uuid) -> Result<Option<(i64, String)>> {
            Ok(sqlx::query_as("SELECT log_seq, log_hash FROM incidents WHERE id = $1").bind(incident_id).fetch_optional(pool).await?)
        }

        /// Verifies an incident's log against its hash chain and the head recorded on the incident
        /// (`None`: no such incident). Rows are hashed as they stream in, reading only what the hash
        /// covers (`incident_id` is the one asked for: the query selects by it), in one read-only
        /// snapshot with the head, so that an append meanwhile cannot look like tampering. A row edited
        /// so that it no longer reads back breaks the log at that entry, before any chain break, as
        /// reading the whole log first would find it.
        pub read fn verify_log(pool, incident_id: Uuid) -> Result<Option<Verification>> {
            let mut tx = if POSTGRES { pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await? } else { pool.begin().await? };
            let head: Option<(i64, String)> =
                sqlx::query_as("SELECT log_seq, log_hash FROM incidents WHERE id = $1").bind(incident_id).fetch_optional(&mut *tx).await?;
            let Some((head_seq, head_hash)) = head else { return Ok(None) };
            let mut rows = sqlx::query(
                "SELECT seq, at, author_id, author_name, author_role, author_org, category, text, corrects, prev_hash, hash
                 FROM log_entries WHERE incident_id = $1 ORDER BY seq",
            )
            .bind(incident_id)
            .fetch(&mut *tx);
            let mut verifier = Verifier::new();
            let mut position = 0;
            while let Some(row) = rows.try_next().await? {
                position += 1;
                let seq: i64 = column(&row, 0, "seq")?;
                match stored_entry(&row, incident_id, seq) {
                    Ok(e) => {
                        verifier.push(&e);
                    }
                    Err(e) => {
                        let reason = format!("the stored entry cannot be read back: {e}");
                        return Ok(Some(Verification { valid: false, entries: position, first_invalid: Some(seq), reason: Some(reason) }));
                    }
                }
            }
            Ok(Some(verifier.finish_at_head(head_seq, &head_hash)))
        }
    }
}
