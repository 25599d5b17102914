//! Whether the database answers. While it is known to be down, every operation fails at once
//! with [`StoreError::Unavailable`] instead of waiting out the pool's connect timeout, so a
//! citizen's request gets its 503 (or its answer from memory) in milliseconds. A probe asks the
//! database every half second while it is down and every few seconds while it is up; the first
//! answer after an outage lets operations through again, with no restart.

use crate::StoreError;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const PROBE_WHILE_DOWN: Duration = Duration::from_millis(500);
const PROBE_WHILE_UP: Duration = Duration::from_secs(2);
/// A probe that takes longer than this counts as no answer (a busy database answers sooner).
pub(crate) const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Default)]
pub(crate) struct Health {
    down: AtomicBool,
    since: Mutex<Option<Instant>>,
    /// Counts the recoveries: a failure of an operation begun before the last one is old news
    /// (a connect attempt that timed out while the database came back) and is not counted.
    recoveries: AtomicU64,
}

impl Health {
    /// `Err` at once while the database is known to be down; else the turn the operation
    /// begins in, for [`Health::observe`].
    pub(crate) fn admit(&self) -> Result<u64, StoreError> {
        if self.down.load(Ordering::Acquire) { Err(StoreError::Unavailable) } else { Ok(self.recoveries.load(Ordering::Acquire)) }
    }

    /// Marks the database down when an operation begun in `turn` failed for want of it (not for
    /// a rule or a constraint, which the database did answer).
    pub(crate) fn observe(&self, e: &StoreError, turn: u64) {
        if let StoreError::Database(e) = e
            && lost_connection(e)
            && turn == self.recoveries.load(Ordering::Acquire)
        {
            self.set(false);
        }
    }

    pub(crate) fn set(&self, up: bool) {
        let was_down = self.down.swap(!up, Ordering::AcqRel);
        if was_down == up {
            let mut since = self.since.lock().expect("health lock");
            if up {
                self.recoveries.fetch_add(1, Ordering::AcqRel);
                let outage = since.take().map(|t| t.elapsed().as_secs_f64()).unwrap_or_default();
                tracing::warn!(seconds = outage, "the database answers again");
            } else {
                *since = Some(Instant::now());
                tracing::error!("the database does not answer: failing fast until it does");
            }
        }
    }

    /// What a probe found: an answer, an error (which counts only if it means the server is
    /// away) or no answer within [`PROBE_TIMEOUT`].
    pub(crate) fn probed(&self, answer: Option<Result<(), sqlx::Error>>) {
        match answer {
            Some(Ok(())) => self.set(true),
            Some(Err(e)) => self.observe(&StoreError::Database(e), self.recoveries.load(Ordering::Acquire)),
            None => self.set(false),
        }
    }

    pub(crate) fn is_up(&self) -> bool {
        !self.down.load(Ordering::Acquire)
    }

    /// How long the database has been down, if it is.
    pub(crate) fn down_for(&self) -> Option<Duration> {
        self.since.lock().expect("health lock").map(|t| t.elapsed())
    }

    pub(crate) fn next_probe(&self) -> Duration {
        if self.is_up() { PROBE_WHILE_UP } else { PROBE_WHILE_DOWN }
    }
}

/// Errors that mean the server is away, not that it refused: no connection, a dropped one, or a
/// server shutting down or starting up (SQLSTATE class 08 and 57P01–57P03).
fn lost_connection(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(d) => d.code().is_some_and(|c| c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_connection_fails_fast_until_the_database_answers() {
        let h = Health::default();
        let turn = h.admit().unwrap();
        assert!(h.down_for().is_none());
        h.observe(&StoreError::Database(sqlx::Error::RowNotFound), turn);
        assert!(h.admit().is_ok(), "a query the database answered says nothing of its health");
        // Begun before the outage, failing after it was found: counted once.
        let before = h.admit().unwrap();
        h.observe(&StoreError::Database(sqlx::Error::PoolTimedOut), turn);
        assert!(matches!(h.admit(), Err(StoreError::Unavailable)));
        assert!(h.down_for().is_some() && h.next_probe() == PROBE_WHILE_DOWN);
        h.set(true);
        assert!(h.admit().is_ok() && h.down_for().is_none() && h.next_probe() == PROBE_WHILE_UP);
        // A connect attempt from the outage that times out only now is old news.
        h.observe(&StoreError::Database(sqlx::Error::PoolTimedOut), before);
        assert!(h.admit().is_ok(), "the database came back after that operation began");
        let now = h.admit().unwrap();
        h.observe(&StoreError::Database(sqlx::Error::PoolTimedOut), now);
        assert!(h.admit().is_err());
    }

    #[test]
    fn a_probe_marks_down_only_for_a_missing_answer() {
        let h = Health::default();
        h.probed(Some(Err(sqlx::Error::RowNotFound)));
        assert!(h.is_up(), "an answer, even an error, is an answer");
        h.probed(None);
        assert!(!h.is_up(), "no answer within the timeout");
        h.probed(Some(Ok(())));
        assert!(h.is_up());
        h.probed(Some(Err(sqlx::Error::PoolTimedOut)));
        assert!(!h.is_up());
    }
}
