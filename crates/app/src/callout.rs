//! Calling out the crisis staff: on activation (the store does it in the same transaction), on
//! demand with a message, the escalation job that notifies each step when due, acknowledgements
//! from a link, the app or an SMS reply, and the staffing lead's call to the shift contacts.

use crate::{App, Result, Shutdown, now};
use domain::callout::{CalloutStatus, is_acknowledgement};
use domain::role::StaffRole;
use domain::{Actor, Permission, Role};
use std::time::Duration;
use store::Acknowledged;
use uuid::Uuid;

/// How often the escalation job looks for due steps: a step goes at most this late.
pub const ESCALATE_EVERY: Duration = Duration::from_millis(500);
/// What the one who starts a call-out may add, and what a staffing call says is needed.
const NOTE_MAX: usize = 500;

impl App {
    pub async fn callouts(&self, actor: &Actor, incident_id: Uuid) -> Result<Vec<CalloutStatus>> {
        self.incident(actor, incident_id, Permission::ViewCallout).await?;
        Ok(self.store.callouts(incident_id).await?)
    }

    /// Calls the crisis staff out again, with `note` (it may be empty).
    pub async fn start_callout(&self, actor: &Actor, incident_id: Uuid, note: &str) -> Result<Uuid> {
        self.incident(actor, incident_id, Permission::StartCallout).await?;
        let note = checked_note("message", note, 0)?;
        let id = self.store.start_callout(incident_id, &note, actor, now()).await?;
        self.outbox_wake.notify_one();
        Ok(id)
    }

    /// The one-click link in a message: the token alone says who and which call-out.
    pub async fn acknowledge_link(&self, token: &str) -> Result<Acknowledged> {
        if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(crate::Error::not_found("acknowledgement link"));
        }
        Ok(self.store.acknowledge_by_token(token, now()).await?)
    }

    /// The signed-in person acknowledges their own call-out for `role`.
    pub async fn acknowledge(&self, actor: &Actor, incident_id: Uuid, callout_id: Uuid, role: StaffRole) -> Result<Acknowledged> {
        self.incident(actor, incident_id, Permission::ViewIncidents).await?;
        let done = self.store.acknowledge_in_app(callout_id, role, actor.user_id, now()).await?;
        if done.incident_id != incident_id {
            return Err(crate::Error::not_found("call-out"));
        }
        Ok(done)
    }

    /// An inbound SMS as a gateway posts it: a reply with the keyword acknowledges the latest
    /// open call-out of the person with that verified number. Anything else is ignored.
    pub async fn sms_reply(&self, from: &str, text: &str) -> Result<Option<Acknowledged>> {
        if !is_acknowledgement(text) {
            return Ok(None);
        }
        let Some(number) = domain::callout::mobile_e164(from) else { return Ok(None) };
        Ok(self.store.acknowledge_by_phone(&number, now()).await?)
    }

    /// The gateway's delivery reports for the messages it names (by its id or ours). Returns how
    /// many matched a message we sent. A wrong secret is "not found", like any unknown path.
    pub async fn sms_delivery_reports(&self, secret: &str, body: &str) -> Result<usize> {
        let hooks = self.sms_webhooks(secret)?;
        let reports = hooks.gateway.delivery_reports(body).map_err(bad_callback)?;
        let mut matched = 0;
        for r in reports {
            if self.store.message_delivered(&r.reference, r.delivered, now()).await? {
                matched += 1;
            } else {
                tracing::info!(reference = %r.reference, "a delivery report for no message of ours");
            }
        }
        Ok(matched)
    }

    /// Texts the gateway received for us: each reply with the keyword acknowledges the sender's
    /// open call-out. Returns the acknowledgements made.
    pub async fn sms_inbound(&self, secret: &str, body: &str) -> Result<Vec<Acknowledged>> {
        let hooks = self.sms_webhooks(secret)?;
        let texts = hooks.gateway.inbound(body).map_err(bad_callback)?;
        let mut done = Vec::new();
        for t in texts {
            done.extend(self.sms_reply(&t.from, &t.text).await?);
        }
        Ok(done)
    }

    fn sms_webhooks(&self, secret: &str) -> Result<&SmsWebhooks> {
        match &self.config().sms_webhooks {
            Some(h) if constant_time_eq(h.secret.as_bytes(), secret.as_bytes()) => Ok(h),
            _ => Err(crate::Error::not_found("page")),
        }
    }

    /// The staffing lead asks the member municipalities' shift contacts for agents; the message
    /// links to the incident's shift bidding page. Returns the call-out and how many were called.
    pub async fn staffing_call(&self, actor: &Actor, incident_id: Uuid, need: &str) -> Result<(Uuid, usize)> {
        self.incident(actor, incident_id, Permission::SendStaffingCall).await?;
        let need = checked_note("need", need, 1)?;
        let members: Vec<String> = self.store.organisations().await?.into_iter().filter(|o| o.member).map(|o| o.code).collect();
        let recipients: Vec<(Uuid, String)> = self
            .store
            .users()
            .await?
            .into_iter()
            .filter(|u| u.active && u.role == Role::ShiftContact && members.contains(&u.org))
            .map(|u| (u.id, u.name))
            .collect();
        let link = format!("/incidents/{incident_id}/shifts");
        let done = self.store.send_staffing_call(incident_id, &recipients, &need, &link, actor, now()).await?;
        self.outbox_wake.notify_one();
        Ok(done)
    }

    /// Notifies the steps that fell due; runs until `shutdown`.
    pub(crate) fn escalate_regularly(&self, shutdown: Shutdown) {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                match app.store.notify_due_steps(now()).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(steps = n, "call-out steps notified");
                        app.outbox_wake.notify_one();
                    }
                    Err(e) => tracing::warn!(error = %e, "call-out escalation failed"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(ESCALATE_EVERY) => {}
                    _ = shutdown.wait() => break,
                }
            }
        });
    }
}

/// The SMS gateway whose callbacks are accepted, under a secret path segment.
#[derive(Debug, Clone)]
pub struct SmsWebhooks {
    pub gateway: channels::sms_gateway::Gateway,
    pub secret: String,
}

fn bad_callback(e: String) -> crate::Error {
    crate::Error::refused(crate::Refusal::BadRequest, "bad_callback", e)
}

/// Compares without telling by its time how much of a secret was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn checked_note(field: &str, text: &str, min: usize) -> Result<String> {
    let text = domain::text::multi_line(text);
    let mut p = domain::error::Problems::default();
    p.text(field, &text, min, NOTE_MAX);
    p.into_result()?;
    Ok(text)
}
