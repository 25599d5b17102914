//! Delivery of the outbox, off the request path: each due message goes to its channel's sender;
//! a failure is retried with backoff where that is safe, and recorded where it is not. A use case
//! that queues a message wakes the worker, so that a call-out does not wait for the next round.

use crate::deliver::{self, Outcome, TeamsWebhooks};
use channels::sms_gateway::Gateway;
use domain::callout::ContactChannel;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;
use store::{Outgoing, Store};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// A claimed mail is someone else's to retry only after this.
const MAIL_LEASE: time::Duration = time::Duration::minutes(2);
const ATTEMPTS: i64 = 12;
/// A message of another channel than mail claimed this long ago and never recorded was being
/// sent when the process died.
const ORPHANED_AFTER: time::Duration = time::Duration::minutes(10);
/// Messages sent at once. Each mail waits on its server's round trips (and on Nagle's algorithm
/// at the end of its data, which the SMTP client cannot turn off): overlapping them is what makes
/// a call-out of hundreds go in seconds.
const IN_FLIGHT: usize = 8;
/// The round when nothing wakes the worker (another node may have queued).
pub(crate) const EVERY: Duration = Duration::from_secs(2);

/// What the worker can send with, and what links are made absolute with.
#[derive(Clone)]
pub(crate) struct Senders {
    pub mail: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    pub sms: Option<Gateway>,
    pub teams: TeamsWebhooks,
    pub http: reqwest::Client,
    pub public_url: String,
}

impl Senders {
    fn channels(&self) -> Vec<ContactChannel> {
        let mut c = Vec::new();
        if self.mail.is_some() {
            c.push(ContactChannel::Email);
        }
        if self.sms.is_some() {
            c.push(ContactChannel::Sms);
        }
        if !self.teams.is_empty() {
            c.push(ContactChannel::Teams);
        }
        c
    }
}

/// Delivers every due message, then waits for a wake-up or the next round.
pub(crate) async fn run(store: Store, senders: Senders, wake: Arc<Notify>, shutdown: crate::Shutdown) {
    let channels = senders.channels();
    loop {
        deliver_due(&store, &senders, &channels).await;
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = wake.notified() => {}
            _ = shutdown.wait() => break,
        }
    }
}

async fn deliver_due(store: &Store, senders: &Senders, channels: &[ContactChannel]) {
    if let Ok(ids) = store.orphaned_sends(domain::time::now() - ORPHANED_AFTER).await
        && !ids.is_empty()
    {
        tracing::warn!(messages = ?ids, "messages claimed before a stop are not sent again: they may have gone");
    }
    if channels.is_empty() {
        return;
    }
    loop {
        let now = domain::time::now();
        let mut batch = Vec::with_capacity(IN_FLIGHT);
        while batch.len() < IN_FLIGHT {
            match store.claim_message(channels, now, now + MAIL_LEASE).await {
                Ok(Some(m)) => batch.push(m),
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the outbox");
                    break;
                }
            }
        }
        if batch.is_empty() {
            return;
        }
        // The body may hold personal data: only the id and the channel are logged.
        let outcomes = futures_util::future::join_all(batch.iter().map(|m| send(senders, m))).await;
        for (message, outcome) in batch.iter().zip(outcomes) {
            if let Err(e) = record(store, message, outcome).await {
                return tracing::warn!(error = %e, "cannot record the message's delivery");
            }
        }
    }
}

async fn record(store: &Store, message: &Outgoing, outcome: Outcome) -> store::Result<()> {
    let now = domain::time::now();
    match outcome {
        Outcome::Sent(provider_ref) => {
            tracing::info!(message = message.id, channel = %message.channel, "message handed over");
            store.message_sent(message.id, now, provider_ref.as_deref()).await
        }
        Outcome::Failed { error, retry } => {
            let retry = retry.then(|| retry_at(now, message.attempts)).flatten();
            tracing::warn!(message = message.id, channel = %message.channel, attempts = message.attempts, error = %error, gives_up = retry.is_none(), "message not delivered");
            store.message_failed(message.id, &error, retry, false).await
        }
        Outcome::Unknown(error) => {
            tracing::warn!(message = message.id, channel = %message.channel, error = %error, "message may have gone: not sent again, so that nobody gets it twice");
            store.message_failed(message.id, &error, None, true).await
        }
    }
}

pub(crate) async fn send(senders: &Senders, m: &Outgoing) -> Outcome {
    match m.channel {
        ContactChannel::Email => {
            let Some((transport, from)) = &senders.mail else { unreachable!("only configured channels are claimed") };
            match mail(from, m, &senders.public_url) {
                Ok(message) => match transport.send(message).await {
                    Ok(_) => Outcome::Sent(None),
                    // A permanent SMTP refusal (5xx) will not change by trying again.
                    Err(e) => Outcome::Failed { retry: !e.is_permanent(), error: e.to_string() },
                },
                Err(e) => Outcome::Failed { error: e, retry: false },
            }
        }
        ContactChannel::Sms => {
            let Some(gateway) = &senders.sms else { unreachable!("only configured channels are claimed") };
            deliver::sms(&senders.http, gateway, &m.address, &sms_text(m, &senders.public_url), &m.id.to_string()).await
        }
        ContactChannel::Teams => match senders.teams.url(&m.address) {
            Some(url) => {
                let link = m.link.as_ref().map(|(label, path)| (label.as_str(), absolute(&senders.public_url, path)));
                let link = link.as_ref().map(|(label, url)| (*label, url.as_str()));
                deliver::teams(&senders.http, url, &m.subject, &m.body, link).await
            }
            None => Outcome::Failed { error: format!("no Teams webhook for the team '{}'", m.address), retry: false },
        },
    }
}

/// An SMS is the body and the link, on one line each.
fn sms_text(m: &Outgoing, public_url: &str) -> String {
    match &m.link {
        Some((label, path)) => format!("{}\n{label}: {}", m.body, absolute(public_url, path)),
        None => m.body.clone(),
    }
}

/// A link's path made absolute on the service's public address.
pub(crate) fn absolute(public_url: &str, path: &str) -> String {
    format!("{}{path}", public_url.trim_end_matches('/'))
}

/// When a failed message is tried again: 30 s, doubling, at most an hour apart; then never.
fn retry_at(now: OffsetDateTime, attempts: i64) -> Option<OffsetDateTime> {
    (attempts < ATTEMPTS).then(|| now + time::Duration::seconds((30i64 << (attempts - 1).clamp(0, 7)).min(3600)))
}

fn mail(from: &Mailbox, m: &Outgoing, public_url: &str) -> Result<Message, String> {
    let to: Mailbox = m.address.parse().map_err(|e| format!("'{}' is not an e-mail address: {e}", m.address))?;
    let body = match &m.link {
        Some((label, path)) => format!("{}\n\n{label}: {}\n", m.body, absolute(public_url, path)),
        None => m.body.clone(),
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&m.subject)
        // One id per outbox row: a mail sent again after a crash is recognisably the same mail.
        .message_id(Some(format!("<outbox-{}@{}>", m.id, from.email.domain())))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
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
        assert_eq!(retry_at(t, ATTEMPTS), None);
    }

    #[test]
    fn a_link_is_made_absolute_and_written_under_the_text() {
        let m = Outgoing {
            id: 7,
            channel: ContactChannel::Email,
            address: "kriseleder@k.invalid".into(),
            subject: "Krisen er aktiveret".into(),
            body: "Du er kaldt ud.".into(),
            link: Some(("Kvittér".into(), "/kvittering/abc".into())),
            attempts: 1,
        };
        let from: Mailbox = "kriseservice@ddh.invalid".parse().unwrap();
        let text = String::from_utf8(mail(&from, &m, "https://krise.invalid/").unwrap().formatted()).unwrap();
        assert!(
            text.contains("Kvitt=C3=A9r: https://krise.invalid/kvittering/abc")
                || text.contains("Kvittér: https://krise.invalid/kvittering/abc"),
            "{text}"
        );
        assert!(text.contains("Message-ID: <outbox-7@ddh.invalid>"), "{text}");
    }
}
