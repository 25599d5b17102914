//! The schema: sqlx's migrator, which records each migration with its checksum in
//! `_sqlx_migrations`, the one step that takes a database over from the hand-rolled runner that
//! recorded bare version numbers in `schema_migrations`, and whether the database answers.

use crate::backend::prelude::*;
use crate::error::StoreError;
use sqlx::migrate::{Migrate, MigrateError, Migrator};

/// The migrations, embedded with their checksums: a released file must never change.
static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// Where sqlx records what it applied (its default; this crate has no `sqlx.toml`).
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Where releases up to migration 0006 recorded what they applied.
const LEGACY_TABLE: &str = "schema_migrations";

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

operations! {
    helpers {
        fn migrator() -> &'static Migrator {
            if POSTGRES { &POSTGRES_MIGRATOR } else { &SQLITE_MIGRATOR }
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
            if let Some(unknown) = versions.iter().find(|v| !migrator().version_exists(**v)) {
                return Err(newer_release(*unknown));
            }
            Migrate::ensure_migrations_table(&mut *tx, MIGRATIONS_TABLE).await.map_err(refused)?;
            for m in migrator().iter().filter(|m| versions.contains(&m.version)) {
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
    }

    ops {
        /// Brings the schema up to this release (`open` does it): takes over a database the
        /// hand-rolled runner of earlier releases migrated, then applies what is new. Refuses a
        /// database migrated by a newer release, or whose recorded checksum differs from this
        /// release's migration file (`sqlx::migrate::MigrateError::VersionMismatch`).
        pub write fn migrate(pool) -> Result<()> {
            adopt_legacy(pool).await?;
            if !POSTGRES {
                // sqlx takes no lock on SQLite: two nodes starting at once would both run a new
                // migration. One IMMEDIATE transaction around the run (each migration a savepoint in
                // it) makes the second wait, then find everything applied.
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                migrator().run(&mut *tx).await.map_err(refused)?;
                tx.commit().await?;
                return Ok(());
            }
            let mut conn = pool.acquire().await?;
            // On PostgreSQL the migrator holds a session-level advisory lock while it runs; a refused run
            // must not hand a connection that still holds it back to the pool.
            conn.close_on_drop();
            migrator().run(&mut *conn).await.map_err(refused)
        }

        /// Is the database reachable? For `/readyz`.
        pub read fn ping(pool) -> Result<()> {
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::migrate::Migrator;

    /// Every released migration with the SHA-384 of its file, as databases record it. Add a line
    /// for each new migration; never change one: an edited file is refused by every database
    /// that applied it. Put a change to the schema in a new migration instead.
    const RELEASED: &[(&str, i64, &str)] = &[
        ("sqlite", 1, "0299ac4796226314c4ea58b9051a62ef3170209a3be16a6d8f51cc564e3987e555a8d58e7b36b65a685243054e8c10c5"),
        ("sqlite", 2, "3976f96ef01e5bb148406611c5c01efef8fa5f400dfaa71600bb2a0b82afa88459570664759e1ac25f21c195fdcaaa65"),
        ("sqlite", 3, "044b0109f7b5178c44e081574864cafa6e90459c835ebd5e5d357aebaa3d3f9e73c2879769f76aa81eb05c653af4e6c1"),
        ("sqlite", 4, "6088ea1d3bdd5e68e5ecf4694006490d6643200336943b1762e05781cf5aa088318b01fc7881e2b05f5cf9ccfd484ff3"),
        ("sqlite", 5, "3709345f858f0d2fbc4eeb7f07677399cd4acfefcf9d0b0dd037bb7b06fb36a153a93793a5368477975ce9f36a216ca7"),
        ("sqlite", 6, "91a8cf890662bb648715e7796efea8f14288461763f22867110a98ea4f0cca44cdd652d831b0739d72482a67fa21591a"),
        ("sqlite", 7, "f8548b4220f02a75f09b79d4107bebd399eabfaf5a6ec7d89a5068359719168e0e552ae6fd347122f02e297e29ea67f6"),
        ("sqlite", 8, "244c39f26796c865bb55f35ca0942aa8aa665fdc50ec260bb79984d1a552117ff693650c43a87995076bf97ed1df2ee3"),
        ("sqlite", 9, "10f39c545f5b5e17aab43a42e2ca6aa6fc763bf9e1166b3defcf77cfd223bd5feeec763fa57bc88893d67d8aa63a7af8"),
        ("sqlite", 10, "6233101c0f68dbf3f5a409bcaaeb9bb9ffd05d279ffad04949cbddb0d32f970c2a83169e8bda233f626d79e91557b2fc"),
        ("sqlite", 11, "b022550748ced81f3d1f1a467f9c685c4b82f55d90e812178cf519a3157c7b2154ac1056abcbe1182b08f5fd3656eb20"),
        ("sqlite", 12, "b02105716023bb670a58cc511e2a181459957827b60dc845bc2b5c4ff9577e7d34e653f44dab65f77f783d0eff914b1c"),
        ("sqlite", 13, "c533f41e36723bbeca486a9d6b7942a0ca16a326a8ce1a1af3b7da5f1333409d7d46541dbd59b38bab21b6e4dc4877ba"),
        ("sqlite", 14, "f50a22b46998e167d1d37c0ec1349893ce6b680896530ccd1a2e54d9a986465b71d91676161a67619e7cfd55ae702f60"),
        ("sqlite", 16, "90c36447e177d41beebf0f48e0a17621a4887548580142ffdbd5542ee2c24488d47d43192c6014c2459390653cfca4c8"),
        ("sqlite", 15, "c057658e47fbd651c21916cdd57a11a4857283f7ea9c9e23ae8060e56c61f9d26d1fa7d66e1bca0f34be8d98e96c7af2"),
        ("postgres", 1, "145f073ba980de225b5123c4664822b345b9484ea1669f3d79dbfe6e1b42d7ae82ecfe2d290ddc4afea09d95083d40c7"),
        ("postgres", 2, "2c2109ee7a3a3185f95dcb71950d937a446b426af1eebde9d65845ad8978087a1d297318e1110262ecde160b8f3f22df"),
        ("postgres", 3, "7bdb670fa0beaa2ebf2514205ca119eb1fa93e0d47ab95b6cd48b0bbd46fd2865244f9ca79b81aac54c3ca50f73a37b6"),
        ("postgres", 4, "78cffd6bf04e5227b4830b5bd23109cd91b110041678032a428cd4be51a237b0e43cc5808026cd688d9fae54b1194047"),
        ("postgres", 5, "39d4057140057731bc4f230b68417ce269ad3746273dd6da6a7a1dba89cf6410e5e8e8d29e07cbb6d6410549cd9a6e27"),
        ("postgres", 6, "320b8ee697c340c007b20175e5d92726392cc6cda9603fe1783b3be53a5b254cba6b4cf75884d693eee0e4e2b9fc23af"),
        ("postgres", 7, "c218cc338c858c65ed2b07f59fe8dbc40e357988b581cf1dcc4df2afbf281ee4456b1faf190931376750e3370a73f63c"),
        ("postgres", 8, "2ff7d615498c5f8d3b87c1a012de7866cdcaf8cb771c53e1760740be79c092bdd0d5cd50c28418c5207631f4576778a8"),
        ("postgres", 9, "c89bbf5741eaa7cf6eaa6f87dec6727f4309c08b37fdbb110ba562616af93302b8a3bc801333ad99d9a68d1a4a90befc"),
        ("postgres", 10, "6233101c0f68dbf3f5a409bcaaeb9bb9ffd05d279ffad04949cbddb0d32f970c2a83169e8bda233f626d79e91557b2fc"),
        ("postgres", 11, "28d5ee3b25ba21bceaa2679e014364538b92b8865e7cef90177fc1471ef89f30c7b504bfa809c257ce1b9d52f556b6c4"),
        ("postgres", 12, "547457520b84f099fd63372834e0e6bb6999b642cc06fb33fb7d395e8de76144fea359e3af516db5687f7fb0d9acc573"),
        ("postgres", 13, "4222fdc7c1ade778e28503c402f125b95befebf687a152b170a40cf3ce36b0671fcc224c4b309feb4f373617273eceeb"),
        ("postgres", 14, "d0bdd6b04f7509810c4806840de1437969ad0e03d0c58f25eb50e758b451eb97a156861a5ddcd5347d83292ff9572a9e"),
        ("postgres", 15, "64a12a09cf77080aead4bcd8f347e83ef281c3b282a8afa06359f7cc43aa7ae1a546e922e4526d3b93270f3a9f570d04"),
        ("postgres", 16, "026a5a3636e4b7e62452b1ff2f228203f6005bc18becebc7fcebcbecdf26d990c6242849c328370c530c03f903a58798"),
    ];

    fn embedded(backend: &str, migrator: &Migrator) -> Vec<(String, i64, String)> {
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        migrator.iter().map(|m| (backend.to_string(), m.version, hex(&m.checksum))).collect()
    }

    #[test]
    fn released_migrations_keep_their_checksums() {
        let mut got = embedded("sqlite", &super::SQLITE_MIGRATOR);
        got.extend(embedded("postgres", &super::POSTGRES_MIGRATOR));
        for (backend, version, checksum) in RELEASED {
            let now = got.iter().find(|(b, v, _)| b == backend && v == version);
            let now = now.unwrap_or_else(|| panic!("released migration {version} for {backend} is gone"));
            assert_eq!(
                &now.2, checksum,
                "released migration {version} for {backend} was edited: restore it, change the schema in a new migration"
            );
        }
        for (backend, version, _) in &got {
            let known = RELEASED.iter().any(|(b, v, _)| b == backend && v == version);
            assert!(known, "migration {version} for {backend} is new: add its checksum to RELEASED once it is released");
        }
    }

    #[test]
    fn both_backends_have_the_same_migrations_and_every_file_is_one() {
        let versions = |m: &Migrator| m.iter().map(|m| (m.version, m.description.to_string())).collect::<Vec<_>>();
        assert_eq!(versions(&super::SQLITE_MIGRATOR), versions(&super::POSTGRES_MIGRATOR));
        for (backend, migrator) in [("sqlite", &super::SQLITE_MIGRATOR), ("postgres", &super::POSTGRES_MIGRATOR)] {
            // sqlx skips a file not named `<VERSION>_<DESCRIPTION>.sql`: it would never run.
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
            let files = std::fs::read_dir(&dir).unwrap().filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".sql"));
            assert_eq!(files.count(), migrator.iter().count(), "a file in {} is not a migration sqlx runs", dir.display());
            assert!(migrator.iter().all(|m| !m.no_tx), "every migration runs in a transaction");
        }
    }
}
