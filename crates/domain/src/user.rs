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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_user_normalises_and_checks() {
        let u = NewUser { email: " Ane@Demo.DK ".into(), name: "Ane  Agent".into(), org: "0250".into(), role: Role::Agent };
        let ok = u.clone().validate("et langt kodeord", |c| c == "0250").unwrap();
        assert_eq!(ok.email, "ane@demo.dk");
        assert_eq!(ok.name, "Ane Agent");
        assert!(u.validate("kort", |c| c == "0250").is_err());
    }
}
