//! The outbox of every channel: a message is queued in the transaction that decides to send it
//! and claimed by a delivery worker off the request path. A claimed mail is leased (retried only
//! once the lease ran out, so a crash between claiming and sending loses nothing); a claimed SMS
//! or Teams message is taken once, since a gateway that timed out may still have sent it.

use crate::backend::prelude::*;
use domain::callout::{ContactChannel, Message};

/// A message taken from the outbox for one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub channel: ContactChannel,
    pub address: String,
    pub subject: String,
    pub body: String,
    /// The label and the service path of the message's link, if any.
    pub link: Option<(String, String)>,
    /// Including this one.
    pub attempts: i64,
}

#[derive(sqlx::FromRow)]
struct OutgoingRow {
    channel: String,
    address: String,
    subject: String,
    body: String,
    link_label: Option<String>,
    link: Option<String>,
    attempts: i64,
}

operations! {
    helpers {
        /// Queues a message in the caller's transaction: it goes if and only if the transaction commits.
        pub(crate) async fn enqueue(tx: &mut Tx, m: &Message, callback_id: Option<Uuid>, at: OffsetDateTime) -> Result<i64> {
            let (label, link) = m.link.clone().unzip();
            Ok(sqlx::query_scalar(
                "INSERT INTO outbox (channel, address, subject, body, link_label, link, callback_id, created_at, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(m.channel.as_str())
            .bind(&m.address)
            .bind(&m.subject)
            .bind(&m.body)
            .bind(label)
            .bind(link)
            .bind(callback_id)
            .bind(at.to_offset(time::UtcOffset::UTC))
            .fetch_one(&mut **tx)
            .await?)
        }
    }

    ops {
        /// Queues messages on their own, whole or not at all.
        pub write fn enqueue_messages(pool, messages: &[Message], at: OffsetDateTime) -> Result<Vec<i64>> {
            let mut tx = pool.begin().await?;
            let mut ids = Vec::with_capacity(messages.len());
            for m in messages {
                ids.push(enqueue(&mut tx, m, None, at).await?);
            }
            tx.commit().await?;
            Ok(ids)
        }

        /// Takes the oldest due message. A mail is leased until `lease_until`, so that another node
        /// (or this one after a crash) retries it only once the lease has run out; any other channel
        /// is taken once and comes back only if its failure is recorded as safe to retry.
        /// Only messages of `channels` (those this node can send) are taken.
        pub write fn claim_message(pool, channels: &[ContactChannel], now: OffsetDateTime, lease_until: OffsetDateTime) -> Result<Option<Outgoing>> {
            let mut tx = pool.begin().await?;
            let pick = if POSTGRES {
                "SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 AND position(',' || channel || ',' IN $2) > 0 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
            } else {
                "SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 AND instr($2, ',' || channel || ',') > 0 ORDER BY id LIMIT 1"
            };
            let wanted: String = channels.iter().map(|c| format!(",{c},")).collect();
            let Some(id): Option<i64> = sqlx::query_scalar(pick).bind(now.to_offset(time::UtcOffset::UTC)).bind(wanted).fetch_optional(&mut *tx).await? else {
                return Ok(None);
            };
            let row: OutgoingRow = sqlx::query_as(
                "UPDATE outbox SET next_attempt_at = CASE WHEN channel = 'email' THEN $2 END, attempts = attempts + 1, state = 'sending'
                 WHERE id = $1 RETURNING channel, address, subject, body, link_label, link, attempts",
            )
            .bind(id)
            .bind(lease_until.to_offset(time::UtcOffset::UTC))
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(Outgoing {
                id,
                channel: row.channel.parse().map_err(corrupt)?,
                address: row.address,
                subject: row.subject,
                body: row.body,
                link: row.link_label.zip(row.link),
                attempts: row.attempts,
            }))
        }

        /// Handed over: the body (it may hold personal data) is not kept once it has left.
        pub write fn message_sent(pool, id: i64, at: OffsetDateTime, provider_ref: Option<&str>) -> Result<()> {
            sqlx::query("UPDATE outbox SET sent_at = $2, body = '', last_error = NULL, provider_ref = $3, state = 'sent', next_attempt_at = NULL WHERE id = $1")
                .bind(id)
                .bind(at.to_offset(time::UtcOffset::UTC))
                .bind(provider_ref)
                .execute(pool)
                .await?;
            Ok(())
        }

        /// Failed: retried at `retry_at`, or never again when `None`. `may_have_gone` records a
        /// failure after which the message may still have been sent (a time-out): never retried.
        pub write fn message_failed(pool, id: i64, error: &str, retry_at: Option<OffsetDateTime>, may_have_gone: bool) -> Result<()> {
            let state = if may_have_gone { "unknown" } else if retry_at.is_some() { "queued" } else { "failed" };
            sqlx::query("UPDATE outbox SET last_error = $2, next_attempt_at = $3, state = $4 WHERE id = $1")
                .bind(id)
                .bind(error)
                .bind(if may_have_gone { None } else { retry_at.map(|t| t.to_offset(time::UtcOffset::UTC)) })
                .bind(state)
                .execute(pool)
                .await?;
            Ok(())
        }

        /// A gateway's delivery report for the message it knows by `provider_ref` (or by our id,
        /// which gateways echo as their user reference). Returns whether it matched a message.
        pub write fn message_delivered(pool, reference: &str, delivered: bool, at: OffsetDateTime) -> Result<bool> {
            let own: Option<i64> = reference.parse().ok();
            let done = sqlx::query(
                "UPDATE outbox SET state = $3, delivered_at = CASE WHEN $4 THEN $5 END
                 WHERE (provider_ref = $1 OR id = $2) AND channel <> 'email' AND sent_at IS NOT NULL",
            )
            .bind(reference)
            .bind(own.unwrap_or(-1))
            .bind(if delivered { "delivered" } else { "undelivered" })
            .bind(delivered)
            .bind(at.to_offset(time::UtcOffset::UTC))
            .execute(pool)
            .await?;
            Ok(done.rows_affected() > 0)
        }

        /// Messages of another channel than mail that a worker claimed and never recorded, for
        /// longer than `stale`: the process died while sending. They may have gone, so they are
        /// marked unknown and not sent again. Returns their ids.
        pub write fn orphaned_sends(pool, before: OffsetDateTime) -> Result<Vec<i64>> {
            let ids: Vec<i64> = sqlx::query_scalar(
                "UPDATE outbox SET state = 'unknown', last_error = 'the service stopped while sending; the message may have gone'
                 WHERE state = 'sending' AND channel <> 'email' AND sent_at IS NULL AND next_attempt_at IS NULL AND created_at < $1 RETURNING id",
            )
            .bind(before.to_offset(time::UtcOffset::UTC))
            .fetch_all(pool)
            .await?;
            Ok(ids)
        }
    }
}
