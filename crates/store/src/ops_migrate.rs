// Migrations, included once per backend like `ops.rs`: sqlx's migrator, which records each
// migration with its checksum in `_sqlx_migrations`, and the one step that takes a database over
// from the hand-rolled runner that recorded bare version numbers in `schema_migrations`.

use crate::error::StoreError;
use sqlx::migrate::{Migrate, MigrateError};

/// Where sqlx records what it applied (its default; this crate has no `sqlx.toml`).
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";
/// Where releases up to migration 0006 recorded what they applied.
const LEGACY_TABLE: &str = "schema_migrations";

/// Brings the schema up to this release: takes over `schema_migrations` if the database still
/// has it, then applies what is new. Refuses a database that a newer release migrated, or whose
/// recorded checksum differs from this release's file.
pub async fn migrate(pool: &Pool<Db>) -> Result<()> {
    adopt_legacy(pool).await?;
    let mut conn = pool.acquire().await?;
    // On PostgreSQL the migrator holds a session-level advisory lock while it runs; a refused run
    // must not hand a connection that still holds it back to the pool.
    conn.close_on_drop();
    MIGRATOR.run(&mut *conn).await.map_err(refused)
}

/// A database written by the hand-rolled runner has `schema_migrations` and no
/// `_sqlx_migrations`: its schema is exactly what this release's files of those versions made,
/// so record them as applied with these files' checksums (nothing is run) and drop the old table,
/// in one transaction. Dropping it makes an older release refuse the database instead of
/// starting on a schema it does not know: its runner, finding none of its versions, re-runs
/// migration 0001, which fails on the existing tables and rolls back.
async fn adopt_legacy(pool: &Pool<Db>) -> Result<()> {
    let mut tx = if POSTGRES { pool.begin().await? } else { pool.begin_with("BEGIN IMMEDIATE").await? };
    if POSTGRES {
        // The lock the hand-rolled runner took: two nodes never take a database over at once,
        // nor while an older node migrates it.
        sqlx::query("SELECT pg_advisory_xact_lock(4241)").execute(&mut *tx).await?;
    }
    if !table_exists(&mut tx, LEGACY_TABLE).await? || table_exists(&mut tx, MIGRATIONS_TABLE).await? {
        return Ok(());
    }
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version").fetch_all(&mut *tx).await?;
    if let Some(unknown) = versions.iter().find(|v| !MIGRATOR.version_exists(**v)) {
        return Err(newer_release(*unknown));
    }
    Migrate::ensure_migrations_table(&mut *tx, MIGRATIONS_TABLE).await.map_err(refused)?;
    for m in MIGRATOR.iter().filter(|m| versions.contains(&m.version)) {
        Migrate::skip(&mut *tx, MIGRATIONS_TABLE, m).await.map_err(refused)?;
    }
    sqlx::raw_sql("DROP TABLE schema_migrations").execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!(?versions, "migrations recorded in schema_migrations taken over, with their checksums, into _sqlx_migrations");
    Ok(())
}

async fn table_exists(tx: &mut Tx, name: &str) -> Result<bool> {
    let sql = if POSTGRES {
        "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1)"
    } else {
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1)"
    };
    Ok(sqlx::query_scalar(sql).bind(name).fetch_one(&mut **tx).await?)
}

/// The migrator's refusals as the store reports them. A changed checksum stays sqlx's
/// `VersionMismatch` (a released migration file was edited: restore it and put the change in a
/// new migration); an unknown applied version means a newer release migrated the database.
fn refused(e: MigrateError) -> StoreError {
    match e {
        MigrateError::VersionMissing(v) => newer_release(v),
        MigrateError::Execute(e) => StoreError::Database(e),
        MigrateError::VersionMismatch(v) => {
            tracing::error!(version = v, "migration {v} differs from the one this database recorded: a released migration file was edited");
            StoreError::Database(sqlx::Error::Migrate(Box::new(MigrateError::VersionMismatch(v))))
        }
        other => StoreError::Database(sqlx::Error::Migrate(Box::new(other))),
    }
}

fn newer_release(version: i64) -> StoreError {
    let msg = format!(
        "the database records migration {version}, which this release does not have: a newer release of Kriseservice \
         migrated it; run that release or a later one, or restore the backup taken before the upgrade"
    );
    StoreError::Database(sqlx::Error::Configuration(msg.into()))
}
