//! Users and their sessions (their bearer tokens are in `tokens`).

use crate::backend::prelude::*;
use domain::event::AdminChange;
use domain::user::{NewUser, User};

macro_rules! user_columns {
    () => {
        "id, email, name, org, role, active, password_hash"
    };
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    csrf: String,
    idle_until: Option<OffsetDateTime>,
    must_enrol: bool,
    #[sqlx(flatten)]
    user: UserRow,
}

operations! {
    uses: events;

    ops {
        pub write fn create_user(pool, u: &NewUser, password_hash: &str, by: &str, at: OffsetDateTime) -> Result<User> {
            let id = Uuid::new_v4();
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO users (id, email, name, org, role, password_hash, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)",
            )
            .bind(id)
            .bind(&u.email)
            .bind(&u.name)
            .bind(&u.org)
            .bind(u.role.as_str())
            .bind(password_hash)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique(e, "a user with this e-mail address already exists"))?;
            let user = User { id, email: u.email.clone(), name: u.name.clone(), org: u.org.clone(), role: u.role, active: true };
            admin_event(&mut tx, AdminChange::UserCreated { id, role: u.role, org: u.org.clone() }, by, at).await?;
            tx.commit().await?;
            Ok(user)
        }

        /// The user and their password hash.
        pub read fn user_by_email(pool, email: &str) -> Result<Option<(User, String)>> {
            let row: Option<UserRow> = sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE email = $1"))
                .bind(email)
                .fetch_optional(pool)
                .await?;
            row.map(|r| {
                let hash = r.password_hash.clone();
                r.into_domain().map(|u| (u, hash))
            })
            .transpose()
        }

        pub read fn user(pool, id: Uuid) -> Result<Option<User>> {
            let row: Option<UserRow> =
                sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1")).bind(id).fetch_optional(pool).await?;
            row.map(UserRow::into_domain).transpose()
        }

        pub read fn users(pool) -> Result<Vec<User>> {
            let rows: Vec<UserRow> = sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users ORDER BY name")).fetch_all(pool).await?;
            rows.into_iter().map(UserRow::into_domain).collect()
        }

        pub write fn set_user_active(pool, id: Uuid, active: bool, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE users SET active = $2 WHERE id = $1").bind(id).bind(active).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("user"));
            }
            if !active {
                // A deactivated account loses its sessions and tokens at once.
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            }
            admin_event(&mut tx, AdminChange::UserActive { id, active }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// A session ends at `expires_at`, or earlier once it has been idle until `idle_until`.
        pub write fn create_session(pool, token_hash: &str, user_id: Uuid, csrf: &str, expires_at: OffsetDateTime, idle_until: OffsetDateTime) -> Result<()> {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, expires_at, idle_until) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_hash)
                .bind(user_id)
                .bind(csrf)
                .bind(expires_at)
                .bind(idle_until)
                .execute(pool)
                .await?;
            Ok(())
        }

        /// The session's user, its CSRF token, whether the user must enrol a second factor before
        /// anything else (their role requires one they have not confirmed) and how long the session
        /// may stay idle, if it exists and has neither expired nor been idle too long.
        pub read fn session(pool, token_hash: &str, now: OffsetDateTime) -> Result<Option<(User, String, bool, OffsetDateTime)>> {
            let row: Option<SessionRow> = sqlx::query_as(
                "SELECT s.csrf, s.idle_until, u.id, u.email, u.name, u.org, u.role, u.active, u.password_hash,
                    (EXISTS (SELECT 1 FROM totp_required r WHERE r.role = u.role)
                     AND NOT EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.secret IS NOT NULL)) AS must_enrol
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND (s.idle_until IS NULL OR s.idle_until > $2) AND u.active",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?;
            row.map(|r| r.user.into_domain().map(|u| (u, r.csrf, r.must_enrol, r.idle_until.unwrap_or(now)))).transpose()
        }

        /// The session was used: it may stay idle until `idle_until` from now on.
        pub write fn touch_session(pool, token_hash: &str, idle_until: OffsetDateTime) -> Result<()> {
            sqlx::query("UPDATE sessions SET idle_until = $2 WHERE token_hash = $1").bind(token_hash).bind(idle_until).execute(pool).await?;
            Ok(())
        }

        pub write fn delete_session(pool, token_hash: &str) -> Result<()> {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
            Ok(())
        }

        pub write fn purge_sessions(pool, now: OffsetDateTime) -> Result<u64> {
            Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR idle_until <= $1").bind(now).execute(pool).await?.rows_affected())
        }
    }
}
