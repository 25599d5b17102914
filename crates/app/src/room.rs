//! Read models of one incident: the crisis room page, the incident as the API shows it, and the
//! printed log. Each is read in one call, its parts at once.

use crate::{App, Result};
use domain::calls::CallInterval;
use domain::checklist::{ActionCard, ChecklistItem};
use domain::feedback::FeedbackCounts;
use domain::guide::{Freshness, Version};
use domain::incident::{Incident, Status};
use domain::log::{GENESIS, LogEntry, Verification};
use domain::org::Organisation;
use domain::role::Assignment;
use domain::user::User;
use domain::{Actor, Permission};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// Everything the crisis room shows. Parts the actor may not use are empty.
pub struct CrisisRoom {
    /// The newest event when the room was read: its live stream resumes after this.
    pub last_event: i64,
    pub incident: Incident,
    pub roles: Vec<Assignment>,
    pub checklist: Vec<ChecklistItem>,
    pub cards: Vec<(Uuid, ActionCard)>,
    pub log: Vec<LogEntry>,
    pub verification: Verification,
    /// Who can be given a crisis role (for those who assign roles).
    pub staff: Vec<User>,
    /// The action cards that fit the crisis's kind (for those who attach them).
    pub all_cards: Vec<(Uuid, ActionCard)>,
    pub latest: Option<Version>,
    pub freshness: Option<Freshness>,
    pub feedback: FeedbackCounts,
    /// Calls per interval (for those who see staffing).
    pub calls: Vec<CallInterval>,
    pub organisations: Vec<Organisation>,
    /// The call-outs, newest first (for those who see them).
    pub callouts: Vec<domain::callout::CalloutStatus>,
}

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// An incident with its crisis staff, checklist progress, feedback and guide freshness.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentView {
    #[serde(flatten)]
    pub incident: Incident,
    pub roles: Vec<Assignment>,
    pub checklist: Progress,
    pub next_status: Option<Status>,
    pub feedback: FeedbackCounts,
    pub guide: Option<Freshness>,
}

/// The log as printed, with who held the roles.
pub struct PrintedLog {
    pub incident: Incident,
    pub log: Vec<LogEntry>,
    pub roles: Vec<Assignment>,
    pub organisations: Vec<Organisation>,
}

impl App {
    pub async fn crisis_room(&self, actor: &Actor, id: Uuid) -> Result<CrisisRoom> {
        // Read first: the live stream resumes after this, so nothing committed while the page
        // renders is missed.
        let last_event = self.store.last_event_seq().await?;
        // The room shows the official log.
        let incident = self.incident(actor, id, Permission::ReadLog).await?;
        let may = |p: Permission| actor.may(p).is_ok();
        let s = &self.store;
        let (roles, checklist, cards, (log, head), latest, freshness, feedback, organisations) = tokio::try_join!(
            s.roles(id),
            s.checklist(id),
            s.incident_cards(id),
            s.log_with_head(id),
            s.guide_version(id, None),
            s.guide_freshness(id),
            s.feedback_counts(id),
            s.organisations(),
        )?;
        let verification = self.verified.check(id, &log, head);
        let staff = match may(Permission::AssignRoles) {
            true => s.users().await?.into_iter().filter(|u| u.active && u.role.is_crisis_staff()).collect(),
            false => Vec::new(),
        };
        // Offered: the cards for this kind of crisis and the general ones.
        let all_cards = match may(Permission::AttachActionCard) {
            true => s.action_cards().await?.into_iter().filter(|(_, c)| c.fits(incident.kind)).collect(),
            false => Vec::new(),
        };
        let calls = if may(Permission::ViewStaffing) { s.call_intervals(id).await? } else { Vec::new() };
        let callouts = if may(Permission::ViewCallout) { s.callouts(id).await? } else { Vec::new() };
        Ok(CrisisRoom {
            last_event,
            incident,
            roles,
            checklist,
            cards,
            log,
            verification,
            staff,
            all_cards,
            latest,
            freshness,
            feedback,
            calls,
            organisations,
            callouts,
        })
    }

    pub async fn incident_view(&self, actor: &Actor, id: Uuid) -> Result<IncidentView> {
        let incident = self.incident(actor, id, Permission::ViewIncidents).await?;
        let s = &self.store;
        let (roles, checklist, feedback, guide) =
            tokio::try_join!(s.roles(id), s.checklist(id), s.feedback_counts(id), s.guide_freshness(id))?;
        let (done, total) = domain::checklist::progress(&checklist);
        let next_status = incident.status.next();
        Ok(IncidentView { incident, roles, checklist: Progress { done, total }, next_status, feedback, guide })
    }

    pub async fn printed_log(&self, actor: &Actor, id: Uuid) -> Result<PrintedLog> {
        let incident = self.incident(actor, id, Permission::ReadLog).await?;
        let s = &self.store;
        let (log, roles, organisations) = tokio::try_join!(s.log(id), s.roles(id), s.organisations())?;
        Ok(PrintedLog { incident, log, roles, organisations })
    }
}

/// How far each incident's log has been verified by a view: `(seq, hash)` of the last entry that
/// checked out against the head the incident records. The log is append-only, so a view needs to
/// hash only the entries after it; `verify-log` and `GET …/log/verify` still check the whole chain.
#[derive(Default)]
pub(crate) struct VerifiedHeads(Mutex<HashMap<Uuid, (i64, String)>>);

impl VerifiedHeads {
    /// Verifies `log` against the recorded `head`, from where the last view left off when that
    /// entry is still the one it verified.
    pub(crate) fn check(&self, incident: Uuid, log: &[LogEntry], head: Option<(i64, String)>) -> Verification {
        let known = self.0.lock().expect("verified heads lock").get(&incident).cloned();
        let v = verify_since(known.as_ref().map(|(seq, hash)| (*seq, hash.as_str())), log, head.as_ref().map(|(s, h)| (*s, h.as_str())));
        let mut all = self.0.lock().expect("verified heads lock");
        match (&v.valid, head) {
            (true, Some(head)) => all.insert(incident, head),
            _ => all.remove(&incident),
        };
        v
    }
}

/// The log verified against `head` from `known` (an entry verified before), or from the start
/// when that entry is no longer the one at its place.
fn verify_since(known: Option<(i64, &str)>, log: &[LogEntry], head: Option<(i64, &str)>) -> Verification {
    let (head_seq, head_hash) = head.unwrap_or((0, GENESIS));
    let at = |seq: i64| usize::try_from(seq).ok().filter(|&n| n >= 1 && n <= log.len()).map(|n| &log[n - 1]);
    let from = known.filter(|&(seq, hash)| at(seq).is_some_and(|e| e.seq == seq && e.hash == hash));
    match from {
        Some((seq, hash)) => domain::log::verify_to_head_from((seq, hash), &log[seq as usize..], head_seq, head_hash),
        None => domain::log::verify_to_head(log, head_seq, head_hash),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::log::{Author, LogCategory, NewLogEntry};

    fn chain(n: usize) -> Vec<LogEntry> {
        let author = Author { user_id: Uuid::nil(), name: "Lise".into(), role: domain::Role::LogKeeper, org: "DDH".into() };
        let at = time::macros::datetime!(2026-11-23 12:00 UTC);
        let mut out: Vec<LogEntry> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
            let entry = NewLogEntry { category: LogCategory::Information, text: format!("nr. {i}"), corrects: None };
            out.push(LogEntry::seal(Uuid::nil(), prev, at, author.clone(), entry));
        }
        out
    }

    fn head(log: &[LogEntry]) -> Option<(i64, String)> {
        log.last().map(|e| (e.seq, e.hash.clone()))
    }

    #[test]
    fn a_view_checks_only_what_is_new_since_the_last() {
        let heads = VerifiedHeads::default();
        let id = Uuid::from_u128(1);
        let mut log = chain(5);
        assert!(heads.check(id, &log, head(&log)).valid);
        // An entry the last view verified is not hashed again; a new one is.
        log[1].text.push('!');
        let mut longer = log.clone();
        longer.extend(chain(7).split_off(5).into_iter().map(|mut e| {
            e.text.push('?');
            e
        }));
        let v = heads.check(id, &longer, head(&longer));
        assert!(!v.valid && v.first_invalid == Some(6), "the new entry 6 does not hold: {v:?}");
        // Once a view failed, the next one starts from the beginning and finds the old change too.
        let v = heads.check(id, &log, head(&log));
        assert_eq!(v.first_invalid, Some(2), "{v:?}");
    }

    #[test]
    fn a_changed_verified_entry_starts_the_check_from_the_beginning() {
        let log = chain(4);
        let known = (log[2].seq, "not the hash it had");
        let mut tampered = log.clone();
        tampered[0].text.push('!');
        assert_eq!(verify_since(Some(known), &tampered, head(&tampered).as_ref().map(|(s, h)| (*s, h.as_str()))).first_invalid, Some(1));
        assert!(verify_since(Some((log[2].seq, &log[2].hash)), &log, head(&log).as_ref().map(|(s, h)| (*s, h.as_str()))).valid);
    }

    #[test]
    fn entries_cut_off_the_end_are_found_against_the_head() {
        let heads = VerifiedHeads::default();
        let log = chain(4);
        assert!(heads.check(Uuid::nil(), &log, head(&log)).valid);
        let v = heads.check(Uuid::nil(), &log[..2], head(&log));
        assert_eq!(v.first_invalid, Some(3), "{v:?}");
    }
}
