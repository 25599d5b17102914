//! The second factor (TOTP, RFC 6238): a person enrols an authenticator app for their own
//! account; the secretariat requires it of roles and removes a lost one. Logins check the code
//! in `accounts.rs`.

use crate::{App, Error, Refusal, Result, now};
use domain::totp::{self, Verdict};
use domain::user::User;
use domain::{Actor, DomainError, Permission, Role};
use rand::Rng;
use uuid::Uuid;

/// A secret to type or scan into an authenticator app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpSecret {
    /// Base32, as apps take it.
    pub secret: String,
    pub uri: String,
}

/// A person's second factor as they see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpStatus {
    pub enrolled: bool,
    /// Their role requires it.
    pub required: bool,
    /// An enrolment started and not yet confirmed.
    pub pending: Option<TotpSecret>,
}

/// The secretariat's view: which roles must use a second factor, which may, and who has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactorSettings {
    pub required: Vec<Role>,
    pub eligible: Vec<Role>,
    pub enrolled: Vec<Uuid>,
}

/// The secret's bytes; a stored secret that is not base32 is damaged data.
pub(crate) fn secret_bytes(secret: &str) -> Result<Vec<u8>> {
    totp::base32_decode(secret).ok_or_else(|| Error::Corrupt("a stored TOTP secret is not base32".into()))
}

impl App {
    async fn own_account(&self, actor: &Actor) -> Result<User> {
        actor.may(Permission::UseSecondFactor)?;
        self.store.user(actor.user_id).await?.ok_or_else(|| Error::not_found("user"))
    }

    pub async fn totp_status(&self, actor: &Actor) -> Result<TotpStatus> {
        let user = self.own_account(actor).await?;
        let enrolment = self.store.totp(user.id).await?.unwrap_or_default();
        let required = self.store.totp_required().await?.contains(&user.role);
        let pending = enrolment.pending.map(|secret| TotpSecret { uri: totp::otpauth_uri(&user.email, &secret), secret });
        Ok(TotpStatus { enrolled: enrolment.secret.is_some(), required, pending })
    }

    /// Starts an enrolment with a new random secret (again, if one was started); a confirmed
    /// second factor keeps working until the new one is confirmed.
    pub async fn start_totp(&self, actor: &Actor) -> Result<TotpSecret> {
        let user = self.own_account(actor).await?;
        let bytes: [u8; totp::SECRET_BYTES] = rand::rng().random();
        let secret = totp::base32_encode(&bytes);
        self.store.set_totp_pending(user.id, &secret).await?;
        Ok(TotpSecret { uri: totp::otpauth_uri(&user.email, &secret), secret })
    }

    /// Confirms the enrolment with the app's first code: from then on, logins ask for a code.
    pub async fn confirm_totp(&self, actor: &Actor, code: &str) -> Result<TotpStatus> {
        let user = self.own_account(actor).await?;
        let code = totp::parse_code(code)?;
        let Some(pending) = self.store.totp(user.id).await?.and_then(|e| e.pending) else {
            return Err(Error::refused(Refusal::Conflict, "no_enrolment", "start the enrolment first: POST /api/v1/account/totp"));
        };
        match totp::verify(&secret_bytes(&pending)?, code, now().unix_timestamp(), None) {
            Verdict::Accepted(step) => self.store.confirm_totp(user.id, &pending, step, &actor.name, now()).await?,
            _ => {
                return Err(Error::refused(
                    Refusal::Unprocessable,
                    "invalid_totp",
                    "the code does not match the new secret: type the code the app shows now, and check that the phone's clock is right",
                ));
            }
        }
        self.totp_status(actor).await
    }

    pub async fn second_factor_settings(&self, actor: &Actor) -> Result<SecondFactorSettings> {
        actor.may(Permission::ManageUsers)?;
        Ok(SecondFactorSettings {
            required: self.store.totp_required().await?,
            eligible: totp::roles(),
            enrolled: self.store.totp_enrolled().await?,
        })
    }

    /// Requires a second factor of exactly these roles (each one that can enrol). Their people
    /// who have not enrolled reach only the enrolment until they do.
    pub async fn set_totp_required(&self, actor: &Actor, mut roles: Vec<Role>) -> Result<SecondFactorSettings> {
        actor.may(Permission::ManageUsers)?;
        roles.sort_unstable();
        roles.dedup();
        totp::check_required(&roles)?;
        self.store.set_totp_required(&roles, &actor.name, now()).await?;
        self.second_factor_settings(actor).await
    }

    /// Removes a person's second factor (a lost phone): they enrol again at their next login.
    pub async fn remove_totp(&self, actor: &Actor, user_id: Uuid) -> Result<()> {
        actor.may(Permission::ManageUsers)?;
        if self.store.user(user_id).await?.is_none() {
            return Err(DomainError::NotFound("user not found".into()).into());
        }
        Ok(self.store.remove_totp(user_id, &actor.name, now()).await?)
    }
}
