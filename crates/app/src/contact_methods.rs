//! People's own contact methods and their verification (a code typed back in, or a one-click
//! link), the reminder before a method goes stale, the readiness view of the standing roster,
//! and the call-out settings the secretariat keeps.

use crate::{App, Error, Result, Shutdown, now};
use domain::callout::{ContactChannel, ContactMethod, Policy, Readiness, check_stale_after_days, checked_address, verification_message};
use domain::role::StaffRole;
use domain::{Actor, DomainError, Permission};
use rand::Rng;
use std::collections::HashMap;
use std::time::Duration;
use store::{CodeCheck, StoredMethod};
use uuid::Uuid;

/// How often the reminder job looks for methods about to go stale.
const REMIND_EVERY: Duration = Duration::from_secs(3600);

/// The call-out settings: each role's escalation and when a verification goes stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalloutSettings {
    pub stale_after_days: i64,
    pub policies: HashMap<StaffRole, Policy>,
}

impl App {
    /// The signed-in person's own methods, and how long a verification lasts.
    pub async fn my_contact_methods(&self, actor: &Actor) -> Result<(Vec<StoredMethod>, i64)> {
        actor.may(Permission::KeepOwnContactMethods)?;
        Ok((self.store.contact_methods(actor.user_id).await?, self.store.stale_after_days().await?))
    }

    /// Adds a method of the signed-in person's and sends it a code and a link at once.
    pub async fn add_contact_method(&self, actor: &Actor, channel: ContactChannel, address: &str) -> Result<StoredMethod> {
        actor.may(Permission::KeepOwnContactMethods)?;
        let address = checked_address(channel, address)?;
        let method = self.store.add_contact_method(actor.user_id, &ContactMethod { channel, address, verified_at: None }, now()).await?;
        self.send_verification(&method, None).await?;
        Ok(method)
    }

    pub async fn remove_contact_method(&self, actor: &Actor, id: Uuid) -> Result<()> {
        self.own_method(actor, id).await?;
        Ok(self.store.remove_contact_method(id).await?)
    }

    /// Sends the method a new code and link; an earlier one stops working.
    pub async fn request_verification(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let method = self.own_method(actor, id).await?;
        self.send_verification(&method, None).await
    }

    /// The code the person typed in, from the message the method received.
    pub async fn verify_contact_code(&self, actor: &Actor, id: Uuid, code: &str) -> Result<StoredMethod> {
        self.own_method(actor, id).await?;
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid("code", "the code is the 6 digits in the message").into());
        }
        match self.store.verify_by_code(id, code, now()).await? {
            CodeCheck::Verified => Ok(self.store.contact_method(id).await?),
            CodeCheck::Wrong { tries_left } if tries_left > 0 => {
                Err(DomainError::invalid("code", format!("the code is not right; {tries_left} tries left")).into())
            }
            CodeCheck::Wrong { .. } | CodeCheck::Expired => {
                Err(DomainError::invalid("code", "the code has expired or was tried too often: ask for a new one").into())
            }
            CodeCheck::NotAsked => Err(DomainError::invalid("code", "no code was sent to this method: ask for one").into()),
        }
    }

    /// The method a verification link is for (the page shows it before the one click).
    pub async fn verification_link(&self, token: &str) -> Result<StoredMethod> {
        checked_token(token)?;
        Ok(self.store.verification_link(token, now()).await?)
    }

    /// The one click: verifies the link's method, once.
    pub async fn verify_contact_link(&self, token: &str) -> Result<StoredMethod> {
        checked_token(token)?;
        Ok(self.store.verify_by_link(token, now()).await?)
    }

    /// For each crisis role of the standing roster: the primary and the deputy, their methods
    /// and how each stands, and the red line where neither can be reached.
    pub async fn readiness(&self, actor: &Actor) -> Result<Readiness> {
        actor.may(Permission::ViewReadiness)?;
        let roster = self.store.roster().await?;
        let people: Vec<Uuid> = roster.iter().flat_map(|a| [&a.primary, &a.deputy]).flatten().map(|p| p.id).collect();
        let methods = self.store.contact_methods_of(&people).await?;
        let stale = self.store.stale_after_days().await?;
        let slot = |p: &Option<domain::user::Person>| {
            p.clone().map(|p| {
                let m = methods.get(&p.id).cloned().unwrap_or_default();
                (p, m)
            })
        };
        let rows = roster.iter().map(|a| (a.role, slot(&a.primary), slot(&a.deputy))).collect();
        Ok(Readiness::of(rows, now(), stale))
    }

    pub async fn callout_settings(&self, actor: &Actor) -> Result<CalloutSettings> {
        actor.may(Permission::ViewReadiness)?;
        Ok(CalloutSettings { stale_after_days: self.store.stale_after_days().await?, policies: self.store.callout_policies().await? })
    }

    /// The secretariat sets when a verification goes stale and how each given role escalates;
    /// everything is checked before anything is saved.
    pub async fn set_callout_settings(
        &self,
        actor: &Actor,
        stale_after_days: Option<i64>,
        policies: &[(StaffRole, Policy)],
    ) -> Result<CalloutSettings> {
        actor.may(Permission::ManageCalloutPolicy)?;
        if let Some(days) = stale_after_days {
            check_stale_after_days(days)?;
        }
        for (_, p) in policies {
            p.check()?;
        }
        if let Some(days) = stale_after_days {
            self.store.set_stale_after_days(days).await?;
        }
        for (role, p) in policies {
            self.store.set_callout_policy(*role, *p).await?;
        }
        self.callout_settings(actor).await
    }

    /// Reminds each person whose verified method goes stale within the reminder period, once
    /// per verification: the reminder is a new code and link.
    pub(crate) async fn remind_stale(&self) -> Result<usize> {
        let stale = self.store.stale_after_days().await?;
        let at = now();
        let mut sent = 0;
        for (method, reminded_at) in self.store.verified_methods().await? {
            if method.method.needs_reminder(reminded_at, at, stale) {
                self.send_verification(&method, method.method.stale_at(stale)).await?;
                sent += 1;
            }
        }
        Ok(sent)
    }

    pub(crate) fn remind_regularly(&self, shutdown: Shutdown) {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                match app.remind_stale().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(reminders = n, "reminded people to verify contact methods that go stale soon"),
                    Err(e) => tracing::warn!(error = %e, "cannot send the contact method reminders"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(REMIND_EVERY) => {}
                    _ = shutdown.wait() => break,
                }
            }
        });
    }

    async fn own_method(&self, actor: &Actor, id: Uuid) -> Result<StoredMethod> {
        actor.may(Permission::KeepOwnContactMethods)?;
        let method = self.store.contact_method(id).await?;
        // Someone else's method is not found rather than forbidden: its existence is theirs.
        if method.user_id != actor.user_id {
            return Err(Error::not_found("contact method"));
        }
        Ok(method)
    }

    /// Sends a new code and link to the method; `stale_on` makes it the reminder before that day.
    async fn send_verification(&self, method: &StoredMethod, stale_on: Option<time::OffsetDateTime>) -> Result<()> {
        let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
        let token = Uuid::new_v4().simple().to_string();
        let at = now();
        let message = verification_message(&method.method, &code, &token, stale_on);
        self.store.request_verification(method.id, &code, &token, &message, stale_on.is_some(), at).await?;
        self.outbox_wake.notify_one();
        Ok(())
    }
}

fn checked_token(token: &str) -> Result<()> {
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::not_found("verification link"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::user::NewUser;

    #[tokio::test]
    async fn a_method_about_to_go_stale_is_reminded_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = store::Store::open_sqlite(&dir.path().join("db.sqlite")).await.unwrap();
        store.seed_defaults().await.unwrap();
        let new =
            NewUser { email: "leder@k.invalid".into(), name: "Lea Leder".into(), org: "DDH".into(), role: domain::Role::CrisisLeader };
        let user = store.create_user(&new, "not-a-hash", "test", now()).await.unwrap();
        let soon = ContactMethod {
            channel: ContactChannel::Email,
            address: "leder@k.invalid".into(),
            verified_at: Some(now() - time::Duration::days(80)),
        };
        let fresh = ContactMethod { channel: ContactChannel::Email, address: "leder2@k.invalid".into(), verified_at: Some(now()) };
        let m = store.add_contact_method(user.id, &soon, now()).await.unwrap();
        store.add_contact_method(user.id, &fresh, now()).await.unwrap();
        let app = App::new(store.clone(), crate::Config::default());

        assert_eq!(app.remind_stale().await.unwrap(), 1, "only the one going stale");
        assert_eq!(app.remind_stale().await.unwrap(), 0, "once");
        let t = now();
        let mail = store
            .claim_message(&[ContactChannel::Email], t, t + time::Duration::minutes(1))
            .await
            .unwrap()
            .expect("the reminder is queued");
        assert_eq!(mail.address, "leder@k.invalid");
        assert!(mail.body.contains("skal bekræftes inden"), "{}", mail.body);
        assert!(store.claim_message(&[ContactChannel::Email], t, t).await.unwrap().is_none());

        // Verified again: good for another period, nothing to remind of.
        store.verify_contact_method(m.id, now()).await.unwrap();
        assert_eq!(app.remind_stale().await.unwrap(), 0);
    }
}
