//! Idempotency keys: the first request under a key claims it, and its answer is kept with it; a
//! retry under the same key gets that answer back instead of writing again. Rows older than
//! [`KEY_LIFETIME`] count as gone and are purged by the background jobs.

use crate::backend::prelude::*;

/// How long a key and its answer are kept.
pub const KEY_LIFETIME: time::Duration = time::Duration::hours(24);

/// A request's idempotency key as the store keeps it: whose, which key, what request it names
/// (method and path) and a hash of the whole request, so that a reuse for another request is caught.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub user_id: Uuid,
    pub key: String,
    pub request: String,
    pub request_hash: String,
}

/// The answer kept with a key: opaque to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReply {
    pub status: u16,
    pub body: String,
}

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: this request is the first and must be answered (and the answer kept).
    Claimed,
    /// The same request was answered before: this is its answer.
    Replay(StoredReply),
    /// The same request is being served right now (or its server stopped while serving it).
    InFlight,
    /// The key was used for another request (named here).
    Reused(String),
}

operations! {
    helpers {
        /// Claims `k` inside a transaction: inserts its row unless one exists, otherwise compares.
        /// On PostgreSQL, an insert of the same key by a transaction still open waits for it.
        pub(crate) async fn claim_in_tx(tx: &mut Tx, k: &IdempotencyKey, at: OffsetDateTime) -> Result<Claim> {
            let at = at.to_offset(time::UtcOffset::UTC);
            sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at < $3")
                .bind(k.user_id)
                .bind(&k.key)
                .bind(at - KEY_LIFETIME)
                .execute(&mut **tx)
                .await?;
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (user_id, key, request, request_hash, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT DO NOTHING",
            )
            .bind(k.user_id)
            .bind(&k.key)
            .bind(&k.request)
            .bind(&k.request_hash)
            .bind(at)
            .execute(&mut **tx)
            .await?;
            if inserted.rows_affected() == 1 {
                return Ok(Claim::Claimed);
            }
            let (request, hash, status, body): (String, String, Option<i32>, Option<String>) =
                sqlx::query_as("SELECT request, request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2")
                    .bind(k.user_id)
                    .bind(&k.key)
                    .fetch_one(&mut **tx)
                    .await?;
            Ok(match (status, body) {
                _ if hash != k.request_hash => Claim::Reused(request),
                (Some(status), Some(body)) => Claim::Replay(StoredReply { status: u16::try_from(status).map_err(corrupt)?, body }),
                _ => Claim::InFlight,
            })
        }

        /// Keeps the answer to the request that claimed `k`.
        pub(crate) async fn finish_in_tx(tx: &mut Tx, k: &IdempotencyKey, reply: &StoredReply) -> Result<()> {
            finish_on(&mut **tx, k, reply).await
        }

        async fn finish_on<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, k: &IdempotencyKey, reply: &StoredReply) -> Result<()> {
            sqlx::query("UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2")
                .bind(k.user_id)
                .bind(&k.key)
                .bind(i32::from(reply.status))
                .bind(&reply.body)
                .execute(ex)
                .await?;
            Ok(())
        }

        /// Gives a claimed key up: the request it named was not served, and a retry may try again.
        pub(crate) async fn release_on<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, k: &IdempotencyKey) -> Result<()> {
            sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL").bind(k.user_id).bind(&k.key).execute(ex).await?;
            Ok(())
        }
    }

    ops {
        /// Claims an idempotency key in a transaction of its own (see [`Claim`]).
        pub write fn claim_key(pool, k: &IdempotencyKey, at: OffsetDateTime) -> Result<Claim> {
            let mut tx = pool.begin().await?;
            let claim = claim_in_tx(&mut tx, k, at).await?;
            tx.commit().await?;
            Ok(claim)
        }

        /// Keeps the answer to the request that claimed `k`.
        pub write fn finish_key(pool, k: &IdempotencyKey, reply: &StoredReply) -> Result<()> {
            finish_on(pool, k, reply).await
        }

        /// Gives a claimed, unanswered key up, so that a retry is served afresh.
        pub write fn release_key(pool, k: &IdempotencyKey) -> Result<()> {
            release_on(pool, k).await
        }

        /// Deletes the keys claimed before `before`; returns how many.
        pub write fn purge_keys(pool, before: OffsetDateTime) -> Result<u64> {
            let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(before.to_offset(time::UtcOffset::UTC)).execute(pool).await?;
            Ok(done.rows_affected())
        }
    }
}
