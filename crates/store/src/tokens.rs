//! Bearer tokens: a person's (the API, the voice channel) and an integration's (the contact-centre
//! platform, the voice channel only). Only a token's hash is stored; its public id is the hash's
//! first characters. Every token expires; one can be revoked by its id.

use crate::backend::prelude::*;
use domain::event::AdminChange;
use domain::user::{TOKEN_ID_LEN, TokenInfo, User, token_id};

operations! {
    uses: events;

    ops {
        /// Stores the hash of a new token of a person (the token itself is never stored).
        pub write fn create_token(pool, user_id: Uuid, token_hash: &str, at: OffsetDateTime, expires_at: OffsetDateTime) -> Result<()> {
            sqlx::query("INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_hash)
                .bind(user_id)
                .bind(at)
                .bind(expires_at)
                .execute(pool)
                .await?;
            Ok(())
        }

        /// The active user whose token this is, if it has not expired.
        pub read fn user_by_token(pool, token_hash: &str, now: OffsetDateTime) -> Result<Option<User>> {
            let row: Option<crate::rows::UserRow> = sqlx::query_as(
                "SELECT u.id, u.email, u.name, u.org, u.role, u.active, u.password_hash
                 FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.active",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?;
            row.map(crate::rows::UserRow::into_domain).transpose()
        }

        pub write fn create_integration_token(pool, name: &str, token_hash: &str, at: OffsetDateTime, expires_at: OffsetDateTime) -> Result<()> {
            sqlx::query("INSERT INTO integration_tokens (token_hash, name, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_hash)
                .bind(name)
                .bind(at)
                .bind(expires_at)
                .execute(pool)
                .await?;
            Ok(())
        }

        /// The integration's name, if the token is one and has not expired.
        pub read fn integration_by_token(pool, token_hash: &str, now: OffsetDateTime) -> Result<Option<String>> {
            Ok(sqlx::query_scalar("SELECT name FROM integration_tokens WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > $2)")
                .bind(token_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?)
        }

        /// Every token, people's and integrations', oldest first.
        pub read fn tokens(pool) -> Result<Vec<TokenInfo>> {
            let rows: Vec<(String, String, bool, OffsetDateTime, Option<OffsetDateTime>)> = sqlx::query_as(
                "SELECT t.token_hash, u.email, FALSE, t.created_at, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id
                 UNION ALL
                 SELECT token_hash, name, TRUE, created_at, expires_at FROM integration_tokens
                 ORDER BY 4, 1",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(hash, owner, integration, created_at, expires_at)| TokenInfo { id: token_id(&hash).to_string(), owner, integration, created_at, expires_at })
                .collect())
        }

        /// Revokes the one token with public id `id` (see `domain::user::parse_token_id`); whether
        /// there was one. The revocation is an event, so every node drops the token at once.
        pub write fn revoke_token(pool, id: &str, by: &str, at: OffsetDateTime) -> Result<bool> {
            debug_assert_eq!(id.len(), TOKEN_ID_LEN);
            let mut tx = pool.begin().await?;
            let pattern = format!("{id}%");
            let user: Option<Uuid> = sqlx::query_scalar("DELETE FROM api_tokens WHERE token_hash LIKE $1 RETURNING user_id")
                .bind(&pattern)
                .fetch_optional(&mut *tx)
                .await?;
            let gone = user.is_some()
                || sqlx::query("DELETE FROM integration_tokens WHERE token_hash LIKE $1").bind(&pattern).execute(&mut *tx).await?.rows_affected() > 0;
            if gone {
                admin_event(&mut tx, AdminChange::TokenRevoked { id: id.to_string(), user }, by, at).await?;
            }
            tx.commit().await?;
            Ok(gone)
        }

        /// Revokes every token of the named integration; returns how many there were.
        pub write fn revoke_integration_tokens(pool, name: &str, by: &str, at: OffsetDateTime) -> Result<u64> {
            let mut tx = pool.begin().await?;
            let hashes: Vec<String> =
                sqlx::query_scalar("DELETE FROM integration_tokens WHERE name = $1 RETURNING token_hash").bind(name).fetch_all(&mut *tx).await?;
            for hash in &hashes {
                admin_event(&mut tx, AdminChange::TokenRevoked { id: token_id(hash).to_string(), user: None }, by, at).await?;
            }
            tx.commit().await?;
            Ok(hashes.len() as u64)
        }
    }
}
