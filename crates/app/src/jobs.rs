//! Background work of a serving node: the overdue check of published guides, delivery of the
//! outbox (`outbox.rs`), and the retention purge of personal data, expired sessions and idempotency keys. Each job is safe
//! to run on several nodes at once: the store makes each change happen once.

use crate::Shutdown;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use tokio::sync::Notify;

/// Overdue guides are found within this (the issue asks for 10 s).
const OVERDUE_EVERY: Duration = Duration::from_secs(2);
const PURGE_EVERY: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct Settings {
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://…`;
    /// `None` keeps callback mails queued until one is configured.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Callback requests are deleted this many days after their incident closed.
    pub retention_days: i64,
    /// What links in outbound messages (acknowledgements, shift bidding) start with.
    pub public_url: String,
    /// The SMS gateway; `None` keeps SMS queued until one is configured.
    pub sms: Option<channels::sms_gateway::Gateway>,
    /// The Teams Workflows webhooks by team; none keeps Teams messages queued.
    pub teams: crate::deliver::TeamsWebhooks,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            smtp_url: None,
            mail_from: "kriseservice@localhost".into(),
            retention_days: domain::inquiry::DEFAULT_RETENTION_DAYS,
            public_url: "http://127.0.0.1:8080".into(),
            sms: None,
            teams: crate::deliver::TeamsWebhooks::default(),
        }
    }
}

/// Checks the settings before anything starts, so a typo fails at start-up, not at the first mail.
pub fn check(settings: &Settings) -> Result<(), String> {
    settings.mail_from.parse::<Mailbox>().map_err(|e| format!("mail_from '{}' is not an e-mail address: {e}", settings.mail_from))?;
    if let Some(url) = &settings.smtp_url {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| format!("smtp_url is not a usable SMTP URL: {e}"))?;
    }
    for (team, url) in &settings.teams.0 {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            let team = if team.is_empty() { String::new() } else { format!(" of the team '{team}'") };
            return Err(format!("teams_webhook{team} must be an https:// URL"));
        }
    }
    if !(1..=3650).contains(&settings.retention_days) {
        return Err(format!("retention_days must be between 1 and 3650 (got {})", settings.retention_days));
    }
    Ok(())
}

impl crate::App {
    /// Starts every job of a serving node; they end when `shutdown` triggers.
    pub fn start_jobs(&self, settings: Settings, shutdown: Shutdown) {
        self.escalate_regularly(shutdown.clone());
        self.remind_regularly(shutdown.clone());
        self.play_exercises_regularly(shutdown.clone());
        self.evaluate_regularly(shutdown.clone());
        start(self.store.clone(), settings, self.outbox_wake.clone(), shutdown)
    }
}

fn start(store: Store, settings: Settings, wake: Arc<Notify>, shutdown: Shutdown) {
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
            match s.purge_exercises(now, retention).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(rows = n, "archived exercises' observations and participants purged"),
                Err(e) => tracing::warn!(error = %e, "exercise purge failed"),
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
    let senders = senders(&settings);
    tokio::spawn(crate::outbox::run(store, senders, wake, shutdown));
}

/// The SMTP transport and sender, if a usable `smtp_url` is set.
fn mail(settings: &Settings) -> Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)> {
    match settings.smtp_url.as_deref().map(AsyncSmtpTransport::<Tokio1Executor>::from_url) {
        Some(Ok(builder)) => {
            let transport = builder.timeout(Some(Duration::from_secs(20))).build();
            Some((transport, settings.mail_from.parse().expect("checked at start-up")))
        }
        Some(Err(e)) => {
            tracing::error!(error = %e, "smtp_url is unusable: mails stay queued");
            None
        }
        None => {
            tracing::warn!("no smtp_url: mails stay queued until one is configured");
            None
        }
    }
}

/// Everything the outbox can send with, as configured.
pub(crate) fn senders(settings: &Settings) -> crate::outbox::Senders {
    if settings.sms.is_none() {
        tracing::warn!("no sms_gateway: text messages stay queued until one is configured");
    }
    if settings.teams.is_empty() {
        tracing::warn!("no teams_webhook: Teams messages stay queued until one is configured");
    }
    crate::outbox::Senders {
        mail: mail(settings),
        sms: settings.sms.clone(),
        teams: settings.teams.clone(),
        http: crate::deliver::client(),
        public_url: settings.public_url.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_at_start() {
        assert!(check(&Settings::default()).is_ok());
        assert!(check(&Settings { smtp_url: Some("smtp://127.0.0.1:2525".into()), ..Settings::default() }).is_ok());
        assert!(check(&Settings { smtp_url: Some("not a url".into()), ..Settings::default() }).is_err());
        assert!(check(&Settings { mail_from: "nobody".into(), ..Settings::default() }).is_err());
        assert!(check(&Settings { retention_days: 0, ..Settings::default() }).is_err());
    }
}
