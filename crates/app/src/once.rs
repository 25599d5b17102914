//! Idempotency keys for the writes that are not log appends (those keep their answer in the
//! append's own transaction, [`App::append_log_once`]): the key is claimed before the write, in
//! a transaction of its own, and the answer is kept after it. The unique key row is what stops a
//! second write: a retry while the first request is served, or after its server stopped between
//! the write and keeping the answer, is refused as in flight, never served twice.

use crate::{App, Result, now};
use domain::Actor;
use store::{Claim, IdempotencyKey, StoredReply};

impl App {
    /// Claims `key` for `actor`'s request: `None` when this request is the first and must be
    /// served (then [`App::keep_answer`] or [`App::release_key`]), or the answer kept for it.
    pub async fn claim_key(&self, actor: &Actor, key: &IdempotencyKey) -> Result<Option<StoredReply>> {
        debug_assert_eq!(actor.user_id, key.user_id);
        match self.store.claim_key(key, now()).await? {
            Claim::Claimed => Ok(None),
            Claim::Replay(reply) => Ok(Some(reply)),
            Claim::InFlight => Err(store::StoreError::KeyInFlight.into()),
            Claim::Reused(request) => Err(store::StoreError::KeyReused(request).into()),
        }
    }

    /// Keeps the answer to the request that claimed `key`.
    pub async fn keep_answer(&self, key: &IdempotencyKey, reply: &StoredReply) -> Result<()> {
        Ok(self.store.finish_key(key, reply).await?)
    }

    /// Gives up a claimed key whose request was not served (a failure worth retrying).
    pub async fn release_key(&self, key: &IdempotencyKey) -> Result<()> {
        Ok(self.store.release_key(key).await?)
    }
}
