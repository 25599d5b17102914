//! Group commit for the questions the chatbot passes on. A question that comes while others are
//! being written waits for the next write, which takes every question come meanwhile in one
//! transaction. A busy chatbot then writes a few times a second instead of once per question, so
//! that citizens do not queue behind the database's single writer, and each citizen is still told
//! "passed on" only once the question is stored (or spooled while the database is away).

use crate::App;
use crate::spool::Spooled;
use domain::inquiry::NewInquiry;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use time::OffsetDateTime;
use tokio::sync::{Notify, oneshot};
use uuid::Uuid;

/// A question to keep: its id, its crisis, the inquiry and when it was asked.
pub(crate) type Question = (Uuid, Uuid, NewInquiry, OffsetDateTime);

/// Questions waiting to be written at the most. Beyond it a question nobody waits for (a
/// low-confidence answer's) is not kept; one a citizen waits for still is.
const WAITING_MAX: usize = 10_000;

/// Questions in one transaction at the most: a write holds the lock briefly however busy it is.
const BATCH_MAX: usize = 500;

/// The questions waiting for the next write, each with whoever waits to hear whether it was kept.
#[derive(Default)]
pub(crate) struct Keeper {
    waiting: Mutex<Vec<(Question, Option<oneshot::Sender<bool>>)>>,
    writing: AtomicBool,
    idle: Notify,
}

impl Keeper {
    /// Takes the next batch; with nothing waiting, an empty one, and the writer stops.
    fn next_batch(&self) -> Vec<(Question, Option<oneshot::Sender<bool>>)> {
        let mut waiting = self.waiting.lock().expect("keeper lock");
        let n = waiting.len().min(BATCH_MAX);
        if n == 0 {
            // Under the lock: a question put after this finds no writer and starts one.
            self.writing.store(false, Ordering::Release);
            self.idle.notify_waiters();
        }
        waiting.drain(..n).collect()
    }

    /// Puts a question in line; whether this caller must start the writer.
    fn put(&self, question: Question, told: Option<oneshot::Sender<bool>>) -> bool {
        let mut waiting = self.waiting.lock().expect("keeper lock");
        if told.is_none() && waiting.len() >= WAITING_MAX {
            return false;
        }
        waiting.push((question, told));
        !self.writing.swap(true, Ordering::AcqRel)
    }
}

impl App {
    /// Keeps a question and answers once it is stored or spooled: whether it was kept.
    pub(super) async fn keep_question(&self, question: Question) -> bool {
        let (told, heard) = oneshot::channel();
        if self.keeper.put(question, Some(told)) {
            self.start_keeper();
        }
        heard.await.unwrap_or(false)
    }

    /// Keeps a question without waiting for it (the citizen has an answer already).
    pub(super) fn keep_question_later(&self, question: Question) {
        if self.keeper.put(question, None) {
            self.start_keeper();
        }
    }

    /// Returns once every question put so far is written (for a view that lists them).
    pub(crate) async fn questions_kept(&self) {
        loop {
            let idle = self.keeper.idle.notified();
            if !self.keeper.writing.load(Ordering::Acquire) {
                return;
            }
            idle.await;
        }
    }

    /// The writer: a task of its own, so that a citizen who leaves does not cut a write short.
    fn start_keeper(&self) {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                let batch = app.keeper.next_batch();
                if batch.is_empty() {
                    return;
                }
                app.write_questions(batch).await;
            }
        });
    }

    async fn write_questions(&self, batch: Vec<(Question, Option<oneshot::Sender<bool>>)>) {
        let (questions, told): (Vec<Question>, Vec<_>) = batch.into_iter().unzip();
        let ids: Vec<Uuid> = questions.iter().map(|q| q.0).collect();
        let written = if self.store.database_up() { Some(self.store.record_inquiries(questions.clone()).await) } else { None };
        let kept: Vec<bool> = match written {
            Some(Ok(stored)) => {
                let stored: std::collections::HashSet<Uuid> = stored.into_iter().collect();
                ids.iter().map(|id| stored.contains(id)).collect()
            }
            Some(Err(e)) => {
                tracing::warn!(error = %e, questions = ids.len(), "the database did not take the chatbot's questions; spooling them");
                self.spool_questions(questions).await
            }
            None => self.spool_questions(questions).await,
        };
        let refused = kept.iter().filter(|k| !**k).count();
        if refused > 0 {
            tracing::info!(questions = refused, "questions the chatbot passed on were not kept: the crisis ended, or its guide changed");
        }
        for (told, kept) in told.into_iter().zip(kept) {
            if let Some(told) = told {
                let _ = told.send(kept);
            }
        }
    }

    async fn spool_questions(&self, questions: Vec<Question>) -> Vec<bool> {
        let mut kept = Vec::with_capacity(questions.len());
        for (id, incident, new, at) in questions {
            kept.push(self.spool(&Spooled::Inquiry { id, incident, new, at }).await);
        }
        kept
    }
}
