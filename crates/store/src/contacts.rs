//! People's contact methods, when each was last verified, and the call-out settings the
//! secretariat keeps: how long a verification lasts and how each role escalates.

use crate::backend::prelude::*;
use domain::callout::{
    CODE_LIFETIME, CODE_TRIES, ContactChannel, ContactMethod, DEFAULT_STALE_AFTER_DAYS, Message, Policy, VERIFY_LINK_LIFETIME, token_digest,
};
use domain::role::StaffRole;
use std::collections::HashMap;

/// A stored contact method: its id, whose it is, and the method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMethod {
    pub id: Uuid,
    pub user_id: Uuid,
    pub method: ContactMethod,
}

/// What typing in a verification code came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Verified,
    Wrong {
        tries_left: i64,
    },
    /// Too old or tried too often: the person asks for a new code.
    Expired,
    /// No code was asked for (or it was used).
    NotAsked,
}

/// A code's digest is bound to its method, so that one code cannot verify another method.
fn code_digest(method_id: Uuid, code: &str) -> String {
    token_digest(&format!("{method_id}:{code}"))
}

#[derive(sqlx::FromRow)]
struct MethodRow {
    id: Uuid,
    user_id: Uuid,
    channel: String,
    address: String,
    verified_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct RemindRow {
    #[sqlx(flatten)]
    method: MethodRow,
    reminded_at: Option<OffsetDateTime>,
}

impl MethodRow {
    fn into_domain(self) -> Result<StoredMethod> {
        let channel: ContactChannel = self.channel.parse().map_err(corrupt)?;
        Ok(StoredMethod {
            id: self.id,
            user_id: self.user_id,
            method: ContactMethod { channel, address: self.address, verified_at: self.verified_at },
        })
    }
}

operations! {
    uses: outbox;

    helpers {
        /// Every method of these people, by person, in the order they were added.
        pub(crate) async fn methods_of(ex: &mut <Db as sqlx::Database>::Connection, users: &[Uuid]) -> Result<HashMap<Uuid, Vec<ContactMethod>>> {
            let mut out: HashMap<Uuid, Vec<ContactMethod>> = HashMap::new();
            for user in users {
                let rows: Vec<MethodRow> =
                    sqlx::query_as("SELECT id, user_id, channel, address, verified_at FROM contact_methods WHERE user_id = $1 ORDER BY created_at, id")
                        .bind(user)
                        .fetch_all(&mut *ex)
                        .await?;
                for r in rows {
                    out.entry(*user).or_default().push(r.into_domain()?.method);
                }
            }
            Ok(out)
        }

        pub(crate) async fn stale_after_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E) -> Result<i64> {
            let days: Option<i64> = sqlx::query_scalar("SELECT stale_after_days FROM callout_settings WHERE id = 1").fetch_optional(ex).await?;
            Ok(days.unwrap_or(DEFAULT_STALE_AFTER_DAYS))
        }

        pub(crate) async fn policies_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E) -> Result<HashMap<StaffRole, Policy>> {
            let rows: Vec<(String, i64, i64)> = sqlx::query_as("SELECT role, wait_seconds, rounds FROM callout_policies").fetch_all(ex).await?;
            let mut out: HashMap<StaffRole, Policy> = StaffRole::ALL.iter().map(|&r| (r, Policy::default())).collect();
            for (role, wait, rounds) in rows {
                let role: StaffRole = role.parse().map_err(corrupt)?;
                out.insert(role, Policy { wait: time::Duration::seconds(wait), rounds: u32::try_from(rounds).map_err(corrupt)? });
            }
            Ok(out)
        }
    }

    ops {
        /// Adds a method, unverified unless `verified_at` is given (the demo's seed, an import).
        pub write fn add_contact_method(pool, user_id: Uuid, method: &ContactMethod, at: OffsetDateTime) -> Result<StoredMethod> {
            let id = Uuid::new_v4();
            sqlx::query("INSERT INTO contact_methods (id, user_id, channel, address, verified_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id)
                .bind(user_id)
                .bind(method.channel.as_str())
                .bind(&method.address)
                .bind(method.verified_at)
                .bind(at)
                .execute(pool)
                .await
                .map_err(|e| unique(e, "this person already has that contact method"))?;
            Ok(StoredMethod { id, user_id, method: method.clone() })
        }

        pub read fn contact_methods(pool, user_id: Uuid) -> Result<Vec<StoredMethod>> {
            let rows: Vec<MethodRow> =
                sqlx::query_as("SELECT id, user_id, channel, address, verified_at FROM contact_methods WHERE user_id = $1 ORDER BY created_at, id")
                    .bind(user_id)
                    .fetch_all(pool)
                    .await?;
            rows.into_iter().map(MethodRow::into_domain).collect()
        }

        pub read fn contact_methods_of(pool, users: &[Uuid]) -> Result<HashMap<Uuid, Vec<ContactMethod>>> {
            methods_of(&mut *pool.acquire().await?, users).await
        }

        /// Records that the method was shown to work at `at`.
        pub write fn verify_contact_method(pool, id: Uuid, at: OffsetDateTime) -> Result<()> {
            let done = sqlx::query("UPDATE contact_methods SET verified_at = $2 WHERE id = $1").bind(id).bind(at).execute(pool).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("contact method"));
            }
            Ok(())
        }

        pub write fn remove_contact_method(pool, id: Uuid) -> Result<()> {
            let done = sqlx::query("DELETE FROM contact_methods WHERE id = $1").bind(id).execute(pool).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("contact method"));
            }
            Ok(())
        }

        pub read fn stale_after_days(pool) -> Result<i64> {
            stale_after_in(pool).await
        }

        /// `days` must have passed `domain::callout::check_stale_after_days`.
        pub write fn set_stale_after_days(pool, days: i64) -> Result<()> {
            sqlx::query("INSERT INTO callout_settings (id, stale_after_days) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET stale_after_days = excluded.stale_after_days")
                .bind(days)
                .execute(pool)
                .await?;
            Ok(())
        }

        /// Each role's policy, the default where the secretariat set none.
        pub read fn callout_policies(pool) -> Result<HashMap<StaffRole, Policy>> {
            policies_in(pool).await
        }

        /// `policy` must have passed `domain::callout::Policy::check`.
        pub write fn set_callout_policy(pool, role: StaffRole, policy: Policy) -> Result<()> {
            sqlx::query(
                "INSERT INTO callout_policies (role, wait_seconds, rounds) VALUES ($1, $2, $3)
                 ON CONFLICT (role) DO UPDATE SET wait_seconds = excluded.wait_seconds, rounds = excluded.rounds",
            )
            .bind(role.as_str())
            .bind(policy.wait.whole_seconds())
            .bind(i64::from(policy.rounds))
            .execute(pool)
            .await?;
            Ok(())
        }

        pub read fn contact_method(pool, id: Uuid) -> Result<StoredMethod> {
            let row: Option<MethodRow> = sqlx::query_as("SELECT id, user_id, channel, address, verified_at FROM contact_methods WHERE id = $1").bind(id).fetch_optional(pool).await?;
            row.ok_or_else(|| not_found("contact method"))?.into_domain()
        }

        /// Every verified method with when its person was last reminded of it: the reminder job's list.
        pub read fn verified_methods(pool) -> Result<Vec<(StoredMethod, Option<OffsetDateTime>)>> {
            let rows: Vec<RemindRow> = sqlx::query_as(
                "SELECT id, user_id, channel, address, verified_at, reminded_at FROM contact_methods WHERE verified_at IS NOT NULL ORDER BY id",
            )
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(|r| Ok((r.method.into_domain()?, r.reminded_at))).collect()
        }

        /// Asks the person to show that the method works: keeps the digests of `code` and `token`
        /// (replacing an earlier request) and queues `message`, whole or not at all. A reminder
        /// is recorded as such, so that it goes once per verification.
        pub write fn request_verification(pool, method_id: Uuid, code: &str, token: &str, message: &Message, reminder: bool, at: OffsetDateTime) -> Result<i64> {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO contact_verifications (method_id, code_digest, code_expires_at, tries, link_digest, link_expires_at, created_at)
                 VALUES ($1, $2, $3, 0, $4, $5, $6)
                 ON CONFLICT (method_id) DO UPDATE SET code_digest = excluded.code_digest, code_expires_at = excluded.code_expires_at,
                   tries = 0, link_digest = excluded.link_digest, link_expires_at = excluded.link_expires_at, created_at = excluded.created_at",
            )
            .bind(method_id)
            .bind(code_digest(method_id, code))
            .bind(at + CODE_LIFETIME)
            .bind(token_digest(token))
            .bind(at + VERIFY_LINK_LIFETIME)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => not_found("contact method"),
                _ => e.into(),
            })?;
            if reminder {
                sqlx::query("UPDATE contact_methods SET reminded_at = $2 WHERE id = $1").bind(method_id).bind(at).execute(&mut *tx).await?;
            }
            let outbox_id = enqueue(&mut tx, message, None, at).await?;
            tx.commit().await?;
            Ok(outbox_id)
        }

        /// Checks a typed-in code: right, the method is verified now and the code is spent; wrong,
        /// one try fewer is left, and none after [`CODE_TRIES`].
        pub write fn verify_by_code(pool, method_id: Uuid, code: &str, at: OffsetDateTime) -> Result<CodeCheck> {
            let mut tx = pool.begin().await?;
            let row: Option<(String, OffsetDateTime, i64)> =
                sqlx::query_as("SELECT code_digest, code_expires_at, tries FROM contact_verifications WHERE method_id = $1").bind(method_id).fetch_optional(&mut *tx).await?;
            let Some((digest, expires_at, tries)) = row else { return Ok(CodeCheck::NotAsked) };
            let check = if at >= expires_at || tries >= CODE_TRIES {
                CodeCheck::Expired
            } else if digest == code_digest(method_id, code.trim()) {
                sqlx::query("UPDATE contact_methods SET verified_at = $2 WHERE id = $1").bind(method_id).bind(at).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM contact_verifications WHERE method_id = $1").bind(method_id).execute(&mut *tx).await?;
                CodeCheck::Verified
            } else {
                sqlx::query("UPDATE contact_verifications SET tries = tries + 1 WHERE method_id = $1").bind(method_id).execute(&mut *tx).await?;
                CodeCheck::Wrong { tries_left: CODE_TRIES - tries - 1 }
            };
            tx.commit().await?;
            Ok(check)
        }

        /// The method a verification link is for, while the link is good.
        pub read fn verification_link(pool, token: &str, at: OffsetDateTime) -> Result<StoredMethod> {
            let row: Option<MethodRow> = sqlx::query_as(
                "SELECT m.id, m.user_id, m.channel, m.address, m.verified_at FROM contact_verifications v JOIN contact_methods m ON m.id = v.method_id
                 WHERE v.link_digest = $1 AND v.link_expires_at > $2",
            )
            .bind(token_digest(token))
            .bind(at)
            .fetch_optional(pool)
            .await?;
            row.ok_or_else(|| not_found("verification link"))?.into_domain()
        }

        /// The one-click link: verifies its method once; an unknown, used or expired link is not found.
        pub write fn verify_by_link(pool, token: &str, at: OffsetDateTime) -> Result<StoredMethod> {
            let mut tx = pool.begin().await?;
            let method: Option<Uuid> = sqlx::query_scalar("SELECT method_id FROM contact_verifications WHERE link_digest = $1 AND link_expires_at > $2")
                .bind(token_digest(token))
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
            let method = method.ok_or_else(|| not_found("verification link"))?;
            sqlx::query("UPDATE contact_methods SET verified_at = $2 WHERE id = $1").bind(method).bind(at).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM contact_verifications WHERE method_id = $1").bind(method).execute(&mut *tx).await?;
            let row: MethodRow = sqlx::query_as("SELECT id, user_id, channel, address, verified_at FROM contact_methods WHERE id = $1").bind(method).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            row.into_domain()
        }
    }
}
