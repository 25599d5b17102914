//! Background work of a serving node: the overdue check of published guides, delivery of the
//! mail outbox, and the retention purge of personal data, expired sessions and idempotency keys. Each job is safe
//! to run on several nodes at once: the store makes each change happen once.

use crate::Shutdown;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use store::{OutgoingMail, Store};
use time::OffsetDateTime;

/// Overdue guides are found within this (the issue asks for 10 s).
const OVERDUE_EVERY: Duration = Duration::from_secs(2);
const MAIL_EVERY: Duration = Duration::from_secs(2);
const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// A claimed mail is someone else's to retry only after this.
const MAIL_LEASE: time::Duration = time::Duration::minutes(2);
const MAIL_ATTEMPTS: i64 = 12;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://…`;
    /// `None` keeps callback mails queued until one is configured.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Callback requests are deleted this many days after their incident closed.
    pub retention_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { smtp_url: None, mail_from: "kriseservice@localhost".into(), retention_days: domain::inquiry::DEFAULT_RETENTION_DAYS }
    }
}

/// Checks the settings before anything starts, so a typo fails at start-up, not at the first mail.
pub fn check(settings: &Settings) -> Result<(), String> {
    settings.mail_from.parse::<Mailbox>().map_err(|e| format!("mail_from '{}' is not an e-mail address: {e}", settings.mail_from))?;
    if let Some(url) = &settings.smtp_url {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| format!("smtp_url is not a usable SMTP URL: {e}"))?;
    }
    if !(1..=3650).contains(&settings.retention_days) {
        return Err(format!("retention_days must be between 1 and 3650 (got {})", settings.retention_days));
    }
    Ok(())
}

impl crate::App {
    /// Starts every job of a serving node; they end when `shutdown` triggers.
    pub fn start_jobs(&self, settings: Settings, shutdown: Shutdown) {
        start(self.store.clone(), settings, shutdown)
    }
}

fn start(store: Store, settings: Settings, shutdown: Shutdown) {
    let s = store.clone();
    every(OVERDUE_EVERY, shutdown.clone(), move || {
        let s = s.clone();
        async move {
            match s.mark_overdue(domain::time::now()).await {
                Ok(marked) if !marked.is_empty() => tracing::info!(incidents = ?marked, "guides marked overdue"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "overdue check failed"),
            }
        }
    });
    let s = store.clone();
    let retention = settings.retention_days;
    every(PURGE_EVERY, shutdown.clone(), move || {
        let s = s.clone();
        async move {
            let now = domain::time::now();
            match s.purge_callbacks(now, retention).await {
                Ok(purged) => purged.iter().for_each(|(id, n)| tracing::info!(incident = %id, requests = n, "callback requests purged")),
                Err(e) => tracing::warn!(error = %e, "retention purge failed"),
            }
            if let Err(e) = s.purge_sessions(now).await {
                tracing::warn!(error = %e, "session purge failed");
            }
            match s.purge_keys(now - store::KEY_LIFETIME).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(keys = n, "expired idempotency keys purged"),
                Err(e) => tracing::warn!(error = %e, "idempotency key purge failed"),
            }
        }
    });
    match settings.smtp_url.as_deref().map(AsyncSmtpTransport::<Tokio1Executor>::from_url) {
        Some(Ok(builder)) => {
            let transport = builder.timeout(Some(Duration::from_secs(20))).build();
            let from: Mailbox = settings.mail_from.parse().expect("checked at start-up");
            every(MAIL_EVERY, shutdown, move || deliver_due(store.clone(), transport.clone(), from.clone()));
        }
        Some(Err(e)) => tracing::error!(error = %e, "smtp_url is unusable: callback mails stay queued"),
        None => tracing::warn!("no smtp_url: callback mails stay queued until one is configured"),
    }
}

fn every<F, Fut>(period: Duration, shutdown: Shutdown, mut job: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        loop {
            job().await;
            tokio::select! {
                _ = tokio::time::sleep(period) => {}
                _ = shutdown.wait() => break,
            }
        }
    });
}

/// When a failed mail is tried again: 30 s, doubling, at most an hour apart; then never.
fn retry_at(now: OffsetDateTime, attempts: i64) -> Option<OffsetDateTime> {
    (attempts < MAIL_ATTEMPTS).then(|| now + time::Duration::seconds((30i64 << (attempts - 1).clamp(0, 7)).min(3600)))
}

async fn deliver_due(store: Store, transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox) {
    loop {
        let now = domain::time::now();
        let mail = match store.claim_mail(now, now + MAIL_LEASE).await {
            Ok(Some(m)) => m,
            Ok(None) => return,
            Err(e) => return tracing::warn!(error = %e, "cannot read the mail outbox"),
        };
        // The body holds a citizen's personal data: it is never logged.
        let result = match message(&from, &mail) {
            Ok(m) => transport.send(m).await.map(|_| ()).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let done = match result {
            Ok(()) => {
                tracing::info!(mail = mail.id, "callback mail delivered");
                store.mail_sent(mail.id, domain::time::now()).await
            }
            Err(e) => {
                let retry = retry_at(domain::time::now(), mail.attempts);
                tracing::warn!(mail = mail.id, attempts = mail.attempts, error = %e, gives_up = retry.is_none(), "callback mail not delivered");
                store.mail_failed(mail.id, &e, retry).await
            }
        };
        if let Err(e) = done {
            return tracing::warn!(error = %e, "cannot record the mail's delivery");
        }
    }
}

fn message(from: &Mailbox, mail: &OutgoingMail) -> Result<Message, String> {
    let to: Mailbox = mail.recipient.parse().map_err(|e| format!("the callback mailbox '{}' is not an address: {e}", mail.recipient))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop() {
        let t = time::macros::datetime!(2026-11-23 12:00 UTC);
        assert_eq!(retry_at(t, 1), Some(t + time::Duration::seconds(30)));
        assert_eq!(retry_at(t, 2), Some(t + time::Duration::seconds(60)));
        assert_eq!(retry_at(t, 9), Some(t + time::Duration::seconds(3600)), "at most an hour apart");
        assert_eq!(retry_at(t, MAIL_ATTEMPTS), None);
    }

    #[test]
    fn settings_are_checked_at_start() {
        assert!(check(&Settings::default()).is_ok());
        assert!(check(&Settings { smtp_url: Some("smtp://127.0.0.1:2525".into()), ..Settings::default() }).is_ok());
        assert!(check(&Settings { smtp_url: Some("not a url".into()), ..Settings::default() }).is_err());
        assert!(check(&Settings { mail_from: "nobody".into(), ..Settings::default() }).is_err());
        assert!(check(&Settings { retention_days: 0, ..Settings::default() }).is_err());
    }
}
