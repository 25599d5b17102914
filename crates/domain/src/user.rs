//! User accounts.

use crate::error::Problems;
use crate::{DomainError, Role, text};

pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 256;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub org: String,
    pub role: Role,
}

impl NewUser {
    pub fn validate(mut self, password: &str, known_org: impl Fn(&str) -> bool) -> Result<NewUser, DomainError> {
        self.email = self.email.trim().to_lowercase();
        self.name = text::one_line(&self.name);
        let mut p = Problems::default();
        if !text::is_email(&self.email) {
            p.add("email", "is not a valid e-mail address");
        }
        p.text("name", &self.name, 2, 120);
        if !known_org(&self.org) {
            p.add("org", format!("unknown organisation code '{}'", self.org));
        }
        check_password(&mut p, password);
        p.into_result()?;
        Ok(self)
    }
}

pub fn check_password(p: &mut Problems, password: &str) {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        p.add("password", format!("must be at least {PASSWORD_MIN} characters"));
    } else if n > PASSWORD_MAX {
        p.add("password", format!("must be at most {PASSWORD_MAX} characters"));
    }
}

/// A user account as the rest of the system sees it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: uuid::Uuid,
    pub email: String,
    pub name: String,
    pub org: String,
    pub role: Role,
    pub active: bool,
}

impl User {
    pub fn actor(&self) -> crate::Actor {
        crate::Actor { user_id: self.id, name: self.name.clone(), role: self.role, org: self.org.clone() }
    }
}

/// A person named in a role: enough to show and to contact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
    /// Home organisation code.
    pub org: String,
}

/// The name of an integration (the contact-centre platform) its tokens are issued to: 1–100
/// characters, no control characters.
pub fn integration_name(raw: &str) -> Result<&str, DomainError> {
    let name = raw.trim();
    if name.is_empty() || name.len() > 100 || text::has_control(name) {
        return Err(DomainError::invalid("integration", "a name of 1–100 characters, e.g. \"Telefoniplatform\""));
    }
    Ok(name)
}

/// How long a person's bearer token lasts unless another lifetime is asked for.
pub const TOKEN_DAYS: i64 = 90;
/// How long an integration's token lasts unless another lifetime is asked for: the platform's
/// operators renew it once a year.
pub const INTEGRATION_TOKEN_DAYS: i64 = 365;
/// A token lasts at most this long: no credential lives for ever.
pub const TOKEN_DAYS_MAX: i64 = 730;

/// A token's public id: the first characters of its hash. It names the token in lists, the log and
/// `token revoke` without revealing anything that opens it.
pub fn token_id(token_hash: &str) -> &str {
    &token_hash[..token_hash.len().min(TOKEN_ID_LEN)]
}

pub const TOKEN_ID_LEN: usize = 12;

/// A token id as someone typed it: twelve hexadecimal characters.
pub fn parse_token_id(raw: &str) -> Result<String, DomainError> {
    let id = raw.trim().to_ascii_lowercase();
    if id.len() != TOKEN_ID_LEN || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(DomainError::invalid("token_id", "twelve hexadecimal characters, as `kriseservice token list` shows them"));
    }
    Ok(id)
}

/// A lifetime in days as asked for: from 1 to [`TOKEN_DAYS_MAX`].
pub fn token_days(days: i64) -> Result<time::Duration, DomainError> {
    if !(1..=TOKEN_DAYS_MAX).contains(&days) {
        return Err(DomainError::invalid("days", format!("a token lasts from 1 to {TOKEN_DAYS_MAX} days")));
    }
    Ok(time::Duration::days(days))
}

/// A bearer token as lists show it: never the token, never its whole hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    /// Give it to `kriseservice token revoke --token-id`, or revoke it on the admin page.
    pub id: String,
    /// The person's e-mail address, or the integration's name.
    pub owner: String,
    pub integration: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(format = DateTime)]
    pub created_at: time::OffsetDateTime,
    /// `None` for a token made before tokens expired: revoke it and issue a new one.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(format = DateTime)]
    pub expires_at: Option<time::OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_ids_and_lifetimes_are_checked() {
        let hash = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
        assert_eq!(token_id(hash), "ab12cd34ef56");
        assert_eq!(parse_token_id(" AB12CD34EF56 ").unwrap(), "ab12cd34ef56");
        for bad in ["", "ab12", "ab12cd34ef56a", "zz12cd34ef56", "ab12cd34ef5%"] {
            assert!(parse_token_id(bad).is_err(), "{bad:?}");
        }
        assert_eq!(token_days(90).unwrap(), time::Duration::days(90));
        assert!(token_days(0).is_err() && token_days(TOKEN_DAYS_MAX + 1).is_err());
    }

    #[test]
    fn new_user_normalises_and_checks() {
        let u = NewUser { email: " Ane@Demo.DK ".into(), name: "Ane  Agent".into(), org: "0250".into(), role: Role::Agent };
        let ok = u.clone().validate("et langt kodeord", |c| c == "0250").unwrap();
        assert_eq!(ok.email, "ane@demo.dk");
        assert_eq!(ok.name, "Ane Agent");
        assert!(u.validate("kort", |c| c == "0250").is_err());
    }
}
