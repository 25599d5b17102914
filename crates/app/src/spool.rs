//! The durable local spool: a citizen is told that a question or a callback request is passed on
//! only once it is stored. When the database is away it is stored here, one file per request
//! written and flushed before the reply, and drained into the database when it answers again.
//! Each request keeps the id it was given, and the database keeps the first of an id, so a
//! drain cut short by a crash and run again stores nothing twice.

use crate::Store;
use domain::Actor;
use domain::inquiry::{NewCallback, NewInquiry};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use time::OffsetDateTime;
use uuid::Uuid;

/// Requests kept at the most: beyond that a citizen is sent to the crisis line instead.
pub const CAPACITY: usize = 100_000;

/// One request that waits for the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Spooled {
    /// A question the chatbot could not answer, for the affected authority.
    Inquiry {
        id: Uuid,
        incident: Uuid,
        new: NewInquiry,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// A callback request from the chat or the voicebot.
    Callback {
        id: Uuid,
        incident: Uuid,
        new: NewCallback,
        by: String,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
}

impl Spooled {
    fn id(&self) -> Uuid {
        match self {
            Spooled::Inquiry { id, .. } | Spooled::Callback { id, .. } => *id,
        }
    }

    /// Stores it in the database (a second time changes nothing).
    pub async fn store(&self, store: &Store) -> store::Result<()> {
        match self.clone() {
            Spooled::Inquiry { id, incident, new, at } => store.record_inquiry(id, incident, new, at).await.map(drop),
            Spooled::Callback { id, incident, new, by, at } => {
                let actor = Actor { name: by, ..Actor::system() };
                store.create_callback(id, incident, new, &actor, at).await.map(drop)
            }
        }
    }
}

/// What was spooled and drained since the server started, and what waits now.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub spooled: u64,
    pub drained: u64,
    /// Refused by the database when drained (the crisis closed meanwhile): kept aside in
    /// `rejected/` for an operator, never dropped.
    pub rejected: u64,
    pub waiting: u64,
}

pub struct Spool {
    dir: PathBuf,
    spooled: AtomicU64,
    drained: AtomicU64,
    rejected: AtomicU64,
    draining: tokio::sync::Mutex<()>,
}

impl Spool {
    /// The spool in `dir`, created if missing; what an earlier run left there is drained too.
    pub fn open(dir: &Path) -> std::io::Result<Spool> {
        std::fs::create_dir_all(dir.join("rejected"))?;
        Ok(Spool {
            dir: dir.to_path_buf(),
            spooled: AtomicU64::new(0),
            drained: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            draining: tokio::sync::Mutex::new(()),
        })
    }

    fn waiting_files(&self) -> Vec<PathBuf> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut files: Vec<PathBuf> = dir.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
        files.sort();
        files
    }

    pub fn counts(&self) -> Counts {
        Counts {
            spooled: self.spooled.load(Ordering::Relaxed),
            drained: self.drained.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            waiting: self.waiting_files().len() as u64,
        }
    }

    /// Writes the request and flushes it (file and directory) to disk; only then is it kept.
    pub async fn put(&self, request: &Spooled) -> std::io::Result<()> {
        if self.waiting_files().len() >= CAPACITY {
            return Err(std::io::Error::other("the spool is full"));
        }
        let dir = self.dir.clone();
        // Named by time first, so a drain stores them in the order they came.
        let name = format!("{}-{}.json", time::OffsetDateTime::now_utc().unix_timestamp_nanos(), request.id());
        let body = serde_json::to_vec(request).map_err(std::io::Error::other)?;
        tokio::task::spawn_blocking(move || {
            let tmp = dir.join(format!("{name}.tmp"));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&body)?;
            f.sync_all()?;
            std::fs::rename(&tmp, dir.join(&name))?;
            std::fs::File::open(&dir)?.sync_all()
        })
        .await
        .map_err(std::io::Error::other)??;
        self.spooled.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Stores what waits, oldest first, and stops at the first sign that the database is away.
    pub async fn drain(&self, store: &Store) {
        let _one = self.draining.lock().await;
        for path in self.waiting_files() {
            let request = match std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<Spooled>(&b).map_err(|e| e.to_string()))
            {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(file = %path.display(), error = %e, "unreadable spool file set aside");
                    self.set_aside(&path);
                    continue;
                }
            };
            match request.store(store).await {
                Ok(()) => {
                    if let Err(e) = std::fs::remove_file(&path) {
                        tracing::error!(file = %path.display(), error = %e, "stored, but the spool file stays (it will not be stored twice)");
                    }
                    self.drained.fetch_add(1, Ordering::Relaxed);
                }
                Err(store::StoreError::Domain(e)) => {
                    tracing::error!(file = %path.display(), error = %e, "the database refused a spooled request; set aside");
                    self.set_aside(&path);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the spool waits for the database");
                    return;
                }
            }
        }
    }

    fn set_aside(&self, path: &Path) {
        let to = self.dir.join("rejected").join(path.file_name().unwrap_or_default());
        if std::fs::rename(path, to).is_ok() {
            self.rejected.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl crate::App {
    /// Stores a citizen's request now, or in the spool while the database is away. `Ok` only
    /// when it is kept one way or the other: only then may the citizen be told it is passed on.
    pub(crate) async fn pass_on(&self, request: Spooled) -> crate::Result<()> {
        if self.store.database_up() {
            match request.store(&self.store).await {
                Ok(()) => return Ok(()),
                Err(store::StoreError::Domain(e)) => return Err(e.into()),
                Err(e) => tracing::warn!(error = %e, "the database did not take a citizen's request; spooling it"),
            }
        }
        if self.spool(&request).await { Ok(()) } else { Err(crate::Error::Unavailable(store::StoreError::Unavailable)) }
    }

    /// Keeps a request in the spool until the database answers: whether it was kept.
    pub(crate) async fn spool(&self, request: &Spooled) -> bool {
        let Some(spool) = &self.spool else { return false };
        spool.put(request).await.inspect_err(|e| tracing::error!(error = %e, "a citizen's request could not be spooled either")).is_ok()
    }

    /// The spool's counts, when there is a spool.
    pub fn spool_counts(&self) -> Option<Counts> {
        self.spool.as_ref().map(|s| s.counts())
    }

    /// Drains the spool whenever the database answers and something waits.
    pub(crate) fn drain_spool(&self) {
        let Some(spool) = self.spool.clone() else { return };
        let store = self.store.clone();
        tokio::spawn(async move {
            loop {
                if store.database_up() && spool.counts().waiting > 0 {
                    spool.drain(&store).await;
                }
                tokio::time::sleep(DRAIN_EVERY).await;
            }
        });
    }
}

/// How often the spool looks for the database.
const DRAIN_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

#[cfg(test)]
mod tests {
    use super::*;

    fn question(incident: Uuid) -> Spooled {
        let new =
            NewInquiry { version: 1, situation: None, text: "Chatbot: Må jeg brænde haveaffald af?".into(), municipality: "0250".into() };
        Spooled::Inquiry { id: Uuid::new_v4(), incident, new, at: domain::time::now() }
    }

    #[tokio::test]
    async fn kept_on_disk_until_drained_and_what_the_database_refuses_is_set_aside_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::open(&dir.path().join("spool")).unwrap();
        let q = question(Uuid::new_v4());
        spool.put(&q).await.unwrap();
        spool.put(&question(Uuid::new_v4())).await.unwrap();
        std::fs::write(dir.path().join("spool").join("0-garbage.json"), b"{not json").unwrap();
        assert_eq!(spool.counts(), Counts { spooled: 2, drained: 0, rejected: 0, waiting: 3 });
        // What was written reads back as it was: it survives a restart of the server.
        let again = Spool::open(&dir.path().join("spool")).unwrap();
        let file = again.waiting_files().into_iter().find(|p| p.to_string_lossy().contains(&q.id().to_string())).unwrap();
        assert_eq!(serde_json::from_slice::<Spooled>(&std::fs::read(file).unwrap()).unwrap(), q);

        // The incidents are unknown to this database: refused, so set aside with the garbage.
        let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.unwrap();
        spool.drain(&store).await;
        assert_eq!(spool.counts(), Counts { spooled: 2, drained: 0, rejected: 3, waiting: 0 });
        assert_eq!(std::fs::read_dir(dir.path().join("spool").join("rejected")).unwrap().count(), 3);
    }
}
