//! Bearer tokens the database has vouched for, kept so that the phone platform keeps routing
//! callers while the database is away. Bounded; emptied on every administrative change (a user
//! deactivated, a token revoked), so a revocation holds as soon as it is committed.

use domain::event::{Committed, EventKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast::{Receiver, error::RecvError};

/// Tokens remembered at most; the oldest goes first.
const CAPACITY: usize = 1000;
/// A token not confirmed by the database for this long is no longer trusted from memory.
const TRUSTED_FOR: Duration = Duration::from_secs(24 * 3600);

#[derive(Default)]
pub struct TokenCache(Mutex<HashMap<String, (String, Instant)>>);

impl TokenCache {
    /// The database confirmed that the token with this hash belongs to `who`.
    pub fn confirmed(&self, credential_hash: &str, who: &str) {
        let mut map = self.0.lock().expect("token cache lock");
        if map.len() >= CAPACITY && !map.contains_key(credential_hash) {
            let oldest = map.iter().min_by_key(|(_, (_, at))| *at).map(|(k, _)| k.clone());
            oldest.map(|k| map.remove(&k));
        }
        map.insert(credential_hash.to_string(), (who.to_string(), Instant::now()));
    }

    /// The database refused the token: it is not remembered.
    pub fn refused(&self, credential_hash: &str) {
        self.0.lock().expect("token cache lock").remove(credential_hash);
    }

    /// Who the token belonged to when the database last said so, if recently.
    pub fn recall(&self, credential_hash: &str) -> Option<String> {
        let map = self.0.lock().expect("token cache lock");
        map.get(credential_hash).filter(|(_, at)| at.elapsed() < TRUSTED_FOR).map(|(who, _)| who.clone())
    }

    pub fn clear(&self) {
        self.0.lock().expect("token cache lock").clear();
    }

    /// Empties the cache on every administrative change, and when events were missed.
    pub fn follow(cache: Arc<TokenCache>, mut bus: Receiver<Committed>) {
        tokio::spawn(async move {
            loop {
                match bus.recv().await {
                    Ok(e) if e.kind == EventKind::AdminChanged => cache.clear(),
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => cache.clear(),
                    Err(RecvError::Closed) => break,
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_what_the_database_confirmed_within_its_bound() {
        let c = TokenCache::default();
        c.confirmed("a", "integration ivr");
        assert_eq!(c.recall("a").as_deref(), Some("integration ivr"));
        c.refused("a");
        assert_eq!(c.recall("a"), None);
        for n in 0..CAPACITY + 10 {
            c.confirmed(&n.to_string(), "x");
        }
        assert_eq!(c.0.lock().unwrap().len(), CAPACITY);
        assert_eq!(c.recall("0"), None, "the oldest went first");
        assert!(c.recall(&(CAPACITY + 9).to_string()).is_some());
        c.clear();
        assert_eq!(c.recall(&(CAPACITY + 9).to_string()), None);
    }
}
