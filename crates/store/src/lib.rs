//! The one persistence API. Two backends, SQLite (embedded default) and PostgreSQL (several
//! nodes), behind one `Store`; the conformance suite in `tests/` is the contract both keep.
//!
//! Every write that changes an incident writes its state, its log entry and its event in one
//! transaction. After commit the event relay reads new events in sequence order and puts them on
//! the in-process bus; on PostgreSQL, `NOTIFY` wakes the relay of every node.

// Each module holds the operations on one part of the domain, written once for both backends
// (see `backend::operations!`), and the `Store` methods that run them.
mod accounts;
mod backend;
mod billing;
mod callouts;
mod checklists;
mod commit;
mod contact_lists;
mod contacts;
mod error;
mod evaluations;
mod events;
mod everyday;
mod exercises;
mod feedback;
mod guides;
mod health;
mod idempotency;
mod incidents;
mod inquiries;
mod kpis;
mod log;
mod organisations;
mod outbox;
mod relay;
mod reports;
mod roles;
mod rows;
mod schema;
mod shifts;
mod staffing;
mod tokens;
mod totp;

pub use callouts::Acknowledged;
pub use commit::{Appended, Once};
pub use contacts::{CodeCheck, StoredMethod};
use domain::event::Committed;
pub use error::{Result, StoreError};
pub use evaluations::{OpenForm, SentForm};
pub use everyday::ImportReport;
pub use exercises::Running;
pub use idempotency::{Claim, IdempotencyKey, KEY_LIFETIME, StoredReply};
pub use outbox::Outgoing;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
pub use staffing::CallsReport;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

#[derive(Clone)]
enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Handle to the database and the event bus. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    bus: Arc<relay::Bus>,
    /// SQLite takes one writer at a time: queueing writers here, in order, replaces its busy
    /// handler's sleep-and-retry, which made the slowest appends wait 100 ms and more.
    sqlite_writer: Arc<tokio::sync::Mutex<()>>,
    health: Arc<health::Health>,
    /// The queue of log appends to their group committer (`commit.rs`).
    committer: Arc<commit::Committer>,
}

impl Store {
    pub async fn open(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Store::open_postgres(url, None).await
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Store::open_sqlite(Path::new(path)).await
        } else if let Some((scheme, _)) = url.split_once("://") {
            // A mistyped URL must not silently become a new SQLite file.
            let msg = format!("unsupported database URL scheme '{scheme}': use postgres:// or sqlite://");
            Err(StoreError::Database(sqlx::Error::Configuration(msg.into())))
        } else {
            Store::open_sqlite(Path::new(url)).await
        }
    }

    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        // Two nodes starting at once on one file can meet SQLITE_BUSY where SQLite does not wait
        // (switching a new or older file's journal to WAL): the one that lost tries again shortly.
        let mut tries = 0;
        loop {
            match Store::open_sqlite_once(path).await {
                Err(StoreError::Database(sqlx::Error::Database(e)))
                    if tries < 5 && matches!(e.code().as_deref(), Some("5" | "261" | "517")) =>
                {
                    tries += 1;
                    tracing::info!(tries, "the SQLite file is busy (another node starting?); trying again");
                    tokio::time::sleep(Duration::from_millis(100 * tries)).await;
                }
                done => return done,
            }
        }
    }

    async fn open_sqlite_once(path: &Path) -> Result<Store> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk (the WAL fsynced) before it is acknowledged, as PostgreSQL's
            // `synchronous_commit = on`; NORMAL would let a power cut take back acknowledged log
            // entries together with the recorded head. Group commit (`commit.rs`) pays for the flushes.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        let store = Store::with(Pool::Sqlite(pool));
        store.migrate().await?;
        Ok(store)
    }

    /// Opens PostgreSQL; `schema`, when given, is created if missing and used for every connection
    /// (lets several installations, or tests, share one database).
    pub async fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store> {
        let mut options = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            let setup = PgPoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
            let create = format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", schema.replace('"', ""));
            sqlx::raw_sql(sqlx::AssertSqlSafe(create)).execute(&setup).await?;
            setup.close().await;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(5)).connect_with(options).await?;
        let store = Store::with(Pool::Postgres(pool));
        store.migrate().await?;
        store.probe();
        Ok(store)
    }

    /// Asks PostgreSQL whether it answers, for as long as the pool is open. (A SQLite file does
    /// not go away while the process runs.)
    fn probe(&self) {
        let Pool::Postgres(pool) = self.pool.clone() else { return };
        let health = self.health.clone();
        tokio::spawn(async move {
            while !pool.is_closed() {
                tokio::time::sleep(health.next_probe()).await;
                let answer = tokio::time::timeout(health::PROBE_TIMEOUT, sqlx::query("SELECT 1").execute(&pool)).await;
                health.probed(answer.ok().map(|r| r.map(drop)));
            }
        });
    }

    /// Whether the database is answering, as the last operation or probe found it.
    pub fn database_up(&self) -> bool {
        self.health.is_up()
    }

    /// How long the database has been away, while it is.
    pub fn database_down_for(&self) -> Option<Duration> {
        self.health.down_for()
    }

    fn with(pool: Pool) -> Store {
        Store {
            pool,
            bus: Arc::new(relay::Bus::new()),
            sqlite_writer: Arc::new(tokio::sync::Mutex::new(())),
            health: Arc::default(),
            committer: Arc::default(),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// A write's turn on SQLite, which takes one writer at a time (see `sqlite_writer`); `None`
    /// for reads and on PostgreSQL.
    async fn turn(&self, writes: bool) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.pool {
            Pool::Sqlite(_) if writes => Some(self.sqlite_writer.lock().await),
            _ => None,
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// Starts relaying committed events onto the bus (once per process that serves).
    pub async fn start_relay(&self) -> Result<()> {
        let from = self.last_event_seq().await?;
        let listen_url = match &self.pool {
            Pool::Postgres(p) => Some(p.clone()),
            Pool::Sqlite(_) => None,
        };
        relay::start(self.clone(), from, listen_url);
        Ok(())
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Committed> {
        self.bus.subscribe()
    }

    /// Seeds the built-in reference data and templates into an empty database.
    pub async fn seed_defaults(&self) -> Result<()> {
        self.seed_organisations(&domain::org::reference_without_members()).await?;
        if self.checklist_templates().await?.is_empty() {
            for item in domain::checklist::default_checklist() {
                self.add_checklist_template(&item, "system", domain::time::now()).await?;
            }
        }
        if self.action_cards().await?.is_empty() {
            for card in domain::checklist::default_action_cards() {
                self.add_action_card(&card, "system", domain::time::now()).await?;
            }
        }
        Ok(())
    }
}

/// Runs raw SQL on the backend — for tests that must tamper with the database behind the API's back.
#[cfg(feature = "testing")]
pub async fn raw_execute_for_tests(store: &Store, sql: &'static str) -> Result<u64> {
    Ok(match &store.pool {
        Pool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await?.rows_affected(),
        Pool::Postgres(p) => sqlx::raw_sql(sql).execute(p).await?.rows_affected(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pooled connection commits with `synchronous = FULL` (2), in WAL mode: NORMAL (1)
    /// would acknowledge commits that a power cut can take back.
    #[tokio::test]
    async fn every_sqlite_connection_flushes_each_commit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(&dir.path().join("t.db")).await.unwrap();
        let Pool::Sqlite(pool) = &store.pool else { unreachable!() };
        let mut held = Vec::new();
        for _ in 0..8 {
            let mut c = pool.acquire().await.unwrap();
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *c).await.unwrap();
            let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *c).await.unwrap();
            assert_eq!((sync, journal.as_str()), (2, "wal"));
            held.push(c);
        }
    }
}
