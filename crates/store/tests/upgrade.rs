//! Migrations: a database written by the release with the hand-rolled runner (the fixtures in
//! `tests/fixtures/`) upgrades in place with nothing lost, on SQLite and on PostgreSQL; a fresh
//! database ends up with the same schema; a migration whose checksum differs from the recorded
//! one, or a database migrated by a newer release, is refused. PostgreSQL tests need
//! `KRISESERVICE_TEST_POSTGRES_URL` and fail, rather than skip, without it.

use domain::Actor;
use domain::incident::Status;
use domain::inquiry::NewCallback;
use domain::log::{LogCategory, NewLogEntry};
use sqlx::migrate::MigrateError;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};
use std::path::PathBuf;
use std::str::FromStr;
use store::{Store, StoreError};
use time::macros::datetime;
use uuid::Uuid;

const SQLITE_FIXTURE: &str = include_str!("fixtures/0006_hand_rolled.sqlite.sql");
const POSTGRES_FIXTURE: &str = include_str!("fixtures/0006_hand_rolled.postgres.sql");

#[derive(Clone, Copy)]
enum Kind {
    Sqlite,
    Postgres,
}

/// One empty database: a file in its own data directory, or a schema of its own.
enum Target {
    Sqlite { _dir: tempfile::TempDir, path: PathBuf },
    Postgres { url: String, schema: String },
}

impl Target {
    async fn empty(kind: Kind) -> Target {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("kriseservice.db");
                Target::Sqlite { _dir: dir, path }
            }
            Kind::Postgres => {
                let url = std::env::var("KRISESERVICE_TEST_POSTGRES_URL").expect(
                    "KRISESERVICE_TEST_POSTGRES_URL is not set: run the README's test command, or point it at a PostgreSQL database",
                );
                let schema = format!("u_{}", uuid::Uuid::new_v4().simple());
                let mut conn = PgConnection::connect(&url).await.unwrap();
                sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\""))).execute(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                Target::Postgres { url, schema }
            }
        }
    }

    /// An empty database with the fixture of the release before sqlx loaded into it.
    async fn with_fixture(kind: Kind) -> Target {
        let t = Target::empty(kind).await;
        t.exec(t.pick(SQLITE_FIXTURE, POSTGRES_FIXTURE)).await.unwrap();
        t
    }

    fn pick(&self, sqlite: &'static str, postgres: &'static str) -> &'static str {
        match self {
            Target::Sqlite { .. } => sqlite,
            Target::Postgres { .. } => postgres,
        }
    }

    async fn open(&self) -> store::Result<Store> {
        match self {
            Target::Sqlite { path, .. } => Store::open_sqlite(path).await,
            Target::Postgres { url, schema } => Store::open_postgres(url, Some(schema)).await,
        }
    }

    /// Runs SQL behind the store's back, on a connection of its own.
    async fn exec(&self, sql: &str) -> Result<(), sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_string());
        match self {
            Target::Sqlite { path, .. } => {
                let mut conn = SqliteConnectOptions::new().filename(path).create_if_missing(true).connect().await?;
                sqlx::raw_sql(sql).execute(&mut conn).await?;
                conn.close().await
            }
            Target::Postgres { .. } => {
                let mut conn = self.pg().await;
                sqlx::raw_sql(sql).execute(&mut conn).await?;
                conn.close().await
            }
        }
    }

    /// One text column of a query, the schema's own name taken out (so two schemas compare).
    async fn strings(&self, sqlite: &'static str, postgres: &'static str) -> Vec<String> {
        match self {
            Target::Sqlite { path, .. } => {
                let mut conn: SqliteConnection = SqliteConnectOptions::new().filename(path).connect().await.unwrap();
                sqlx::query_scalar(sqlite).fetch_all(&mut conn).await.unwrap()
            }
            Target::Postgres { schema, .. } => {
                let mut conn = self.pg().await;
                let rows: Vec<String> = sqlx::query_scalar(postgres).fetch_all(&mut conn).await.unwrap();
                rows.into_iter().map(|r| r.replace(&format!("{schema}."), "")).collect()
            }
        }
    }

    async fn pg(&self) -> PgConnection {
        let Target::Postgres { url, schema } = self else { unreachable!() };
        let options = PgConnectOptions::from_str(url).unwrap().options([("search_path", schema.as_str())]);
        options.connect().await.unwrap()
    }

    async fn tables(&self) -> Vec<String> {
        self.strings(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
        )
        .await
    }

    /// What sqlx recorded: version, description, checksum.
    async fn recorded(&self) -> Vec<String> {
        self.strings(
            "SELECT version || ' ' || description || ' ' || hex(checksum) || ' ' || success FROM _sqlx_migrations ORDER BY version",
            "SELECT version || ' ' || description || ' ' || upper(encode(checksum, 'hex')) || ' ' || success::int
             FROM _sqlx_migrations ORDER BY version",
        )
        .await
    }

    /// Tables, columns, keys, indexes, triggers and functions, one line each.
    async fn schema(&self) -> Vec<String> {
        const SQLITE: &str = "SELECT m.type || ' ' || m.name || ' ' || m.tbl_name || ' ' || coalesce(m.sql, '') FROM sqlite_master m
             WHERE m.name NOT LIKE 'sqlite_%'
             UNION ALL
             SELECT 'column ' || m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' || coalesce(p.dflt_value, '') || ' ' || p.pk
             FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'
             ORDER BY 1";
        const POSTGRES: &str = "SELECT concat_ws(' ', 'column', table_name, ordinal_position, column_name, data_type, is_nullable, column_default)
             FROM information_schema.columns WHERE table_schema = current_schema()
             UNION ALL SELECT concat_ws(' ', 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid))
             FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
             UNION ALL SELECT concat_ws(' ', 'index', indexname, indexdef) FROM pg_indexes WHERE schemaname = current_schema()
             UNION ALL SELECT concat_ws(' ', 'trigger', event_object_table, trigger_name, action_timing, event_manipulation, action_statement)
             FROM information_schema.triggers WHERE trigger_schema = current_schema()
             UNION ALL SELECT concat_ws(' ', 'function', proname, prosrc) FROM pg_proc WHERE pronamespace = current_schema()::regnamespace
             UNION ALL SELECT concat_ws(' ', 'sequence', sequence_name, data_type) FROM information_schema.sequences
             WHERE sequence_schema = current_schema()
             ORDER BY 1";
        self.strings(SQLITE, POSTGRES).await
    }
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Kind::Sqlite).await })*
        }
        mod on_postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Kind::Postgres).await })*
        }
    };
}

on_both!(
    an_old_database_upgrades_in_place_with_nothing_lost,
    an_upgraded_database_takes_new_writes,
    a_fresh_database_gets_the_schema_an_upgraded_one_has,
    an_older_database_gets_the_migrations_it_lacks,
    two_nodes_starting_together_take_the_database_over_once,
    a_migration_edited_after_release_is_refused_by_its_checksum,
    a_database_from_a_newer_release_is_refused,
    the_old_runner_cannot_start_on_an_upgraded_database,
);

/// The active incident of the fixture and its crisis staff's log keeper.
async fn fixture_incident(store: &Store) -> (domain::incident::Incident, Actor) {
    let active = store.incidents(Some(Status::Active)).await.unwrap();
    assert_eq!(active.len(), 1, "{active:?}");
    let (keeper, _) = store.user_by_email("logfoerer@ddh.invalid").await.unwrap().expect("the log keeper is there");
    (active.into_iter().next().unwrap(), keeper.actor())
}

async fn an_old_database_upgrades_in_place_with_nothing_lost(kind: Kind) {
    let t = Target::with_fixture(kind).await;
    let store = t.open().await.expect("the release's database opens");
    check_people_and_reference_data(&store).await;
    check_the_incident(&store).await;

    // The bookkeeping moved: sqlx has every version, the old table is gone; opening again
    // applies nothing and checks every checksum.
    let recorded = t.recorded().await;
    assert_eq!(recorded.iter().map(|r| r.split(' ').next().unwrap().to_string()).collect::<Vec<_>>(), versions());
    assert!(!t.tables().await.contains(&"schema_migrations".to_string()));
    store.close().await;
    let again = t.open().await.expect("opens again");
    assert_eq!(t.recorded().await, recorded);
    check_the_incident(&again).await;
}

async fn check_people_and_reference_data(store: &Store) {
    let orgs = store.organisations().await.unwrap();
    assert_eq!(orgs.len(), 104);
    let members: Vec<&str> = orgs.iter().filter(|o| o.member).map(|o| o.code.as_str()).collect();
    assert_eq!(members, ["0101", "0250", "0253"]);
    assert_eq!(store.checklist_templates().await.unwrap().len(), domain::checklist::default_checklist().len());
    assert_eq!(store.action_cards().await.unwrap().len(), domain::checklist::default_action_cards().len());

    let users = store.users().await.unwrap();
    assert_eq!(users.len(), 9);
    assert!(!users.iter().find(|u| u.email == "tidligere@ddh.invalid").unwrap().active, "still deactivated");
    let (leader, hash) = store.user_by_email("kriseleder@ddh.invalid").await.unwrap().unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let roster = store.roster().await.unwrap();
    let crisis_leader = roster.iter().find(|a| a.role == domain::role::StaffRole::CrisisLeader).unwrap();
    assert_eq!(crisis_leader.primary.as_ref().map(|p| p.id), Some(leader.id));
    assert_eq!(crisis_leader.deputy.as_ref().map(|p| p.name.as_str()), Some("Søren Stedfortræder"));

    assert_eq!(store.user_by_token("fixture-token-hash", domain::time::now()).await.unwrap().unwrap().email, "logfoerer@ddh.invalid");
    let (agent, csrf, _, _) = store.session("fixture-session-hash", domain::time::now()).await.unwrap().expect("the session survives");
    assert_eq!((agent.email.as_str(), csrf.as_str()), ("agent@greve.invalid", "fixture-csrf"));
    assert_eq!(
        store.integration_by_token("fixture-integration-hash", domain::time::now()).await.unwrap().as_deref(),
        Some("Telefoniplatform")
    );
    let everyday = store.everyday_guide("0250", "pas").await.unwrap().unwrap();
    assert_eq!(everyday.body, "Bestil tid på borger.dk.");
    assert_eq!(store.everyday_guides().await.unwrap().len(), 2);
    assert_eq!(store.last_event_seq().await.unwrap(), 67);
    assert_eq!(store.events_since(0, 1000).await.unwrap().len(), 67, "every event reads back");
}

async fn check_the_incident(store: &Store) {
    let (i, _) = fixture_incident(store).await;
    assert_eq!(i.title, "Strømafbrydelse: telefonmasterne i Frederikssund mister strøm");
    assert_eq!((i.affected.as_slice(), i.exercise), (&["0250".to_string()][..], false));
    assert_eq!(i.activated_at, Some(datetime!(2026-11-30 06:05 UTC)));
    let exercise = store.incidents(Some(Status::Prepared)).await.unwrap();
    assert!(exercise.len() == 1 && exercise[0].exercise, "{exercise:?}");
    assert!(store.verify_log(exercise[0].id).await.unwrap().unwrap().valid);

    let log = store.log(i.id).await.unwrap();
    assert_eq!(log.len(), 16);
    assert!(log[1].text.starts_with("Status ændret fra forberedt til aktiv"), "{}", log[1].text);
    let correction = log.iter().find(|e| e.text.starts_with("Rettelse")).unwrap();
    assert_eq!(correction.corrects, Some(4));
    let v = store.verify_log(i.id).await.unwrap().unwrap();
    assert!(v.valid && v.entries == 16, "{v:?}");

    let latest = store.guide_version(i.id, None).await.unwrap().unwrap();
    assert_eq!((latest.version, latest.guide.short_status.as_str()), (2, "Strømmen er tilbage i Jægerspris; resten ventes kl. 14."));
    let first = store.guide_version(i.id, Some(1)).await.unwrap().unwrap();
    assert_eq!(first.guide.short_status, "Radius arbejder på at genoprette strømmen.");
    assert_eq!(store.guide_history(i.id).await.unwrap().len(), 2);
    assert_eq!(store.guide_freshness(i.id).await.unwrap().unwrap().next_update_at, datetime!(2026-11-30 08:00 UTC));
    assert!(store.guide_draft(i.id).await.unwrap().is_some());

    let feedback = store.feedback(i.id).await.unwrap();
    assert_eq!(feedback.len(), 1);
    assert_eq!(feedback[0].state, domain::feedback::FeedbackState::Acknowledged);
    let inquiries = store.inquiries(i.id).await.unwrap();
    assert_eq!(inquiries.iter().map(|q| q.text.as_str()).collect::<Vec<_>>(), ["", "Kan jeg hente medicin på apoteket?"]);
    assert_eq!(store.personal_data_access(i.id).await.unwrap().len(), 2);
    let checklist = store.checklist(i.id).await.unwrap();
    assert_eq!(checklist.iter().filter(|c| c.done_at.is_some()).count(), 1);
    assert_eq!(store.incident_cards(i.id).await.unwrap().len(), 1);

    assert_eq!(store.call_intervals(i.id).await.unwrap().iter().map(|c| c.offered).collect::<Vec<_>>(), [140, 180]);
    assert_eq!(store.staffing_settings(i.id).await.unwrap().target_service_level, 0.9);
    assert_eq!(store.forecast_overrides(i.id).await.unwrap()[0].calls, 320.0);
    let shifts = store.shifts(i.id).await.unwrap();
    assert_eq!((shifts.len(), shifts[0].agents, shifts[0].awarded()), (1, 10, 2));
}

async fn an_upgraded_database_takes_new_writes(kind: Kind) {
    let t = Target::with_fixture(kind).await;
    let store = t.open().await.unwrap();
    let (i, keeper) = fixture_incident(&store).await;
    let at = domain::time::now();
    let entry = NewLogEntry { category: LogCategory::Decision, text: "Kriselinjen holder åbent til kl. 22.".into(), corrects: None };
    let appended = store.append_log(i.id, entry, &keeper, at).await.unwrap();
    assert_eq!(appended.seq, 17);
    assert_eq!(appended.prev_hash, store.log(i.id).await.unwrap()[15].hash, "chained to the old head");
    let v = store.verify_log(i.id).await.unwrap().unwrap();
    assert!(v.valid && v.entries == 17, "{v:?}");
    assert!(store.last_event_seq().await.unwrap() > 67, "the event sequence carries on");

    // A callback and its mail: the outbox's and the access trail's id sequences carry on too.
    let (agent, _) = store.user_by_email("agent@greve.invalid").await.unwrap().unwrap();
    let new = NewCallback {
        name: "Carl Borger".into(),
        phone: "30 40 50 60".into(),
        email: "".into(),
        reason: "Varmen er gået".into(),
        municipality: "0250".into(),
    };
    store.create_callback(Uuid::new_v4(), i.id, new.validate().unwrap(), &agent.actor(), at).await.unwrap();
    let mail =
        store.claim_message(&[domain::callout::ContactChannel::Email], at, at + time::Duration::minutes(1)).await.unwrap().expect("queued");
    assert!(mail.id > 1 && mail.body.contains("Carl Borger"), "{mail:?}");
    let (editor, _) = store.user_by_email("redaktoer@frederikssund.invalid").await.unwrap().unwrap();
    assert_eq!(store.callbacks(i.id, &editor.actor(), "view", at).await.unwrap().len(), 2);
    assert_eq!(store.personal_data_access(i.id).await.unwrap().len(), 4);
}

async fn a_fresh_database_gets_the_schema_an_upgraded_one_has(kind: Kind) {
    let fresh = Target::empty(kind).await;
    fresh.open().await.unwrap().close().await;
    let upgraded = Target::with_fixture(kind).await;
    upgraded.open().await.unwrap().close().await;
    let (a, b) = (fresh.schema().await, upgraded.schema().await);
    assert!(a.iter().any(|l| l.contains("shift_members")) && a.iter().any(|l| l.contains("_sqlx_migrations")), "{a:#?}");
    let only = |x: &[String], y: &[String]| x.iter().filter(|l| !y.contains(l)).cloned().collect::<Vec<_>>();
    assert_eq!((only(&a, &b), only(&b, &a)), (vec![], vec![]), "(only in the fresh schema, only in the upgraded one)");
    assert_eq!(fresh.recorded().await, upgraded.recorded().await, "the same versions with the same checksums");
}

/// The versions of the migrations in the source tree, in order (the same on both backends).
fn versions() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations").join("sqlite");
    let mut v: Vec<i64> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.split('_').next()).and_then(|n| n.parse().ok()))
        .collect();
    v.sort_unstable();
    v.into_iter().map(|n| n.to_string()).collect()
}

async fn an_older_database_gets_the_migrations_it_lacks(kind: Kind) {
    // A database from the release before migration 0006: the upgrade records 1-5 and runs 6 and 8.
    let t = Target::with_fixture(kind).await;
    t.exec("DROP TABLE shift_members; DROP TABLE shifts; DELETE FROM schema_migrations WHERE version = 6").await.unwrap();
    let store = t.open().await.unwrap();
    assert_eq!(t.recorded().await.len(), versions().len());
    assert!(t.tables().await.contains(&"shifts".to_string()));
    let (i, _) = fixture_incident(&store).await;
    assert!(store.shifts(i.id).await.unwrap().is_empty());
    assert!(store.verify_log(i.id).await.unwrap().unwrap().valid);
}

async fn two_nodes_starting_together_take_the_database_over_once(kind: Kind) {
    let t = Target::with_fixture(kind).await;
    let (a, b) = tokio::join!(t.open(), t.open());
    let (a, b) = (a.expect("first node"), b.expect("second node"));
    assert_eq!(t.recorded().await.len(), versions().len());
    let (i, _) = fixture_incident(&a).await;
    assert_eq!(b.log(i.id).await.unwrap().len(), 16);
}

async fn a_migration_edited_after_release_is_refused_by_its_checksum(kind: Kind) {
    // The database recorded migration 3 with another checksum than this release's file has:
    // the same as a file edited after the database applied it.
    let t = Target::with_fixture(kind).await;
    t.open().await.unwrap().close().await;
    t.exec(t.pick(
        "UPDATE _sqlx_migrations SET checksum = X'00' WHERE version = 3",
        "UPDATE _sqlx_migrations SET checksum = '\\x00' WHERE version = 3",
    ))
    .await
    .unwrap();
    let err = t.open().await.err().expect("refused");
    let StoreError::Database(sqlx::Error::Migrate(m)) = &err else { panic!("{err:?}") };
    assert!(matches!(**m, MigrateError::VersionMismatch(3)), "{m:?}");
    assert!(err.to_string().contains("migration 3 was previously applied but has been modified"), "{err}");
}

async fn a_database_from_a_newer_release_is_refused(kind: Kind) {
    // The old bookkeeping with a version this release lacks: refused, and nothing written.
    let t = Target::with_fixture(kind).await;
    t.exec("INSERT INTO schema_migrations (version) VALUES (999)").await.unwrap();
    let err = t.open().await.err().expect("refused");
    assert!(err.to_string().contains("records migration 999") && err.to_string().contains("newer release"), "{err}");
    let tables = t.tables().await;
    assert!(tables.contains(&"schema_migrations".to_string()) && !tables.contains(&"_sqlx_migrations".to_string()), "{tables:?}");

    // sqlx's bookkeeping with a version this release lacks: refused alike.
    let t = Target::with_fixture(kind).await;
    t.open().await.unwrap().close().await;
    t.exec(t.pick(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (999, 'next', TRUE, X'00', 0)",
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (999, 'next', TRUE, '\\x00', 0)",
    ))
    .await
    .unwrap();
    let err = t.open().await.err().expect("refused");
    assert!(err.to_string().contains("records migration 999") && err.to_string().contains("newer release"), "{err}");
}

async fn the_old_runner_cannot_start_on_an_upgraded_database(kind: Kind) {
    // What the release before sqlx does at start-up, finding no schema_migrations: creates it
    // and runs migration 0001, in one transaction. On an upgraded database that fails, and
    // leaves nothing behind, so an older binary refuses rather than runs on a newer schema.
    let t = Target::with_fixture(kind).await;
    t.open().await.unwrap().close().await;
    let first =
        t.pick(include_str!("../migrations/sqlite/0001_crisis_room.sql"), include_str!("../migrations/postgres/0001_crisis_room.sql"));
    let old_start = format!("BEGIN; CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY); {first} COMMIT;");
    let err = t.exec(&old_start).await.expect_err("the old runner fails");
    assert!(err.to_string().contains("already exists"), "{err}");
    assert!(!t.tables().await.contains(&"schema_migrations".to_string()), "rolled back");
    let store = t.open().await.expect("and this release still opens it");
    let (i, _) = fixture_incident(&store).await;
    assert!(store.verify_log(i.id).await.unwrap().unwrap().valid);
}
