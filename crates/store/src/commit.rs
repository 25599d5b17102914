//! Group commit of log appends. Appends are queued to one committer task per store; it takes
//! whatever has queued while the previous commit was in flight and writes it as one transaction:
//! one commit, one flush to disk, every entry still chained in arrival order by `domain::log`.
//! Each caller is answered only after that commit; if the commit fails, every caller in the batch
//! is told so and none is acknowledged.

use crate::idempotency::{IdempotencyKey, StoredReply};
use crate::{Result, Store, StoreError};
use domain::Actor;
use domain::log::{LogEntry, NewLogEntry};
use std::sync::Mutex;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// At most this many appends share a commit.
const BATCH_MAX: usize = 256;
/// Appends waiting for the committer before senders wait too.
const QUEUE: usize = 4096;

/// An append kept under an idempotency key: `render` is the answer kept with the key, written
/// in the same transaction as the entry.
#[derive(Debug, Clone)]
pub struct Once {
    pub key: IdempotencyKey,
    pub render: fn(&LogEntry) -> StoredReply,
}

/// What an append under a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// Appended now.
    Fresh(LogEntry),
    /// Appended by an earlier request under the same key; its kept answer, nothing written.
    Replayed(StoredReply),
}

/// One queued append.
pub(crate) struct Append {
    pub incident_id: Uuid,
    pub entry: NewLogEntry,
    pub actor: Actor,
    pub at: OffsetDateTime,
    pub once: Option<Once>,
}

type Queued = (Append, oneshot::Sender<Result<Appended>>);

/// The store's queue to its committer, started on the first append (and again should the
/// runtime that ran it have ended).
#[derive(Default)]
pub(crate) struct Committer(Mutex<Option<mpsc::Sender<Queued>>>);

impl Store {
    /// Appends to an incident's log (group-committed with the appends that arrive meanwhile).
    pub async fn append_log(&self, incident_id: Uuid, entry: NewLogEntry, actor: &Actor, at: OffsetDateTime) -> Result<LogEntry> {
        match self.queue_append(Append { incident_id, entry, actor: actor.clone(), at, once: None }).await? {
            Appended::Fresh(e) => Ok(e),
            Appended::Replayed(_) => Err(StoreError::Corrupt("an append without a key was answered as a replay".into())),
        }
    }

    /// Appends under an idempotency key: the first request under the key appends, and the kept
    /// answer is written in the same transaction; a retry gets that answer. A key used for another
    /// request, or one whose request is still being served, is refused without writing.
    pub async fn append_log_once(
        &self,
        incident_id: Uuid,
        entry: NewLogEntry,
        actor: &Actor,
        at: OffsetDateTime,
        once: Once,
    ) -> Result<Appended> {
        self.queue_append(Append { incident_id, entry, actor: actor.clone(), at, once: Some(once) }).await
    }

    async fn queue_append(&self, append: Append) -> Result<Appended> {
        // While the database is known to be down, an append is refused before it is queued.
        self.health.admit()?;
        let (reply, answer) = oneshot::channel();
        let sender = {
            let mut slot = self.committer.0.lock().unwrap_or_else(|p| p.into_inner());
            match slot.as_ref().filter(|s| !s.is_closed()) {
                Some(s) => s.clone(),
                None => slot.insert(self.start_committer()).clone(),
            }
        };
        sender.send((append, reply)).await.map_err(|_| StoreError::CommitFailed("the log committer has stopped".into()))?;
        answer.await.map_err(|_| StoreError::CommitFailed("the log committer stopped before the commit".into()))?
    }

    /// Spawns the committer. It holds a store of its own with an empty queue, so that it ends
    /// when the last handle to this store (and so the queue's sender) is gone.
    fn start_committer(&self) -> mpsc::Sender<Queued> {
        let (tx, mut rx) = mpsc::channel::<Queued>(QUEUE);
        let store = Store { committer: Default::default(), ..self.clone() };
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH_MAX);
            while rx.recv_many(&mut batch, BATCH_MAX).await > 0 {
                let (appends, replies): (Vec<Append>, Vec<_>) = batch.drain(..).unzip();
                match store.append_batch(appends).await {
                    Ok(outcomes) => {
                        for (reply, outcome) in replies.into_iter().zip(outcomes) {
                            let _ = reply.send(outcome);
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, appends = replies.len(), "a group commit of log appends failed; none was acknowledged");
                        for reply in replies {
                            let _ = reply.send(Err(StoreError::CommitFailed(e.to_string())));
                        }
                    }
                }
            }
        });
        tx
    }
}
