//! The second factor: each person's TOTP secret and last accepted step, and the roles the
//! secretariat requires it of.

use crate::backend::prelude::*;
use domain::Role;
use domain::event::AdminChange;
use domain::totp::Enrolment;

#[derive(sqlx::FromRow)]
struct EnrolmentRow {
    secret: Option<String>,
    pending: Option<String>,
    last_step: Option<i64>,
}

operations! {
    uses: events;

    ops {
        pub read fn totp(pool, user_id: Uuid) -> Result<Option<Enrolment>> {
            let row: Option<EnrolmentRow> = sqlx::query_as("SELECT secret, pending, last_step FROM user_totp WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| Enrolment { secret: r.secret, pending: r.pending, last_step: r.last_step }))
        }

        /// Starts (or starts again) an enrolment with a new secret; a confirmed one keeps working until this one is confirmed.
        pub write fn set_totp_pending(pool, user_id: Uuid, secret: &str) -> Result<()> {
            sqlx::query(
                "INSERT INTO user_totp (user_id, pending) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET pending = excluded.pending",
            )
            .bind(user_id)
            .bind(secret)
            .execute(pool)
            .await?;
            Ok(())
        }

        /// Makes the pending secret the one logins check, its first code's `step` the last used; refused
        /// when the pending secret is no longer `pending` (an enrolment started again meanwhile).
        pub write fn confirm_totp(pool, user_id: Uuid, pending: &str, step: i64, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE user_totp SET secret = pending, pending = NULL, last_step = $3, enrolled_at = $4 WHERE user_id = $1 AND pending = $2",
            )
            .bind(user_id)
            .bind(pending)
            .bind(step)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(conflict("the enrolment was started again meanwhile: confirm with a code for the newest secret"));
            }
            admin_event(&mut tx, AdminChange::TotpEnrolled { id: user_id }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// Takes `step` as used if it is later than the last one used: `false` when it is not (a code
        /// used twice, also by two logins at once on two nodes).
        pub write fn use_totp_step(pool, user_id: Uuid, step: i64) -> Result<bool> {
            let done = sqlx::query(
                "UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND secret IS NOT NULL AND (last_step IS NULL OR last_step < $2)",
            )
            .bind(user_id)
            .bind(step)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        }

        /// Removes a person's second factor (a lost phone); they enrol again.
        pub write fn remove_totp(pool, user_id: Uuid, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("DELETE FROM user_totp WHERE user_id = $1 AND secret IS NOT NULL").bind(user_id).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("second factor"));
            }
            admin_event(&mut tx, AdminChange::TotpRemoved { id: user_id }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// The people with a confirmed second factor.
        pub read fn totp_enrolled(pool) -> Result<Vec<Uuid>> {
            Ok(sqlx::query_scalar("SELECT user_id FROM user_totp WHERE secret IS NOT NULL").fetch_all(pool).await?)
        }

        /// The roles a second factor is required of, in the order of `Role::ALL`.
        pub read fn totp_required(pool) -> Result<Vec<Role>> {
            let rows: Vec<String> = sqlx::query_scalar("SELECT role FROM totp_required").fetch_all(pool).await?;
            let mut roles = rows.iter().map(|r| r.parse().map_err(corrupt)).collect::<Result<Vec<Role>>>()?;
            roles.sort_unstable();
            Ok(roles)
        }

        /// Requires a second factor of exactly `roles`: each change is written with its event, in one transaction.
        pub write fn set_totp_required(pool, roles: &[Role], by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let before: Vec<String> = sqlx::query_scalar("SELECT role FROM totp_required").fetch_all(&mut *tx).await?;
            for old in before.iter().filter(|r| !roles.iter().any(|n| n.as_str() == r.as_str())) {
                sqlx::query("DELETE FROM totp_required WHERE role = $1").bind(old).execute(&mut *tx).await?;
                let role = old.parse().map_err(corrupt)?;
                admin_event(&mut tx, AdminChange::TotpRequired { role, required: false }, by, at).await?;
            }
            for new in roles.iter().filter(|r| !before.iter().any(|b| b == r.as_str())) {
                sqlx::query("INSERT INTO totp_required (role, set_by, set_at) VALUES ($1, $2, $3)")
                    .bind(new.as_str())
                    .bind(by)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                admin_event(&mut tx, AdminChange::TotpRequired { role: *new, required: true }, by, at).await?;
            }
            tx.commit().await?;
            Ok(())
        }
    }
}
