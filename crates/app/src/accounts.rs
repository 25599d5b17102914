//! Who is calling, and logging in: passwords (Argon2id), sessions and bearer tokens. Secrets are
//! random 32-byte values; only their SHA-256 is stored. Login attempts are throttled.

use crate::{App, Error, Result, now};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use domain::user::User;
use rand::Rng;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub fn hash_password(password: &str) -> String {
    let bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&bytes).expect("16 bytes is a valid salt length");
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashing cannot fail with default parameters").to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the e-mail is unknown, so timing does not reveal which accounts exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no such user; constant-time decoy"))
}

/// Argon2 is slow on purpose: it runs off the async threads.
pub(crate) async fn hash_off_thread(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|_| Error::Internal("password hashing failed"))
}

/// A new random secret, hex-encoded.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Login attempts are counted per e-mail and client address, and per e-mail alone.
type ThrottleKey = (String, Option<IpAddr>);

/// Refuses further logins for a while after too many attempts. An attempt counts before its
/// password is checked, so parallel guesses cannot all slip through; a success clears the count.
/// Counts are per node: behind a load balancer each node throttles on its own.
pub struct Throttle {
    attempts: Mutex<HashMap<ThrottleKey, (u32, Instant)>>,
    /// Per e-mail and address.
    pub max_attempts: u32,
    /// Per e-mail across all addresses (a spray from many addresses).
    pub max_attempts_per_email: u32,
    pub window: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { attempts: Mutex::new(HashMap::new()), max_attempts: 5, max_attempts_per_email: 50, window: Duration::from_secs(15 * 60) }
    }
}

impl Throttle {
    /// Counts an attempt; `Err(seconds to wait)` when the limit is already reached.
    pub fn attempt(&self, email: &str, ip: Option<IpAddr>) -> Result<(), u64> {
        let mut map = self.attempts.lock().expect("throttle lock");
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, (_, since)| since.elapsed() < window);
        }
        let mut keys = vec![((email.to_string(), ip), self.max_attempts)];
        if ip.is_some() {
            keys.push(((email.to_string(), None), self.max_attempts_per_email));
        }
        for (key, max) in &keys {
            if let Some((n, since)) = map.get(key)
                && *n >= *max
                && since.elapsed() < self.window
            {
                return Err((self.window - since.elapsed()).as_secs().max(1));
            }
        }
        for (key, _) in keys {
            let e = map.entry(key).or_insert((0, Instant::now()));
            if e.1.elapsed() >= self.window {
                *e = (0, Instant::now());
            }
            e.0 += 1;
        }
        Ok(())
    }

    pub fn succeeded(&self, email: &str, ip: Option<IpAddr>) {
        self.attempts.lock().expect("throttle lock").remove(&(email.to_string(), ip));
    }
}

/// A new session: the secret for the cookie, its CSRF token and when it expires.
pub struct Session {
    pub token: String,
    pub csrf: String,
    pub lifetime: Duration,
}

impl App {
    /// Checks a login; Argon2 runs off the async threads.
    pub async fn login(&self, email: &str, password: &str, ip: Option<IpAddr>) -> Result<User> {
        let email = email.trim().to_lowercase();
        if let Err(wait) = self.throttle.attempt(&email, ip) {
            let message = format!("too many failed logins; try again in {} minutes", wait.div_ceil(60));
            return Err(Error::TooMany { code: "too_many_attempts", message });
        }
        let found = self.store.user_by_email(&email).await?;
        let hash = found.as_ref().map(|(_, h)| h.clone()).unwrap_or_else(|| dummy_hash().to_string());
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
        match found {
            Some((user, _)) if ok && user.active => {
                self.throttle.succeeded(&email, ip);
                Ok(user)
            }
            _ => Err(Error::Unauthenticated { code: "invalid_credentials", message: "wrong e-mail or password".into() }),
        }
    }

    pub async fn start_session(&self, user: &User) -> Result<Session> {
        let (token, csrf) = (new_secret(), new_secret());
        let lifetime = self.config.session_lifetime;
        let expires = now() + time::Duration::seconds(lifetime.as_secs() as i64);
        self.store.create_session(&secret_hash(&token), user.id, &csrf, expires).await?;
        Ok(Session { token, csrf, lifetime })
    }

    /// The user and CSRF token of a session that has not expired, by the hash of its secret.
    pub async fn session(&self, credential_hash: &str) -> Result<Option<(User, String)>> {
        Ok(self.store.session(credential_hash, now()).await?)
    }

    /// The user of a bearer token that is not revoked, by the hash of the token.
    pub async fn user_by_token(&self, credential_hash: &str) -> Result<Option<User>> {
        Ok(self.store.user_by_token(credential_hash).await?)
    }

    /// The name of the integration a token belongs to (the contact-centre platform), if any.
    pub async fn integration_by_token(&self, credential_hash: &str) -> Result<Option<String>> {
        Ok(self.store.integration_by_token(credential_hash).await?)
    }

    pub async fn logout(&self, credential_hash: &str) -> Result<()> {
        Ok(self.store.delete_session(credential_hash).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("korrekt hest batteri");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("korrekt hest batteri", &h));
        assert!(!verify_password("forkert", &h));
    }

    #[test]
    fn throttle_counts_attempts_per_key_and_per_email() {
        let t = Throttle::default();
        let ip = |n: u8| Some(IpAddr::from([10, 0, 0, n]));
        for _ in 0..5 {
            assert!(t.attempt("a@b.dk", ip(1)).is_ok());
        }
        assert!(t.attempt("a@b.dk", ip(1)).is_err(), "the sixth attempt from one address waits");
        assert!(t.attempt("c@d.dk", ip(1)).is_ok(), "other accounts are unaffected");
        t.succeeded("c@d.dk", ip(1));
        // Many addresses: the per-e-mail limit holds.
        let mut allowed = 5;
        for n in 2..=60 {
            if t.attempt("a@b.dk", ip(n)).is_ok() {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 50);
    }
}
