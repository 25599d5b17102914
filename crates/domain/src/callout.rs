//! Calling out the crisis staff: the contact methods people have verified, when a method goes
//! stale, who can be reached, and the escalation chain a call-out follows (primary, deputy, then
//! the crisis leader, repeated), fixed when the call-out starts.

use crate::role::StaffRole;
use crate::word_enum;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

word_enum!(
    /// A channel a person can be reached on.
    ContactChannel, "contact channel" {
        Email = "email",
        Sms = "sms",
        Teams = "teams",
    }
);

/// A method goes stale this long after it was last verified, unless the secretariat sets another.
pub const DEFAULT_STALE_AFTER_DAYS: i64 = 90;
/// The person is reminded this long before a method goes stale.
pub const REMIND_BEFORE_DAYS: i64 = 14;
/// How long a step of the chain waits for an acknowledgement before the next, by default.
pub const DEFAULT_WAIT_MINUTES: i64 = 5;
/// How many times the chain is run through before the call-out gives up, by default.
pub const DEFAULT_ROUNDS: u32 = 2;
/// Every outbound text of an exercise starts with this, so nobody mistakes it for a real crisis.
pub const EXERCISE_PREFIX: &str = "ØVELSE";

/// One way to reach a person, and when it was last shown to work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactMethod {
    pub channel: ContactChannel,
    /// An e-mail address, a mobile number or a Teams webhook.
    pub address: String,
    pub verified_at: Option<OffsetDateTime>,
}

word_enum!(
    /// How a method stands today (`remind_soon`: verified, but going stale within
    /// [`REMIND_BEFORE_DAYS`], so the person is reminded).
    Standing, "standing" {
        Unverified = "unverified",
        Verified = "verified",
        RemindSoon = "remind_soon",
        Stale = "stale",
    }
);

impl ContactMethod {
    pub fn standing(&self, now: OffsetDateTime, stale_after_days: i64) -> Standing {
        let Some(at) = self.verified_at else { return Standing::Unverified };
        let stale_at = at + Duration::days(stale_after_days);
        if now >= stale_at {
            Standing::Stale
        } else if now >= stale_at - Duration::days(REMIND_BEFORE_DAYS) {
            Standing::RemindSoon
        } else {
            Standing::Verified
        }
    }

    /// Whether a call-out may rely on this method today.
    pub fn reaches(&self, now: OffsetDateTime, stale_after_days: i64) -> bool {
        matches!(self.standing(now, stale_after_days), Standing::Verified | Standing::RemindSoon)
    }
}

/// Whether any of a person's methods reaches them today.
pub fn reachable(methods: &[ContactMethod], now: OffsetDateTime, stale_after_days: i64) -> bool {
    methods.iter().any(|m| m.reaches(now, stale_after_days))
}

/// A role is at risk (the readiness view's red line) when neither its primary nor its deputy can
/// be reached by a verified method. A missing person reaches nobody.
pub fn at_risk(primary: Option<&[ContactMethod]>, deputy: Option<&[ContactMethod]>, now: OffsetDateTime, stale_after_days: i64) -> bool {
    ![primary, deputy].into_iter().flatten().any(|m| reachable(m, now, stale_after_days))
}

impl ContactMethod {
    /// When a verified method goes stale.
    pub fn stale_at(&self, stale_after_days: i64) -> Option<OffsetDateTime> {
        self.verified_at.map(|at| at + Duration::days(stale_after_days))
    }

    /// Whether the person is to be reminded now: the method goes stale soon (or has) and they
    /// were not reminded since it was last verified.
    pub fn needs_reminder(&self, reminded_at: Option<OffsetDateTime>, now: OffsetDateTime, stale_after_days: i64) -> bool {
        let soon = matches!(self.standing(now, stale_after_days), Standing::RemindSoon | Standing::Stale);
        soon && self.verified_at.is_some_and(|v| reminded_at.is_none_or(|r| r < v))
    }
}

/// The readiness view: for each crisis role of the standing roster, its primary and deputy, how
/// each can be reached, and whether neither can (`at_risk`, the red line).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub stale_after_days: i64,
    pub roles: Vec<RoleReadiness>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RoleReadiness {
    pub role: StaffRole,
    pub primary: Option<PersonReadiness>,
    pub deputy: Option<PersonReadiness>,
    pub at_risk: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PersonReadiness {
    pub user_id: Uuid,
    pub name: String,
    pub org: String,
    /// Whether a verified method reaches the person today.
    pub reachable: bool,
    pub methods: Vec<MethodReadiness>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MethodReadiness {
    pub channel: ContactChannel,
    pub address: String,
    pub standing: Standing,
    #[serde(with = "time::serde::rfc3339::option")]
    pub verified_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub stale_at: Option<OffsetDateTime>,
}

/// A person in a role, with their methods.
pub type Slot = (crate::user::Person, Vec<ContactMethod>);

impl Readiness {
    /// The view of the roster `(role, primary, deputy)`, each person with their methods.
    pub fn of(roster: Vec<(StaffRole, Option<Slot>, Option<Slot>)>, now: OffsetDateTime, stale_after_days: i64) -> Readiness {
        let person = |slot: Option<Slot>| {
            slot.map(|(p, methods)| PersonReadiness {
                user_id: p.id,
                name: p.name,
                org: p.org,
                reachable: reachable(&methods, now, stale_after_days),
                methods: methods
                    .iter()
                    .map(|m| MethodReadiness {
                        channel: m.channel,
                        address: m.address.clone(),
                        standing: m.standing(now, stale_after_days),
                        verified_at: m.verified_at,
                        stale_at: m.stale_at(stale_after_days),
                    })
                    .collect(),
            })
        };
        let roles = roster
            .into_iter()
            .map(|(role, primary, deputy)| {
                let at_risk =
                    at_risk(primary.as_ref().map(|(_, m)| m.as_slice()), deputy.as_ref().map(|(_, m)| m.as_slice()), now, stale_after_days);
                RoleReadiness { role, primary: person(primary), deputy: person(deputy), at_risk }
            })
            .collect();
        Readiness { stale_after_days, roles }
    }
}

/// The periods the secretariat may set before a verified method goes stale.
pub const STALE_AFTER_DAYS_RANGE: std::ops::RangeInclusive<i64> = 14..=730;

/// A stale period the secretariat may set.
pub fn check_stale_after_days(days: i64) -> Result<i64, crate::DomainError> {
    let r = STALE_AFTER_DAYS_RANGE;
    if r.contains(&days) {
        Ok(days)
    } else {
        Err(crate::DomainError::invalid_coded(
            "stale_after_days",
            crate::error::code::NUMBER,
            format!("must be from {} to {} days", r.start(), r.end()),
        ))
    }
}

/// How a role's call-out escalates: who waits how long, and how many rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub wait: Duration,
    pub rounds: u32,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy { wait: Duration::minutes(DEFAULT_WAIT_MINUTES), rounds: DEFAULT_ROUNDS }
    }
}

/// A step may wait from a second (exercises and tests run a chain through quickly) to two hours.
pub const WAIT_SECONDS_RANGE: std::ops::RangeInclusive<i64> = 1..=7200;
/// A chain is run through once to five times.
pub const ROUNDS_RANGE: std::ops::RangeInclusive<u32> = 1..=5;

impl Policy {
    pub fn check(self) -> Result<Policy, crate::DomainError> {
        let mut p = crate::error::Problems::default();
        let (w, r) = (WAIT_SECONDS_RANGE, ROUNDS_RANGE);
        if !w.contains(&self.wait.whole_seconds()) {
            p.add_coded("wait_seconds", crate::error::code::NUMBER, format!("must be from {} to {} seconds", w.start(), w.end()));
        }
        if !r.contains(&self.rounds) {
            p.add_coded("rounds", crate::error::code::NUMBER, format!("must be from {} to {}", r.start(), r.end()));
        }
        p.into_result().map(|()| self)
    }
}

/// One step of a chain: whom to notify, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub person: Uuid,
    pub at: OffsetDateTime,
}

/// A role's chain, fixed when the call-out starts: a roster change afterwards does not reroute it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub role: StaffRole,
    pub steps: Vec<Step>,
}

impl Chain {
    /// The primary, the deputy, then the crisis leader (the whole call-out's escalation point),
    /// each after the one before has had `wait` to acknowledge, for `rounds` rounds. A person
    /// missing is skipped, and nobody is asked twice in a row.
    pub fn plan(
        role: StaffRole,
        primary: Option<Uuid>,
        deputy: Option<Uuid>,
        leader: Option<Uuid>,
        policy: Policy,
        start: OffsetDateTime,
    ) -> Chain {
        let round: Vec<Uuid> = [primary, deputy, leader].into_iter().flatten().collect();
        let mut people: Vec<Uuid> = Vec::new();
        for p in (0..policy.rounds.max(1)).flat_map(|_| round.iter().copied()) {
            if people.last() != Some(&p) {
                people.push(p);
            }
        }
        // With one person only, the rounds are that person asked again after each wait.
        if round.len() == 1 {
            people = vec![round[0]; policy.rounds.max(1) as usize];
        }
        let steps = people.into_iter().enumerate().map(|(n, person)| Step { person, at: start + policy.wait * n as i32 }).collect();
        Chain { role, steps }
    }

    /// The steps due by `now` that have not been sent (the first `sent` have), unless the role
    /// was acknowledged: an acknowledgement stops the chain.
    pub fn due(&self, sent: usize, acknowledged: bool, now: OffsetDateTime) -> &[Step] {
        if acknowledged {
            return &[];
        }
        let due = self.steps.iter().take_while(|s| s.at <= now).count();
        &self.steps[sent.min(due)..due]
    }

    /// When the chain has nobody left to ask: after its last step's wait.
    pub fn exhausted_at(&self, policy: Policy) -> Option<OffsetDateTime> {
        self.steps.last().map(|s| s.at + policy.wait)
    }
}

/// A message as the outbox queues it, for one channel and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub channel: ContactChannel,
    /// An e-mail address, a mobile number (`+45…`) or a Teams team's name or webhook.
    pub address: String,
    pub subject: String,
    pub body: String,
    /// A button or link: its label and a path on the service, made absolute when sent.
    pub link: Option<(String, String)>,
}

/// An acknowledgement link lasts this long after its message went.
pub const LINK_LIFETIME: Duration = Duration::hours(24);
/// The word a person texts back to acknowledge by SMS (any case; "OK" too).
pub const SMS_KEYWORD: &str = "KVITTER";

/// What is kept of an acknowledgement token: its SHA-256, hex. The token itself is only in the
/// message that carried it.
pub fn token_digest(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A Danish mobile number as SMS methods keep it, `+4512345678`: from "12 34 56 78",
/// "+45 1234 5678", "004512345678" or "4512345678" (as gateways write a sender).
pub fn mobile_e164(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let national = digits.strip_prefix("+45").or_else(|| digits.strip_prefix("0045")).unwrap_or(&digits);
    let national = if national.len() == 10 { national.strip_prefix("45").unwrap_or(national) } else { national };
    let ok = national.len() == 8 && national.bytes().all(|b| b.is_ascii_digit()) && !national.starts_with('0');
    ok.then(|| format!("+45{national}"))
}

/// Whether an inbound SMS says "acknowledged": the keyword, or "OK", alone but for spaces and a full stop.
pub fn is_acknowledgement(text: &str) -> bool {
    let word = text.trim().trim_end_matches(['.', '!']).trim();
    word.eq_ignore_ascii_case(SMS_KEYWORD) || word.eq_ignore_ascii_case("ok")
}

/// A verification code lasts this long and may be typed in this many times; the link in the same
/// message lasts longer, since it may wait in an inbox.
pub const CODE_LIFETIME: Duration = Duration::minutes(30);
pub const CODE_TRIES: i64 = 5;
pub const VERIFY_LINK_LIFETIME: Duration = Duration::days(7);

/// A method's address as it is kept: an e-mail address in lower case, a Danish mobile number as
/// `+45…`, a Teams team's name (the webhook it posts to is the server's setting, not personal data).
pub fn checked_address(channel: ContactChannel, raw: &str) -> Result<String, crate::DomainError> {
    let raw = raw.trim();
    let bad = |m: &str| Err(crate::DomainError::invalid("address", m));
    match channel {
        ContactChannel::Email => {
            let ok = raw.len() <= 254
                && raw.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !raw.contains(char::is_whitespace));
            if ok { Ok(raw.to_lowercase()) } else { bad("an e-mail address, e.g. navn@kommune.dk") }
        }
        ContactChannel::Sms => mobile_e164(raw).map_or_else(|| bad("a Danish mobile number of 8 digits, e.g. 20 12 34 56"), Ok),
        ContactChannel::Teams => {
            let ok = !raw.is_empty() && raw.len() <= 64 && raw.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'));
            if ok { Ok(raw.to_string()) } else { bad("the team's name as the server's --teams-webhook setting gives it, e.g. staben") }
        }
    }
}

/// The message that asks a person to show that a method works: a code to type in and a link.
/// `stale_on` is given when it is a reminder before the method goes stale.
pub fn verification_message(method: &ContactMethod, code: &str, token: &str, stale_on: Option<OffsetDateTime>) -> Message {
    let subject = match stale_on {
        Some(_) => "Bekræft din kontaktmetode til krisestaben".to_string(),
        None => "Din kode til kontaktmetoden".to_string(),
    };
    let mut body = String::new();
    if let Some(day) = stale_on {
        body.push_str(&format!("Din kontaktmetode til udkald i krisestaben skal bekræftes inden {}. ", crate::time::format_danish(day)));
    }
    body.push_str(&format!("Din kode er {code}. Den gælder i 30 minutter. Eller bekræft med linket."));
    Message {
        channel: method.channel,
        address: method.address.clone(),
        subject,
        body,
        link: Some(("Bekræft kontaktmetoden".into(), format!("/bekraeft/{token}"))),
    }
}

word_enum!(
    /// How a call-out came about: the crisis staff's, or a staffing call to the shift contacts.
    CalloutKind, "call-out kind" {
        Staff = "staff",
        Staffing = "staffing",
    }
);

word_enum!(
    /// Where an outbound message stands (`unknown`: it may have gone, a gateway timed out; it is not sent again).
    DeliveryState, "delivery state" {
        Queued = "queued",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
        Unknown = "unknown",
        Delivered = "delivered",
        Undelivered = "undelivered",
    }
);

word_enum!(
    /// How an acknowledgement came in.
    AckVia, "acknowledgement channel" {
        Link = "link",
        App = "app",
        Sms = "sms",
    }
);

/// The message a person in a crisis role gets when called out. `note` is what the one who
/// started the call-out added.
pub fn staff_message(exercise: bool, title: &str, role: StaffRole, note: &str) -> (String, String) {
    let role = crate::narrative::staff_role_da(role);
    let subject = outbound(exercise, &format!("Udkald: {title}"));
    let mut body = outbound(exercise, &format!("Du kaldes ud som {} i krisen »{title}«.", role.to_lowercase()));
    if !note.trim().is_empty() {
        body.push(' ');
        body.push_str(note.trim());
    }
    body.push_str(" Kvittér med linket, så ved krisestaben, at du har set det.");
    (subject, body)
}

/// The staffing call to a member municipality's shift contact.
pub fn staffing_message(exercise: bool, title: &str, need: &str) -> (String, String) {
    let subject = outbound(exercise, &format!("Bemandingskald: {title}"));
    let body = outbound(exercise, &format!("Krisen »{title}« har brug for agenter: {need}. Byd ind på vagterne med linket."));
    (subject, body)
}

/// A call-out as the crisis room and the API show it: per role, who was notified on which
/// channel, when, whether it was delivered, and who acknowledged when. No addresses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CalloutStatus {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub kind: CalloutKind,
    /// What the one who started it added (a staffing call: what is needed).
    pub message: String,
    pub exercise: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    pub started_by: String,
    pub roles: Vec<RoleCallout>,
}

/// One role's chain in a call-out (a staffing call has one, without a role).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RoleCallout {
    pub role: Option<StaffRole>,
    pub acknowledged: Option<Acknowledgement>,
    pub steps: Vec<StepStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Acknowledgement {
    pub user_id: Uuid,
    pub name: String,
    pub via: AckVia,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// One step of a chain: the person, when they were due, and what was sent to them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StepStatus {
    pub position: u32,
    pub user_id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub notified_at: Option<OffsetDateTime>,
    pub messages: Vec<MessageStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MessageStatus {
    pub channel: ContactChannel,
    pub state: DeliveryState,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
}

impl RoleCallout {
    /// Nobody left to ask and nobody acknowledged.
    pub fn unanswered(&self, now: OffsetDateTime, wait: Duration) -> bool {
        self.acknowledged.is_none() && self.steps.last().is_some_and(|s| s.notified_at.is_some_and(|t| now >= t + wait))
    }
}

/// A text as it goes out: an exercise's starts with [`EXERCISE_PREFIX`].
pub fn outbound(exercise: bool, text: &str) -> String {
    if exercise && !text.starts_with(EXERCISE_PREFIX) { format!("{EXERCISE_PREFIX}: {text}") } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-02 06:00 UTC);

    #[test]
    fn addresses_are_kept_in_one_form_and_bad_ones_say_what_is_expected() {
        assert_eq!(checked_address(ContactChannel::Email, " Leder@Kommune.DK ").unwrap(), "leder@kommune.dk");
        assert_eq!(checked_address(ContactChannel::Sms, "20 12 34 56").unwrap(), "+4520123456");
        assert_eq!(checked_address(ContactChannel::Teams, "staben").unwrap(), "staben");
        for (channel, bad) in [
            (ContactChannel::Email, "leder"),
            (ContactChannel::Email, "a b@c.dk"),
            (ContactChannel::Sms, "1234"),
            (ContactChannel::Teams, "https://x/y"),
        ] {
            let e = checked_address(channel, bad).unwrap_err().to_string();
            assert!(e.starts_with("address: "), "{bad}: {e}");
        }
    }

    #[test]
    fn a_verification_message_carries_the_code_and_the_link_and_a_reminder_says_by_when() {
        let m = method(Some(80));
        let plain = verification_message(&m, "123456", "tok", None);
        assert!(plain.body.contains("123456"), "{}", plain.body);
        assert_eq!(plain.link.as_ref().map(|(_, p)| p.as_str()), Some("/bekraeft/tok"));
        assert_eq!((plain.channel, plain.address.as_str()), (ContactChannel::Email, "a@b.invalid"));
        let reminder = verification_message(&m, "123456", "tok", Some(NOW + Duration::days(10)));
        assert!(reminder.body.contains("inden 12.12.2026"), "{}", reminder.body);
        assert_ne!(plain.subject, reminder.subject);
    }

    fn method(days_ago: Option<i64>) -> ContactMethod {
        ContactMethod {
            channel: ContactChannel::Email,
            address: "a@b.invalid".into(),
            verified_at: days_ago.map(|d| NOW - Duration::days(d)),
        }
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn a_method_is_verified_then_reminded_then_stale() {
        assert_eq!(method(None).standing(NOW, 90), Standing::Unverified);
        assert_eq!(method(Some(10)).standing(NOW, 90), Standing::Verified);
        assert_eq!(method(Some(80)).standing(NOW, 90), Standing::RemindSoon);
        assert_eq!(method(Some(90)).standing(NOW, 90), Standing::Stale);
        assert!(method(Some(80)).reaches(NOW, 90) && !method(Some(91)).reaches(NOW, 90) && !method(None).reaches(NOW, 90));
        assert_eq!(method(Some(20)).standing(NOW, 30), Standing::RemindSoon, "the secretariat's period counts");
    }

    #[test]
    fn a_policy_waits_a_second_to_two_hours_for_one_to_five_rounds() {
        assert!(Policy::default().check().is_ok());
        assert!(Policy { wait: Duration::seconds(1), rounds: 5 }.check().is_ok());
        assert!(Policy { wait: Duration::ZERO, rounds: 2 }.check().is_err());
        assert!(Policy { wait: Duration::hours(3), rounds: 2 }.check().is_err());
        assert!(Policy { wait: Duration::minutes(5), rounds: 0 }.check().is_err());
    }

    #[test]
    fn mobile_numbers_are_kept_as_plus_45() {
        for raw in ["12 34 56 78", "+45 1234 5678", "004512345678", "4512345678", "+4512345678"] {
            assert_eq!(mobile_e164(raw).as_deref(), Some("+4512345678"), "{raw}");
        }
        assert_eq!(mobile_e164("112"), None);
        assert_eq!(mobile_e164("02345678"), None);
        assert_eq!(mobile_e164("+46 12345678"), None);
    }

    #[test]
    fn a_reply_acknowledges_with_the_keyword_or_ok() {
        assert!(is_acknowledgement("kvitter") && is_acknowledgement(" OK. ") && is_acknowledgement("Kvitter!"));
        assert!(!is_acknowledgement("ok, men jeg kan først om en time") && !is_acknowledgement(""));
    }

    #[test]
    fn an_exercise_message_says_so_first() {
        let (subject, body) = staff_message(true, "Strømafbrydelse", StaffRole::LogKeeper, "Mød på Teams kl. 7.");
        assert!(subject.starts_with("ØVELSE: Udkald") && body.starts_with("ØVELSE: Du kaldes ud som logfører"), "{subject} {body}");
        assert!(body.contains("Mød på Teams kl. 7."));
        let (subject, body) = staffing_message(false, "Strømafbrydelse", "12 agenter 14.00–22.00");
        assert!(!subject.contains(EXERCISE_PREFIX) && body.contains("12 agenter 14.00–22.00"));
        assert_eq!(token_digest("abc").len(), 64);
    }

    #[test]
    fn a_reminder_goes_once_per_verification_before_the_method_goes_stale() {
        let soon = method(Some(80));
        assert!(soon.needs_reminder(None, NOW, 90));
        assert!(!soon.needs_reminder(Some(NOW - Duration::days(1)), NOW, 90), "already reminded since it was verified");
        assert!(soon.needs_reminder(Some(NOW - Duration::days(85)), NOW, 90), "the last reminder was for an earlier verification");
        assert!(!method(Some(10)).needs_reminder(None, NOW, 90));
        assert!(!method(None).needs_reminder(None, NOW, 90), "an unverified method is not reminded of");
    }

    #[test]
    fn the_readiness_view_draws_the_red_line_where_nobody_can_be_reached() {
        let who = |name: &str| crate::user::Person {
            id: Uuid::new_v4(),
            name: name.into(),
            email: format!("{name}@k.invalid"),
            org: "DDH".into(),
        };
        let view = Readiness::of(
            vec![
                (StaffRole::CrisisLeader, Some((who("a"), vec![method(Some(1))])), Some((who("b"), vec![method(Some(120))]))),
                (StaffRole::LogKeeper, Some((who("c"), vec![method(None)])), Some((who("d"), vec![method(Some(120))]))),
                (StaffRole::ProcessLead, None, None),
            ],
            NOW,
            90,
        );
        let risk: Vec<bool> = view.roles.iter().map(|r| r.at_risk).collect();
        assert_eq!(risk, [false, true, true]);
        let deputy = view.roles[0].deputy.as_ref().unwrap();
        assert!(!deputy.reachable);
        assert_eq!(deputy.methods[0].standing, Standing::Stale);
        assert_eq!(deputy.methods[0].stale_at, Some(NOW - Duration::days(30)));
    }

    #[test]
    fn a_role_is_at_risk_when_neither_primary_nor_deputy_can_be_reached() {
        let (good, stale) = (vec![method(Some(1))], vec![method(Some(120)), method(None)]);
        assert!(!at_risk(Some(&good), Some(&stale), NOW, 90));
        assert!(!at_risk(None, Some(&good), NOW, 90));
        assert!(at_risk(Some(&stale), Some(&stale), NOW, 90));
        assert!(at_risk(Some(&stale), None, NOW, 90), "a missing deputy reaches nobody");
    }

    #[test]
    fn the_chain_escalates_to_the_deputy_then_the_leader_and_repeats() {
        let policy = Policy::default();
        let c = Chain::plan(StaffRole::LogKeeper, Some(id(1)), Some(id(2)), Some(id(9)), policy, NOW);
        let who: Vec<u128> = c.steps.iter().map(|s| s.person.as_u128()).collect();
        assert_eq!(who, [1, 2, 9, 1, 2, 9]);
        assert_eq!(c.steps[1].at, NOW + Duration::minutes(5));
        assert_eq!(c.exhausted_at(policy), Some(NOW + Duration::minutes(30)));
        // The crisis leader's own chain does not ask the leader twice in a row.
        let leader = Chain::plan(StaffRole::CrisisLeader, Some(id(9)), Some(id(3)), Some(id(9)), policy, NOW);
        let who: Vec<u128> = leader.steps.iter().map(|s| s.person.as_u128()).collect();
        assert_eq!(who, [9, 3, 9, 3, 9]);
        let alone = Chain::plan(StaffRole::ProcessLead, Some(id(4)), None, None, Policy { rounds: 3, ..policy }, NOW);
        assert_eq!(alone.steps.len(), 3, "one person is asked again after each wait");
    }

    #[test]
    fn due_steps_follow_the_clock_and_an_acknowledgement_stops_the_chain() {
        let c = Chain::plan(StaffRole::LogKeeper, Some(id(1)), Some(id(2)), Some(id(9)), Policy::default(), NOW);
        assert_eq!(c.due(0, false, NOW).len(), 1, "the primary at once");
        assert!(c.due(1, false, NOW + Duration::minutes(4)).is_empty(), "the deputy waits");
        assert_eq!(c.due(1, false, NOW + Duration::minutes(5))[0].person, id(2));
        assert_eq!(c.due(1, false, NOW + Duration::minutes(11)).len(), 2, "a late tick sends what is due, in order");
        assert!(c.due(1, true, NOW + Duration::minutes(11)).is_empty());
        assert!(c.due(9, false, NOW + Duration::hours(1)).is_empty(), "nothing is sent twice");
    }

    #[test]
    fn an_exercise_says_so_first_in_every_text() {
        assert_eq!(outbound(true, "Krisestaben kaldes ind"), "ØVELSE: Krisestaben kaldes ind");
        assert_eq!(outbound(true, "ØVELSE: allerede mærket"), "ØVELSE: allerede mærket");
        assert_eq!(outbound(false, "Krisestaben kaldes ind"), "Krisestaben kaldes ind");
    }
}
