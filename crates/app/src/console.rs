//! What the operator does at the server's console (`kriseservice user add`, `token`,
//! `verify-log`): the person at the console holds the server, so no permission from the table is
//! asked, but every rule of the domain is.

use crate::ImportReport;
use crate::accounts::{hash_off_thread, new_secret, secret_hash};
use crate::{Error, Result, now};
use domain::everyday::EverydayGuide;
use domain::log::Verification;
use domain::user::{NewUser, User};
use std::collections::HashSet;
use std::path::Path;
use store::Store;
use uuid::Uuid;

/// Opens the database (`database_url`, or SQLite at `sqlite_file`), applies the migrations and
/// seeds the reference data.
pub async fn open(database_url: Option<&str>, sqlite_file: &Path) -> Result<Store> {
    let store = match database_url {
        Some(url) => Store::open(url).await?,
        None => Store::open_sqlite(sqlite_file).await?,
    };
    store.seed_defaults().await?;
    Ok(store)
}

/// One municipality's everyday guides, replacing what it had: new, changed and removed guides
/// are written in one transaction, unchanged ones left alone.
pub async fn import_everyday(store: &Store, municipality: &str, guides: Vec<EverydayGuide>) -> Result<ImportReport> {
    Ok(store.import_everyday(municipality, guides, now()).await?)
}

/// Validates, hashes and stores a new account; `by` names who added it in the record.
pub async fn add_user(store: &Store, user: NewUser, password: String, by: &str) -> Result<User> {
    let codes: HashSet<String> = store.organisations().await?.into_iter().map(|o| o.code).collect();
    let user = user.validate(&password, |c| codes.contains(c))?;
    let hash = hash_off_thread(password).await?;
    Ok(store.create_user(&user, &hash, by, now()).await?)
}

/// The account with this e-mail address, as the operator typed it.
async fn user_by_email(store: &Store, email: &str) -> Result<User> {
    let found = store.user_by_email(&email.trim().to_lowercase()).await?;
    found.map(|(user, _)| user).ok_or_else(|| Error::not_found(&format!("user with e-mail {email}")))
}

/// Removes a person's second factor (a lost phone); `by` names who did it in the record.
pub async fn remove_totp(store: &Store, email: &str, by: &str) -> Result<()> {
    let user = user_by_email(store, email).await?;
    Ok(store.remove_totp(user.id, by, now()).await?)
}

/// A token made on the console: the secret (shown once; only its hash is kept), its public id
/// and when it expires.
pub struct NewToken {
    pub secret: String,
    pub id: String,
    pub expires_at: time::OffsetDateTime,
}

fn new_token(days: i64) -> Result<(NewToken, String)> {
    let lifetime = domain::user::token_days(days)?;
    let secret = new_secret();
    let hash = secret_hash(&secret);
    let token = NewToken { id: domain::user::token_id(&hash).to_string(), secret, expires_at: now() + lifetime };
    Ok((token, hash))
}

/// A new bearer token for a person, lasting `days`.
pub async fn create_token(store: &Store, email: &str, days: i64) -> Result<NewToken> {
    let user = user_by_email(store, email).await?;
    let (token, hash) = new_token(days)?;
    store.create_token(user.id, &hash, now(), token.expires_at).await?;
    Ok(token)
}

/// A token for the contact-centre platform, lasting `days`: it opens the voice channel and
/// nothing else.
pub async fn create_integration_token(store: &Store, name: &str, days: i64) -> Result<NewToken> {
    let name = domain::user::integration_name(name)?;
    let (token, hash) = new_token(days)?;
    store.create_integration_token(name, &hash, now(), token.expires_at).await?;
    Ok(token)
}

/// Revokes every token of the integration; how many there were.
pub async fn revoke_integration_tokens(store: &Store, name: &str) -> Result<u64> {
    Ok(store.revoke_integration_tokens(name.trim(), CONSOLE, now()).await?)
}

/// Revokes the one token with this public id; whether there was one.
pub async fn revoke_token(store: &Store, id: &str) -> Result<bool> {
    Ok(store.revoke_token(&domain::user::parse_token_id(id)?, CONSOLE, now()).await?)
}

/// Every token, for `kriseservice token list`.
pub async fn tokens(store: &Store) -> Result<Vec<domain::user::TokenInfo>> {
    Ok(store.tokens().await?)
}

/// Who the log and the audit trail name for what the console does.
const CONSOLE: &str = "kriseservice (konsol)";

/// An incident's title, its log's verification and the chain head the incident records.
pub async fn verify_log(store: &Store, id: Uuid) -> Result<(String, Verification, String)> {
    let incident = store.incident(id).await?.ok_or_else(|| Error::not_found(&format!("incident with id {id}")))?;
    let v = store.verify_log(id).await?.ok_or_else(|| Error::not_found("incident"))?;
    let (_, head) = store.log_head(id).await?.unwrap_or((0, domain::log::GENESIS.to_string()));
    Ok((incident.title, v, head))
}

/// What `notify test` did through one of a person's contact methods.
#[derive(Debug, Clone)]
pub struct NotifyResult {
    pub channel: domain::callout::ContactChannel,
    pub address: String,
    pub outcome: crate::deliver::Outcome,
}

/// Sends one test message through every contact method of the person with `email`, directly
/// (not through the outbox), with the channels `settings` configure.
pub async fn notify_test(store: &Store, settings: &crate::jobs::Settings, email: &str) -> Result<Vec<NotifyResult>> {
    use crate::deliver::Outcome;
    use domain::callout::ContactChannel;
    let user = user_by_email(store, email).await?;
    let methods = store.contact_methods(user.id).await?;
    let senders = crate::jobs::senders(settings);
    let mut out = Vec::with_capacity(methods.len());
    for m in methods {
        let m = m.method;
        let configured = match m.channel {
            ContactChannel::Email => senders.mail.is_some(),
            ContactChannel::Sms => senders.sms.is_some(),
            ContactChannel::Teams => !senders.teams.is_empty(),
        };
        let outcome = if configured {
            let message = store::Outgoing {
                id: 0,
                channel: m.channel,
                address: m.address.clone(),
                subject: "Test fra Kriseservice".into(),
                body: format!("Dette er en test af din kontaktmetode hos Kriseservice, sendt til {}. Du skal ikke gøre noget.", user.name),
                link: None,
                attempts: 1,
            };
            crate::outbox::send(&senders, &message).await
        } else {
            let setting = match m.channel {
                ContactChannel::Email => "smtp_url",
                ContactChannel::Sms => "sms_gateway",
                ContactChannel::Teams => "teams_webhook",
            };
            Outcome::Failed { error: format!("{setting} is not configured"), retry: false }
        };
        out.push(NotifyResult { channel: m.channel, address: m.address, outcome });
    }
    Ok(out)
}
