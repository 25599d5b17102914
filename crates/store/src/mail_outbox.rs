//! The mail outbox: claimed with a lease, so that a mail is retried only once the lease ran out.

use crate::backend::prelude::*;

/// A mail taken from the outbox for one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Including this one.
    pub attempts: i64,
}

operations! {
    ops {
        /// Takes the oldest due mail and leases it until `lease_until`, so that another node (or this
        /// one after a crash) retries it only once the lease has run out.
        pub write fn claim_mail(pool, now: OffsetDateTime, lease_until: OffsetDateTime) -> Result<Option<OutgoingMail>> {
            let mut tx = pool.begin().await?;
            let pick = if POSTGRES {
                "SELECT id FROM outbox_mail WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
            } else {
                "SELECT id FROM outbox_mail WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT 1"
            };
            let Some(id): Option<i64> = sqlx::query_scalar(pick).bind(now.to_offset(time::UtcOffset::UTC)).fetch_optional(&mut *tx).await? else {
                return Ok(None);
            };
            let mail: (String, String, String, i64) = sqlx::query_as(
                "UPDATE outbox_mail SET next_attempt_at = $2, attempts = attempts + 1 WHERE id = $1 RETURNING recipient, subject, body, attempts",
            )
            .bind(id)
            .bind(lease_until.to_offset(time::UtcOffset::UTC))
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(OutgoingMail { id, recipient: mail.0, subject: mail.1, body: mail.2, attempts: mail.3 }))
        }

        /// Sent: the body (personal data) is not kept once it has left.
        pub write fn mail_sent(pool, id: i64, at: OffsetDateTime) -> Result<()> {
            sqlx::query("UPDATE outbox_mail SET sent_at = $2, body = '', last_error = NULL WHERE id = $1").bind(id).bind(at).execute(pool).await?;
            Ok(())
        }

        /// Failed: retried at `retry_at`, or never again when `None`.
        pub write fn mail_failed(pool, id: i64, error: &str, retry_at: Option<OffsetDateTime>) -> Result<()> {
            sqlx::query("UPDATE outbox_mail SET last_error = $2, next_attempt_at = $3 WHERE id = $1")
                .bind(id)
                .bind(error)
                .bind(retry_at.map(|t| t.to_offset(time::UtcOffset::UTC)))
                .execute(pool)
                .await?;
            Ok(())
        }
    }
}
