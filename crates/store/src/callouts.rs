//! Call-outs: the frozen chain written when one starts, each step notified once when due (its
//! messages queued in the outbox in the same transaction), and the acknowledgement that stops a
//! role's chain, logged with who and when.

use crate::backend::prelude::*;
use domain::callout::{self, AckVia, CalloutKind, Chain, Message};
use domain::event::CalloutChange;
use domain::incident::Incident;
use domain::role::StaffRole;

/// The role a staffing call's recipients are stored under.
const SHIFT_CONTACT: &str = "shift_contact";

/// What an acknowledgement did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledged {
    pub incident_id: Uuid,
    pub callout_id: Uuid,
    pub role: StaffRole,
    /// Who acknowledged the role, and when: this person now, or someone before.
    pub by: String,
    pub at: OffsetDateTime,
    /// The role had been acknowledged already; nothing changed.
    pub before: bool,
}

/// A step due to be notified.
#[derive(sqlx::FromRow)]
struct Due {
    callout_id: Uuid,
    incident_id: Uuid,
    role: String,
    position: i64,
}

#[derive(sqlx::FromRow)]
struct StepRow {
    role: String,
    position: i64,
    user_id: Uuid,
    person_name: String,
    due_at: OffsetDateTime,
    notified_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    role: String,
    position: i64,
    channel: String,
    state: String,
    sent_at: Option<OffsetDateTime>,
    delivered_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct AckRow {
    role: String,
    user_id: Uuid,
    person_name: String,
    via: String,
    at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct HeadRow {
    id: Uuid,
    kind: String,
    message: String,
    exercise: bool,
    started_at: OffsetDateTime,
    started_by: String,
}

/// Groups a call-out's steps, messages and acknowledgements by role: the crisis roles in their
/// order, then a staffing call's recipients.
fn group(steps: Vec<StepRow>, messages: Vec<MessageRow>, acks: Vec<AckRow>) -> Result<Vec<callout::RoleCallout>> {
    let mut names: Vec<&str> = StaffRole::ALL.iter().map(|r| r.as_str()).collect();
    names.push(SHIFT_CONTACT);
    let mut out = Vec::new();
    for name in names {
        let mine: Vec<&StepRow> = steps.iter().filter(|s| s.role == name).collect();
        if mine.is_empty() {
            continue;
        }
        let mut rows = Vec::with_capacity(mine.len());
        for s in mine {
            let sent = messages.iter().filter(|m| m.role == name && m.position == s.position);
            let sent = sent
                .map(|m| {
                    Ok(callout::MessageStatus {
                        channel: m.channel.parse().map_err(corrupt)?,
                        state: m.state.parse().map_err(corrupt)?,
                        sent_at: m.sent_at,
                        delivered_at: m.delivered_at,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            rows.push(callout::StepStatus {
                position: u32::try_from(s.position).map_err(corrupt)?,
                user_id: s.user_id,
                name: s.person_name.clone(),
                due_at: s.due_at,
                notified_at: s.notified_at,
                messages: sent,
            });
        }
        let acknowledged = match acks.iter().find(|a| a.role == name) {
            Some(a) => Some(callout::Acknowledgement {
                user_id: a.user_id,
                name: a.person_name.clone(),
                via: a.via.parse().map_err(corrupt)?,
                at: a.at,
            }),
            None => None,
        };
        let role = if name == SHIFT_CONTACT { None } else { Some(name.parse().map_err(corrupt)?) };
        out.push(callout::RoleCallout { role, acknowledged, steps: rows });
    }
    Ok(out)
}

fn callout_event(incident: &Incident, callout_id: Uuid, role: Option<StaffRole>, what: CalloutChange) -> NewEvent {
    NewEvent::about(incident, Event::CalloutChanged { incident_id: incident.id, callout_id, role, what })
}

operations! {
    uses: incidents, log, events, roles, contacts, outbox;

    helpers {
        /// Starts the crisis staff's call-out of `incident` from its roles as they are now, and
        /// notifies each role's first step at once.
        pub(crate) async fn start_in(tx: &mut Tx, incident: &Incident, note: &str, actor: &Actor, at: OffsetDateTime, events: &mut Vec<NewEvent>) -> Result<Uuid> {
            let id = Uuid::new_v4();
            sqlx::query("INSERT INTO callouts (id, incident_id, kind, message, exercise, started_at, started_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(incident.id)
                .bind(CalloutKind::Staff.as_str())
                .bind(note)
                .bind(incident.exercise)
                .bind(at)
                .bind(&actor.name)
                .execute(&mut **tx)
                .await?;
            // An exercise's own roster is its incident's roles: nobody else is ever paged.
            let roles = roles_in(&mut **tx, incident.id).await?;
            let policies = policies_in(&mut **tx).await?;
            let leader = roles.iter().find(|a| a.role == StaffRole::CrisisLeader).and_then(|a| a.primary.as_ref()).map(|p| p.id);
            let mut first = Vec::new();
            for a in &roles {
                let names: Vec<(Uuid, String)> = [&a.primary, &a.deputy].into_iter().flatten().map(|p| (p.id, p.name.clone())).collect();
                let leader_name = roles.iter().find(|r| r.role == StaffRole::CrisisLeader).and_then(|r| r.primary.as_ref()).map(|p| (p.id, p.name.clone()));
                let chain = Chain::plan(a.role, a.primary.as_ref().map(|p| p.id), a.deputy.as_ref().map(|p| p.id), leader, policies[&a.role], at);
                for (n, step) in chain.steps.iter().enumerate() {
                    let name = names.iter().chain(leader_name.iter()).find(|(u, _)| *u == step.person).map(|(_, n)| n.clone()).unwrap_or_default();
                    sqlx::query("INSERT INTO callout_steps (callout_id, role, position, user_id, person_name, due_at) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(id)
                        .bind(a.role.as_str())
                        .bind(n as i64)
                        .bind(step.person)
                        .bind(&name)
                        .bind(step.at)
                        .execute(&mut **tx)
                        .await?;
                    if n == 0 {
                        first.push((a.role, name));
                    }
                }
            }
            append_in_tx(tx, incident, actor, narrative::callout_started(&first, note), at, events).await?;
            events.push(callout_event(incident, id, None, CalloutChange::Started));
            for (role, _) in &first {
                notify_in(tx, incident, id, role.as_str(), 0, at, events).await?;
            }
            Ok(id)
        }

        /// Notifies one step on every method of its person that reaches them today, unless it
        /// was notified already or its role acknowledged. Returns the messages queued, or `None`
        /// when there was nothing to do.
        async fn notify_in(tx: &mut Tx, incident: &Incident, callout_id: Uuid, role: &str, position: i64, at: OffsetDateTime, events: &mut Vec<NewEvent>) -> Result<Option<usize>> {
            let acked: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM callout_acks WHERE callout_id = $1 AND role = $2)")
                .bind(callout_id)
                .bind(role)
                .fetch_one(&mut **tx)
                .await?;
            if acked {
                return Ok(None);
            }
            let token = Uuid::new_v4().simple().to_string();
            let claimed: Option<(Uuid, String)> = sqlx::query_as(
                "UPDATE callout_steps SET notified_at = $4, token_digest = $5, expires_at = $6
                 WHERE callout_id = $1 AND role = $2 AND position = $3 AND notified_at IS NULL RETURNING user_id, person_name",
            )
            .bind(callout_id)
            .bind(role)
            .bind(position)
            .bind(at)
            .bind(callout::token_digest(&token))
            .bind(at + callout::LINK_LIFETIME)
            .fetch_optional(&mut **tx)
            .await?;
            let Some((user, name)) = claimed else { return Ok(None) };
            let (note, exercise): (String, bool) = sqlx::query_as("SELECT message, exercise FROM callouts WHERE id = $1").bind(callout_id).fetch_one(&mut **tx).await?;
            let stale = stale_after_in(&mut **tx).await?;
            let methods = methods_of(tx, &[user]).await?.remove(&user).unwrap_or_default();
            let role: StaffRole = role.parse().map_err(corrupt)?;
            let (subject, body) = callout::staff_message(exercise, &incident.title, role, &note);
            let mut sent = 0;
            for m in methods.iter().filter(|m| m.reaches(at, stale)) {
                let message = Message {
                    channel: m.channel,
                    address: m.address.clone(),
                    subject: subject.clone(),
                    body: body.clone(),
                    link: Some(("Kvittér for udkaldet".into(), format!("/kvittering/{token}"))),
                };
                let outbox_id = enqueue(tx, &message, None, at).await?;
                sqlx::query("INSERT INTO callout_messages (callout_id, role, position, outbox_id) VALUES ($1, $2, $3, $4)")
                    .bind(callout_id)
                    .bind(role.as_str())
                    .bind(position)
                    .bind(outbox_id)
                    .execute(&mut **tx)
                    .await?;
                sent += 1;
            }
            if position > 0 {
                append_in_tx(tx, incident, &Actor::system(), narrative::callout_escalated(role, &name, sent > 0), at, events).await?;
            }
            if sent == 0 {
                bring_forward(tx, callout_id, role.as_str(), position, at).await?;
            }
            events.push(callout_event(incident, callout_id, Some(role), CalloutChange::Notified));
            Ok(Some(sent))
        }

        /// Nobody could be told at `position`: waiting for their acknowledgement is pointless, so
        /// the rest of the role's chain moves forward and the next step is due now.
        async fn bring_forward(tx: &mut Tx, callout_id: Uuid, role: &str, position: i64, at: OffsetDateTime) -> Result<()> {
            let later: Vec<(i64, OffsetDateTime)> = sqlx::query_as(
                "SELECT position, due_at FROM callout_steps WHERE callout_id = $1 AND role = $2 AND position > $3 AND notified_at IS NULL ORDER BY position",
            )
            .bind(callout_id)
            .bind(role)
            .bind(position)
            .fetch_all(&mut **tx)
            .await?;
            let Some(&(_, next_due)) = later.first() else { return Ok(()) };
            let shift = next_due - at;
            if shift <= time::Duration::ZERO {
                return Ok(());
            }
            for (p, due) in later {
                sqlx::query("UPDATE callout_steps SET due_at = $4 WHERE callout_id = $1 AND role = $2 AND position = $3")
                    .bind(callout_id)
                    .bind(role)
                    .bind(p)
                    .bind(due - shift)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        }

        /// Acknowledges `role` of `callout_id` for `user`, in the log as that person.
        async fn acknowledge_in(tx: &mut Tx, callout_id: Uuid, role: &str, user: Uuid, via: AckVia, at: OffsetDateTime) -> Result<Acknowledged> {
            let incident_id: Uuid = sqlx::query_scalar("SELECT incident_id FROM callouts WHERE id = $1").bind(callout_id).fetch_one(&mut **tx).await?;
            let incident = lock_incident(tx, incident_id, at).await?;
            let role: StaffRole = role.parse().map_err(corrupt)?;
            let earlier: Option<(String, OffsetDateTime)> = sqlx::query_as("SELECT person_name, at FROM callout_acks WHERE callout_id = $1 AND role = $2")
                .bind(callout_id)
                .bind(role.as_str())
                .fetch_optional(&mut **tx)
                .await?;
            if let Some((by, at)) = earlier {
                return Ok(Acknowledged { incident_id, callout_id, role, by, at, before: true });
            }
            let (name, org, account): (String, String, String) =
                sqlx::query_as("SELECT name, org, role FROM users WHERE id = $1").bind(user).fetch_one(&mut **tx).await?;
            let actor = Actor { user_id: user, name: name.clone(), role: account.parse().map_err(corrupt)?, org };
            sqlx::query("INSERT INTO callout_acks (callout_id, role, user_id, person_name, via, at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(callout_id)
                .bind(role.as_str())
                .bind(user)
                .bind(&name)
                .bind(via.as_str())
                .bind(at)
                .execute(&mut **tx)
                .await?;
            let mut events = Vec::new();
            append_in_tx(tx, &incident, &actor, narrative::callout_acknowledged(role, &name, via, at), at, &mut events).await?;
            events.push(callout_event(&incident, callout_id, Some(role), CalloutChange::Acknowledged));
            emit_all(tx, events, at).await?;
            Ok(Acknowledged { incident_id, callout_id, role, by: name, at, before: false })
        }
    }

    ops {
        /// Calls the crisis staff out again, on demand, with `note`; not once the incident closed.
        pub write fn start_callout(pool, incident_id: Uuid, note: &str, actor: &Actor, at: OffsetDateTime) -> Result<Uuid> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            if incident.status == domain::incident::Status::Closed {
                return Err(conflict("the incident is closed: nobody is called out for it"));
            }
            let mut events = Vec::new();
            let id = start_in(&mut tx, &incident, note, actor, at, &mut events).await?;
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(id)
        }

        /// Notifies every step due by `now` whose role nobody acknowledged: the escalation.
        /// Each step in its own transaction, claimed once across nodes. Returns how many.
        pub write fn notify_due_steps(pool, now: OffsetDateTime) -> Result<usize> {
            let due: Vec<Due> = sqlx::query_as(
                "SELECT s.callout_id, c.incident_id, s.role, s.position FROM callout_steps s JOIN callouts c ON c.id = s.callout_id
                 WHERE s.notified_at IS NULL AND s.due_at <= $1 AND s.role <> $2
                   AND NOT EXISTS (SELECT 1 FROM callout_acks a WHERE a.callout_id = s.callout_id AND a.role = s.role)
                 ORDER BY s.due_at, s.position",
            )
            .bind(now)
            .bind(SHIFT_CONTACT)
            .fetch_all(pool)
            .await?;
            let mut notified = 0;
            for d in due {
                let mut tx = pool.begin().await?;
                let incident = lock_incident(&mut tx, d.incident_id, now).await?;
                let mut events = Vec::new();
                if notify_in(&mut tx, &incident, d.callout_id, &d.role, d.position, now, &mut events).await?.is_some() {
                    notified += 1;
                }
                emit_all(&mut tx, events, now).await?;
                tx.commit().await?;
            }
            Ok(notified)
        }

        /// The one-click link: acknowledges the step's role for the step's person, once, until the link expires.
        pub write fn acknowledge_by_token(pool, token: &str, at: OffsetDateTime) -> Result<Acknowledged> {
            let mut tx = pool.begin().await?;
            let step: Option<(Uuid, String, Uuid, Option<OffsetDateTime>)> =
                sqlx::query_as("SELECT callout_id, role, user_id, expires_at FROM callout_steps WHERE token_digest = $1")
                    .bind(callout::token_digest(token))
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((callout_id, role, user, expires)) = step else { return Err(not_found("acknowledgement link")) };
            if expires.is_none_or(|e| e <= at) {
                return Err(conflict("the acknowledgement link has expired: acknowledge in Kriseservice instead"));
            }
            let done = acknowledge_in(&mut tx, callout_id, &role, user, AckVia::Link, at).await?;
            tx.commit().await?;
            Ok(done)
        }

        /// Acknowledges in the app: the person must be in the role's chain and already notified.
        pub write fn acknowledge_in_app(pool, callout_id: Uuid, role: StaffRole, user: Uuid, at: OffsetDateTime) -> Result<Acknowledged> {
            let mut tx = pool.begin().await?;
            let notified: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM callout_steps WHERE callout_id = $1 AND role = $2 AND user_id = $3 AND notified_at IS NOT NULL)",
            )
            .bind(callout_id)
            .bind(role.as_str())
            .bind(user)
            .fetch_one(&mut *tx)
            .await?;
            if !notified {
                return Err(not_found("call-out of this role for you"));
            }
            let done = acknowledge_in(&mut tx, callout_id, role.as_str(), user, AckVia::App, at).await?;
            tx.commit().await?;
            Ok(done)
        }

        /// An SMS reply from `number` (`+45…`): acknowledges the latest unexpired step notified to
        /// a person with that verified mobile number whose role nobody acknowledged yet.
        pub write fn acknowledge_by_phone(pool, number: &str, at: OffsetDateTime) -> Result<Option<Acknowledged>> {
            let mut tx = pool.begin().await?;
            let step: Option<(Uuid, String, Uuid)> = sqlx::query_as(
                "SELECT s.callout_id, s.role, s.user_id FROM callout_steps s
                 JOIN contact_methods m ON m.user_id = s.user_id AND m.channel = 'sms' AND m.address = $1 AND m.verified_at IS NOT NULL
                 WHERE s.notified_at IS NOT NULL AND s.expires_at > $2 AND s.role <> $3
                   AND NOT EXISTS (SELECT 1 FROM callout_acks a WHERE a.callout_id = s.callout_id AND a.role = s.role)
                 ORDER BY s.notified_at DESC LIMIT 1",
            )
            .bind(number)
            .bind(at)
            .bind(SHIFT_CONTACT)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((callout_id, role, user)) = step else { return Ok(None) };
            let done = acknowledge_in(&mut tx, callout_id, &role, user, AckVia::Sms, at).await?;
            tx.commit().await?;
            Ok(Some(done))
        }

        /// Sends the staffing call to `recipients` on every method that reaches each, with a link
        /// to the shift bidding page; logged. In an exercise only the exercise's own roster is paged.
        pub write fn send_staffing_call(pool, incident_id: Uuid, recipients: &[(Uuid, String)], need: &str, link: &str, actor: &Actor, at: OffsetDateTime) -> Result<(Uuid, usize)> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let roster: Vec<Uuid> = roles_in(&mut *tx, incident_id).await?.iter().flat_map(|a| [&a.primary, &a.deputy]).flatten().map(|p| p.id).collect();
            let recipients: Vec<&(Uuid, String)> = recipients.iter().filter(|(u, _)| !incident.exercise || roster.contains(u)).collect();
            let id = Uuid::new_v4();
            sqlx::query("INSERT INTO callouts (id, incident_id, kind, message, exercise, started_at, started_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(incident_id)
                .bind(CalloutKind::Staffing.as_str())
                .bind(need)
                .bind(incident.exercise)
                .bind(at)
                .bind(&actor.name)
                .execute(&mut *tx)
                .await?;
            let stale = stale_after_in(&mut *tx).await?;
            let ids: Vec<Uuid> = recipients.iter().map(|(u, _)| *u).collect();
            let methods = methods_of(&mut tx, &ids).await?;
            let (subject, body) = callout::staffing_message(incident.exercise, &incident.title, need);
            for (n, (user, name)) in recipients.iter().enumerate() {
                sqlx::query("INSERT INTO callout_steps (callout_id, role, position, user_id, person_name, due_at, notified_at) VALUES ($1, $2, $3, $4, $5, $6, $6)")
                    .bind(id)
                    .bind(SHIFT_CONTACT)
                    .bind(n as i64)
                    .bind(user)
                    .bind(name)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                for m in methods.get(user).into_iter().flatten().filter(|m| m.reaches(at, stale)) {
                    let message = Message { channel: m.channel, address: m.address.clone(), subject: subject.clone(), body: body.clone(), link: Some(("Byd på vagterne".into(), link.to_string())) };
                    let outbox_id = enqueue(&mut tx, &message, None, at).await?;
                    sqlx::query("INSERT INTO callout_messages (callout_id, role, position, outbox_id) VALUES ($1, $2, $3, $4)")
                        .bind(id)
                        .bind(SHIFT_CONTACT)
                        .bind(n as i64)
                        .bind(outbox_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let mut events = Vec::new();
            append_in_tx(&mut tx, &incident, actor, narrative::staffing_call(recipients.len(), need), at, &mut events).await?;
            events.push(callout_event(&incident, id, None, CalloutChange::Started));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok((id, recipients.len()))
        }

        /// Every call-out of the incident, newest first, with each role's chain and messages.
        pub read fn callouts(pool, incident_id: Uuid) -> Result<Vec<callout::CalloutStatus>> {
            let heads: Vec<HeadRow> =
                sqlx::query_as("SELECT id, kind, message, exercise, started_at, started_by FROM callouts WHERE incident_id = $1 ORDER BY started_at DESC, id")
                    .bind(incident_id)
                    .fetch_all(pool)
                    .await?;
            let mut out = Vec::with_capacity(heads.len());
            for h in heads {
                let steps: Vec<StepRow> = sqlx::query_as(
                    "SELECT role, position, user_id, person_name, due_at, notified_at FROM callout_steps WHERE callout_id = $1 ORDER BY position",
                )
                .bind(h.id)
                .fetch_all(pool)
                .await?;
                let messages: Vec<MessageRow> = sqlx::query_as(
                    "SELECT m.role, m.position, o.channel, o.state, o.sent_at, o.delivered_at FROM callout_messages m JOIN outbox o ON o.id = m.outbox_id
                     WHERE m.callout_id = $1 ORDER BY o.id",
                )
                .bind(h.id)
                .fetch_all(pool)
                .await?;
                let acks: Vec<AckRow> =
                    sqlx::query_as("SELECT role, user_id, person_name, via, at FROM callout_acks WHERE callout_id = $1").bind(h.id).fetch_all(pool).await?;
                out.push(callout::CalloutStatus {
                    id: h.id,
                    incident_id,
                    kind: h.kind.parse().map_err(corrupt)?,
                    message: h.message,
                    exercise: h.exercise,
                    started_at: h.started_at,
                    started_by: h.started_by,
                    roles: group(steps, messages, acks)?,
                });
            }
            Ok(out)
        }
    }
}
