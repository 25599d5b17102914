//! The one persistence API. Two backends, SQLite (embedded default) and PostgreSQL (several
//! nodes), behind one `Store`; the conformance suite in `tests/` is the contract both keep.
//!
//! Every write that changes an incident writes its state, its log entry and its event in one
//! transaction. After commit the event relay reads new events in sequence order and puts them on
//! the in-process bus; on PostgreSQL, `NOTIFY` wakes the relay of every node.

mod backend;
mod error;
mod relay;
mod rows;

pub use error::{Result, StoreError};

use backend::{postgres, sqlite};
use domain::Actor;
use domain::calls::{CallInterval, ForecastOverride, Rejected, StaffingSettings};
use domain::checklist::{ActionCard, ChecklistItem, TemplateItem};
use domain::event::Committed;
use domain::feedback::{Feedback, FeedbackCounts, FeedbackState, NewFeedback};
use domain::guide::{Freshness, Guide, Version};
use domain::incident::{Incident, NewIncident, Status};
use domain::inquiry::{Access, Callback, Inquiry, NewCallback, NewInquiry};
use domain::log::{LogEntry, NewLogEntry, Verification};
use domain::org::Organisation;
use domain::role::{Assignment, StaffRole};
use domain::shifts::{Bid, Shift};
use domain::user::{NewUser, User};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::broadcast;
use uuid::Uuid;

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

/// What one delivery of call statistics did: intervals new, intervals replaced (same start),
/// and the rows of a file that were not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CallsReport {
    pub recorded: usize,
    pub replaced: usize,
    pub rejected: Vec<domain::calls::Rejected>,
}

/// What one import of a municipality's everyday guides did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
}

impl ImportReport {
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
}

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
}

/// Runs the same operation on whichever backend this store has.
macro_rules! on {
    ($self:ident, $op:ident($($arg:expr),* $(,)?)) => {
        match &$self.pool {
            Pool::Sqlite(p) => sqlite::$op(p, $($arg),*).await,
            Pool::Postgres(p) => postgres::$op(p, $($arg),*).await,
        }
    };
}

/// Same, and wakes the event relay afterwards: for operations that commit events.
macro_rules! write {
    ($self:ident, $op:ident($($arg:expr),* $(,)?)) => {{
        let _turn = match $self.pool {
            Pool::Sqlite(_) => Some($self.sqlite_writer.lock().await),
            Pool::Postgres(_) => None,
        };
        let out = on!($self, $op($($arg),*));
        if out.is_ok() {
            $self.bus.poke();
        }
        out
    }};
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
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
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
        Ok(store)
    }

    fn with(pool: Pool) -> Store {
        Store { pool, bus: Arc::new(relay::Bus::new()), sqlite_writer: Arc::new(tokio::sync::Mutex::new(())) }
    }

    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Brings the schema up to this release (`open` does it): takes over a database the
    /// hand-rolled runner of earlier releases migrated, then applies what is new. Refuses a
    /// database migrated by a newer release, or whose recorded checksum differs from this
    /// release's migration file (`sqlx::migrate::MigrateError::VersionMismatch`).
    pub async fn migrate(&self) -> Result<()> {
        on!(self, migrate())
    }

    /// Is the database reachable? For `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        on!(self, ping())
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    // ---- events ----

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

    pub async fn events_since(&self, after: i64, limit: i64) -> Result<Vec<Committed>> {
        on!(self, events_since(after, limit))
    }

    pub async fn last_event_seq(&self) -> Result<i64> {
        on!(self, last_event_seq())
    }

    // ---- organisations ----

    /// Inserts organisations that are not there yet; never changes existing ones.
    pub async fn seed_organisations(&self, orgs: &[Organisation]) -> Result<()> {
        on!(self, seed_organisations(orgs))
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        on!(self, organisations())
    }

    pub async fn organisation(&self, code: &str) -> Result<Option<Organisation>> {
        on!(self, organisation(code))
    }

    /// The secretariat's changes (`by` names who) leave an `admin.changed` event as their trail.
    pub async fn set_member(&self, code: &str, member: bool, by: &str, at: OffsetDateTime) -> Result<()> {
        write!(self, set_member(code, member, by, at))
    }

    // ---- users, tokens, sessions ----

    pub async fn create_user(&self, user: &NewUser, password_hash: &str, by: &str, at: OffsetDateTime) -> Result<User> {
        write!(self, create_user(user, password_hash, by, at))
    }

    /// The user and their password hash.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>> {
        on!(self, user_by_email(email))
    }

    pub async fn user(&self, id: Uuid) -> Result<Option<User>> {
        on!(self, user(id))
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        on!(self, users())
    }

    pub async fn set_user_active(&self, id: Uuid, active: bool, by: &str, at: OffsetDateTime) -> Result<()> {
        write!(self, set_user_active(id, active, by, at))
    }

    /// Stores the hash of a new API token (the token itself is never stored).
    pub async fn create_token(&self, user_id: Uuid, token_hash: &str, at: OffsetDateTime) -> Result<()> {
        on!(self, create_token(user_id, token_hash, at))
    }

    pub async fn user_by_token(&self, token_hash: &str) -> Result<Option<User>> {
        on!(self, user_by_token(token_hash))
    }

    pub async fn create_session(&self, token_hash: &str, user_id: Uuid, csrf: &str, expires_at: OffsetDateTime) -> Result<()> {
        on!(self, create_session(token_hash, user_id, csrf, expires_at))
    }

    /// The session's user and its CSRF token, if the session exists and has not expired.
    pub async fn session(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<(User, String)>> {
        on!(self, session(token_hash, now))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on!(self, delete_session(token_hash))
    }

    pub async fn purge_sessions(&self, now: OffsetDateTime) -> Result<u64> {
        on!(self, purge_sessions(now))
    }

    // ---- roster and roles ----

    pub async fn roster(&self) -> Result<Vec<Assignment>> {
        on!(self, roster())
    }

    /// `primary` and `deputy` must have passed `domain::role::check_assignment`.
    pub async fn set_roster(
        &self,
        role: StaffRole,
        primary: Option<Uuid>,
        deputy: Option<Uuid>,
        by: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        write!(self, set_roster(role, primary, deputy, by, at))
    }

    pub async fn roles(&self, incident_id: Uuid) -> Result<Vec<Assignment>> {
        on!(self, roles(incident_id))
    }

    pub async fn assign_role(
        &self,
        incident_id: Uuid,
        role: StaffRole,
        primary: Option<Uuid>,
        deputy: Option<Uuid>,
        actor: &Actor,
        at: OffsetDateTime,
    ) -> Result<Vec<Assignment>> {
        write!(self, assign_role(incident_id, role, primary, deputy, actor, at))
    }

    // ---- incidents and the log ----

    /// Creates a prepared incident, staffed from the standing roster. `n` must be validated.
    pub async fn create_incident(&self, n: &NewIncident, actor: &Actor, at: OffsetDateTime) -> Result<Incident> {
        write!(self, create_incident(n, actor, at))
    }

    pub async fn incident(&self, id: Uuid) -> Result<Option<Incident>> {
        on!(self, incident(id))
    }

    pub async fn incidents(&self, status: Option<Status>) -> Result<Vec<Incident>> {
        on!(self, incidents(status))
    }

    /// Moves an incident along its lifecycle; activation instantiates the checklist.
    pub async fn change_status(&self, id: Uuid, to: Status, note: Option<&str>, actor: &Actor, at: OffsetDateTime) -> Result<Incident> {
        write!(self, change_status(id, to, note, actor, at))
    }

    pub async fn append_log(&self, incident_id: Uuid, entry: NewLogEntry, actor: &Actor, at: OffsetDateTime) -> Result<LogEntry> {
        write!(self, append_log(incident_id, entry, actor, at))
    }

    pub async fn log(&self, incident_id: Uuid) -> Result<Vec<LogEntry>> {
        on!(self, log(incident_id))
    }

    /// The head of an incident's log as the incident records it: (entries, last hash).
    pub async fn log_head(&self, incident_id: Uuid) -> Result<Option<(i64, String)>> {
        on!(self, log_head(incident_id))
    }

    /// Verifies an incident's log against its hash chain and the head recorded on the incident.
    /// A row edited so that it no longer reads back counts as broken at that entry.
    pub async fn verify_log(&self, incident_id: Uuid) -> Result<Option<Verification>> {
        on!(self, verify_log(incident_id))
    }

    // ---- checklists and action cards ----

    pub async fn checklist(&self, incident_id: Uuid) -> Result<Vec<ChecklistItem>> {
        on!(self, checklist(incident_id))
    }

    pub async fn complete_item(
        &self,
        incident_id: Uuid,
        item_id: Uuid,
        done: bool,
        actor: &Actor,
        at: OffsetDateTime,
    ) -> Result<ChecklistItem> {
        write!(self, complete_item(incident_id, item_id, done, actor, at))
    }

    pub async fn checklist_templates(&self) -> Result<Vec<(Uuid, TemplateItem)>> {
        on!(self, checklist_templates())
    }

    pub async fn add_checklist_template(&self, item: &TemplateItem, by: &str, at: OffsetDateTime) -> Result<Uuid> {
        write!(self, add_checklist_template(item, by, at))
    }

    pub async fn delete_checklist_template(&self, id: Uuid, by: &str, at: OffsetDateTime) -> Result<()> {
        write!(self, delete_checklist_template(id, by, at))
    }

    pub async fn action_cards(&self) -> Result<Vec<(Uuid, ActionCard)>> {
        on!(self, action_cards())
    }

    pub async fn add_action_card(&self, card: &ActionCard, by: &str, at: OffsetDateTime) -> Result<Uuid> {
        write!(self, add_action_card(card, by, at))
    }

    /// Refused with a conflict while any incident has the card attached.
    pub async fn delete_action_card(&self, id: Uuid, by: &str, at: OffsetDateTime) -> Result<()> {
        write!(self, delete_action_card(id, by, at))
    }

    pub async fn incident_cards(&self, incident_id: Uuid) -> Result<Vec<(Uuid, ActionCard)>> {
        on!(self, incident_cards(incident_id))
    }

    pub async fn attach_card(&self, incident_id: Uuid, card_id: Uuid, actor: &Actor, at: OffsetDateTime) -> Result<()> {
        write!(self, attach_card(incident_id, card_id, actor, at))
    }

    // ---- the crisis guide ----

    /// Saves the working draft; `guide` must have passed `Guide::validate_draft`.
    pub async fn save_guide_draft(&self, incident_id: Uuid, guide: &Guide, actor: &Actor, at: OffsetDateTime) -> Result<()> {
        write!(self, save_guide_draft(incident_id, guide, actor, at))
    }

    pub async fn guide_draft(&self, incident_id: Uuid) -> Result<Option<Guide>> {
        on!(self, guide_draft(incident_id))
    }

    /// A published version (`None`: the latest).
    pub async fn guide_version(&self, incident_id: Uuid, version: Option<i64>) -> Result<Option<Version>> {
        on!(self, guide_version(incident_id, version))
    }

    /// Publishes the saved draft as the next version: validated for publishing, refused when
    /// unchanged, logged and announced in the same transaction.
    /// Every published version's number and time, oldest first.
    pub async fn guide_history(&self, incident_id: Uuid) -> Result<Vec<(i64, OffsetDateTime)>> {
        on!(self, guide_history(incident_id))
    }

    pub async fn publish_guide(&self, incident_id: Uuid, actor: &Actor, at: OffsetDateTime) -> Result<Version> {
        write!(self, publish_guide(incident_id, actor, at))
    }

    /// The published guide's freshness: which version, when the next is due, whether it is overdue.
    pub async fn guide_freshness(&self, incident_id: Uuid) -> Result<Option<Freshness>> {
        on!(self, guide_freshness(incident_id))
    }

    /// Marks guides whose next update is due and missed as overdue (once, even with several nodes).
    pub async fn mark_overdue(&self, now: OffsetDateTime) -> Result<Vec<Uuid>> {
        write!(self, mark_overdue(now))
    }

    // ---- feedback ----

    pub async fn create_feedback(&self, incident_id: Uuid, new: NewFeedback, actor: &Actor, at: OffsetDateTime) -> Result<Feedback> {
        write!(self, create_feedback(incident_id, new, actor, at))
    }

    /// Newest first.
    pub async fn feedback(&self, incident_id: Uuid) -> Result<Vec<Feedback>> {
        on!(self, feedback_list(incident_id))
    }

    pub async fn update_feedback(
        &self,
        incident_id: Uuid,
        id: Uuid,
        to: FeedbackState,
        resolved_by: Option<i64>,
        actor: &Actor,
        at: OffsetDateTime,
    ) -> Result<Feedback> {
        write!(self, update_feedback(incident_id, id, to, resolved_by, actor, at))
    }

    pub async fn feedback_counts(&self, incident_id: Uuid) -> Result<FeedbackCounts> {
        on!(self, feedback_counts(incident_id))
    }

    // ---- inquiries and callback requests ----

    /// Checked against the latest published version; only while the incident is live.
    pub async fn record_inquiry(&self, incident_id: Uuid, new: NewInquiry, at: OffsetDateTime) -> Result<Inquiry> {
        write!(self, record_inquiry(incident_id, new, at))
    }

    /// Oldest first.
    pub async fn inquiries(&self, incident_id: Uuid) -> Result<Vec<Inquiry>> {
        on!(self, inquiries(incident_id))
    }

    /// Call statistics, all or nothing (an API request): every interval valid, in time order and
    /// overlapping nothing already recorded; a same start replaces.
    pub async fn record_calls(&self, incident_id: Uuid, intervals: Vec<CallInterval>, at: OffsetDateTime) -> Result<CallsReport> {
        let rows = intervals.into_iter().enumerate().collect();
        write!(self, record_calls(incident_id, rows, true, Vec::new(), at))
    }

    /// A contact-centre file's rows (with their line numbers): the good ones kept in one
    /// transaction, the others in the report with `rejected` (from parsing).
    pub async fn import_calls(
        &self,
        incident_id: Uuid,
        rows: Vec<(usize, CallInterval)>,
        rejected: Vec<Rejected>,
        at: OffsetDateTime,
    ) -> Result<CallsReport> {
        write!(self, record_calls(incident_id, rows, false, rejected, at))
    }

    /// Oldest first.
    pub async fn call_intervals(&self, incident_id: Uuid) -> Result<Vec<CallInterval>> {
        on!(self, call_intervals(incident_id))
    }

    /// The defaults until the staffing lead sets them.
    pub async fn staffing_settings(&self, incident_id: Uuid) -> Result<StaffingSettings> {
        on!(self, staffing_settings(incident_id))
    }

    /// `settings` must have passed the staffing crate's checks. Logged as a staffing decision.
    pub async fn set_staffing_settings(
        &self,
        incident_id: Uuid,
        settings: &StaffingSettings,
        actor: &Actor,
        at: OffsetDateTime,
    ) -> Result<()> {
        write!(self, set_staffing_settings(incident_id, settings, actor, at))
    }

    pub async fn forecast_overrides(&self, incident_id: Uuid) -> Result<Vec<ForecastOverride>> {
        on!(self, forecast_overrides(incident_id))
    }

    /// Sets or (with `None`) removes the staffing lead's figure for the interval from `start`. Logged.
    pub async fn set_forecast_override(
        &self,
        incident_id: Uuid,
        start: OffsetDateTime,
        calls: Option<f64>,
        actor: &Actor,
        at: OffsetDateTime,
    ) -> Result<()> {
        write!(self, set_forecast_override(incident_id, start, calls, actor, at))
    }

    /// Replaces the shift plan (shifts with each member's base seats); refused once members bid. Logged.
    pub async fn set_shift_plan(
        &self,
        incident_id: Uuid,
        shifts: &[Shift],
        base_share: f64,
        actor: &Actor,
        at: OffsetDateTime,
    ) -> Result<()> {
        write!(self, set_shift_plan(incident_id, shifts, base_share, actor, at))
    }

    /// In time order, each with its members' base seats, bids and awards.
    pub async fn shifts(&self, incident_id: Uuid) -> Result<Vec<Shift>> {
        on!(self, shifts(incident_id))
    }

    /// Member `org`'s offer for an open shift (0 withdraws it), checked against the seats offered.
    pub async fn bid(&self, incident_id: Uuid, bid: &Bid, org: &str, actor: &Actor, at: OffsetDateTime) -> Result<Shift> {
        write!(self, bid(incident_id, bid, org, actor, at))
    }

    /// Sets the awards computed from `expected` (the shifts as read); a conflict if the bids
    /// changed meanwhile. Logged.
    pub async fn award_shifts(
        &self,
        incident_id: Uuid,
        expected: &[Shift],
        awards: &[(Uuid, String, u32)],
        actor: &Actor,
        at: OffsetDateTime,
    ) -> Result<Vec<Shift>> {
        write!(self, award_shifts(incident_id, expected, awards, actor, at))
    }

    /// `new` must have passed `NewCallback::validate`. Queues the e-mail to the callback mailbox.
    pub async fn create_callback(&self, incident_id: Uuid, new: NewCallback, actor: &Actor, at: OffsetDateTime) -> Result<Callback> {
        write!(self, create_callback(incident_id, new, actor, at))
    }

    /// Personal data: the reading is logged as `what` (`view` or `export`) by `actor`.
    pub async fn callbacks(&self, incident_id: Uuid, actor: &Actor, what: &str, at: OffsetDateTime) -> Result<Vec<Callback>> {
        write!(self, callbacks(incident_id, actor, what, at))
    }

    /// Who read or wrote an incident's personal data, newest first.
    pub async fn personal_data_access(&self, incident_id: Uuid) -> Result<Vec<Access>> {
        on!(self, personal_data_access(incident_id))
    }

    /// Deletes callback requests of incidents closed `retention_days` or more before `now`: the
    /// cut-off is the domain's rule, `domain::inquiry::purge_cutoff`.
    pub async fn purge_callbacks(&self, now: OffsetDateTime, retention_days: i64) -> Result<Vec<(Uuid, u64)>> {
        let cutoff = domain::inquiry::purge_cutoff(now, retention_days);
        write!(self, purge_callbacks(cutoff, retention_days, now))
    }

    // ---- the mail outbox ----

    pub async fn claim_mail(&self, now: OffsetDateTime, lease_until: OffsetDateTime) -> Result<Option<OutgoingMail>> {
        write!(self, claim_mail(now, lease_until))
    }

    pub async fn mail_sent(&self, id: i64, at: OffsetDateTime) -> Result<()> {
        write!(self, mail_sent(id, at))
    }

    pub async fn mail_failed(&self, id: i64, error: &str, retry_at: Option<OffsetDateTime>) -> Result<()> {
        write!(self, mail_failed(id, error, retry_at))
    }

    // ---- everyday guides and integration tokens ----

    /// Makes one municipality's everyday guides exactly `guides`, in one transaction.
    pub async fn import_everyday(
        &self,
        municipality: &str,
        guides: Vec<domain::everyday::EverydayGuide>,
        at: OffsetDateTime,
    ) -> Result<ImportReport> {
        write!(self, import_everyday(municipality, guides, at))
    }

    pub async fn everyday_guides(&self) -> Result<Vec<domain::everyday::EverydayGuide>> {
        on!(self, everyday_guides())
    }

    pub async fn everyday_guide(&self, municipality: &str, slug: &str) -> Result<Option<domain::everyday::EverydayGuide>> {
        on!(self, everyday_guide(municipality, slug))
    }

    pub async fn create_integration_token(&self, name: &str, token_hash: &str, at: OffsetDateTime) -> Result<()> {
        write!(self, create_integration_token(name, token_hash, at))
    }

    pub async fn revoke_integration_tokens(&self, name: &str) -> Result<u64> {
        write!(self, revoke_integration_tokens(name))
    }

    pub async fn integration_by_token(&self, token_hash: &str) -> Result<Option<String>> {
        on!(self, integration_by_token(token_hash))
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
