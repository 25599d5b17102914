//! The KPIs (issue 17): "when has the crisis service been a success?", computed from the record
//! of one incident: its status times, the guide's versions, the call-out's acknowledgements, the
//! checklist, the call statistics, what citizens asked, the callbacks, the feedback and the shift
//! plan. Each has a target the secretariat sets. An exercise is never measured.

use crate::calls::CallInterval;
use crate::error::Problems;
use crate::{DomainError, word_enum};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

word_enum!(
    /// Which KPI.
    KpiKey, "KPI" {
        TimeToActive = "time_to_active_s",
        TimeToFirstGuide = "time_to_first_guide_s",
        TimeToRolesAcknowledged = "time_to_roles_acknowledged_s",
        TimeToIvrRouted = "time_to_ivr_routed_s",
        GuideFreshShare = "guide_fresh_share",
        GuideOverduePeriods = "guide_overdue_periods",
        ServiceLevel = "service_level",
        Abandonment = "abandonment",
        AnsweredCalls = "answered_calls",
        Inquiries = "inquiries",
        NotCoveredShare = "not_covered_share",
        CallbacksOnTime = "callbacks_on_time_share",
        FeedbackResolution = "feedback_resolution_s",
        ChatHandoverRate = "chat_handover_rate",
        AgentHours = "agent_hours",
    }
);

word_enum!(
    Unit, "unit" {
        Seconds = "seconds",
        Share = "share",
        Count = "count",
        Hours = "hours",
    }
);

impl KpiKey {
    /// Its label, as the crisis room and the report write it.
    pub fn label(self) -> &'static str {
        match self {
            KpiKey::TimeToActive => "Tid fra oprettelse til aktiv",
            KpiKey::TimeToFirstGuide => "Tid til første offentliggjorte guide",
            KpiKey::TimeToRolesAcknowledged => "Tid til alle fire roller har kvitteret",
            KpiKey::TimeToIvrRouted => "Tid til myndighedens IVR er omstillet",
            KpiKey::GuideFreshShare => "Andel af krisen med en opdateret guide",
            KpiKey::GuideOverduePeriods => "Perioder hvor guiden var forfalden",
            KpiKey::ServiceLevel => "Serviceniveau",
            KpiKey::Abandonment => "Andel opgivne opkald",
            KpiKey::AnsweredCalls => "Besvarede opkald",
            KpiKey::Inquiries => "Henvendelser registreret af agenter",
            KpiKey::NotCoveredShare => "Andel henvendelser guiden ikke dækkede",
            KpiKey::CallbacksOnTime => "Tilbagekald givet videre inden for den aftalte tid",
            KpiKey::FeedbackResolution => "Tid til feedback er løst (median)",
            KpiKey::ChatHandoverRate => "Chatbottens andel viderestillede spørgsmål",
            KpiKey::AgentHours => "Agenttimer",
        }
    }

    pub fn unit(self) -> Unit {
        use KpiKey::*;
        match self {
            TimeToActive | TimeToFirstGuide | TimeToRolesAcknowledged | TimeToIvrRouted | FeedbackResolution => Unit::Seconds,
            GuideFreshShare | ServiceLevel | Abandonment | NotCoveredShare | CallbacksOnTime | ChatHandoverRate => Unit::Share,
            GuideOverduePeriods | AnsweredCalls | Inquiries => Unit::Count,
            AgentHours => Unit::Hours,
        }
    }

    /// Whether a value above the target meets it (else a value at or below it does).
    pub fn higher_is_better(self) -> bool {
        use KpiKey::*;
        matches!(self, GuideFreshShare | ServiceLevel | AnsweredCalls | CallbacksOnTime)
    }

    /// The target until the secretariat sets one; `None`: measured, not targeted.
    pub fn default_target(self) -> Option<f64> {
        use KpiKey::*;
        match self {
            TimeToActive => Some(15.0 * 60.0),
            TimeToFirstGuide => Some(30.0 * 60.0),
            TimeToRolesAcknowledged => Some(30.0 * 60.0),
            TimeToIvrRouted => Some(60.0 * 60.0),
            GuideFreshShare => Some(0.95),
            GuideOverduePeriods => Some(0.0),
            ServiceLevel => Some(0.8),
            Abandonment => Some(0.05),
            NotCoveredShare => Some(0.2),
            CallbacksOnTime => Some(0.95),
            FeedbackResolution => Some(4.0 * 3600.0),
            ChatHandoverRate => Some(0.2),
            AnsweredCalls | Inquiries | AgentHours => None,
        }
    }
}

/// The secretariat's targets, by KPI, and the time within which a callback is to reach the
/// authority. A key not set keeps its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, f64>)]
    pub targets: BTreeMap<KpiKey, f64>,
    /// The agreed time for handing a callback to the authority.
    #[serde(default = "default_callback_agreed_s")]
    pub callback_agreed_s: i64,
}

fn default_callback_agreed_s() -> i64 {
    3600
}

impl Default for Targets {
    fn default() -> Self {
        Targets { targets: BTreeMap::new(), callback_agreed_s: default_callback_agreed_s() }
    }
}

impl Targets {
    pub fn target(&self, key: KpiKey) -> Option<f64> {
        self.targets.get(&key).copied().or(key.default_target())
    }

    /// A share is from 0 to 1, a time or a count not negative; the agreed time from a minute to a week.
    pub fn validate(self) -> Result<Targets, DomainError> {
        let mut p = Problems::default();
        for (key, v) in &self.targets {
            let ok = v.is_finite() && *v >= 0.0 && (key.unit() != Unit::Share || *v <= 1.0);
            if !ok {
                let field = format!("targets.{key}");
                p.add(&field, if key.unit() == Unit::Share { "a share from 0 to 1" } else { "a number from 0 up" });
            }
        }
        if !(60..=7 * 24 * 3600).contains(&self.callback_agreed_s) {
            p.add("callback_agreed_s", "from 60 seconds to a week");
        }
        p.into_result()?;
        Ok(self)
    }
}

/// One part of a KPI: a day's service level, a situation's inquiries, an organisation's hours.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = KpiPart)]
pub struct Part {
    pub label: String,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Kpi {
    pub key: KpiKey,
    pub label: String,
    /// `None`: not reached yet, or nothing to measure.
    pub value: Option<f64>,
    pub unit: Unit,
    pub target: Option<f64>,
    /// Whether the target is met; a time not reached yet is already missed once the target has passed.
    pub met: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

/// A published guide version: when, and when its next update was due.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Published {
    pub at: OffsetDateTime,
    pub next_update_at: Option<OffsetDateTime>,
}

/// What the KPIs are computed from: one incident's record, as the store reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub created_at: Option<OffsetDateTime>,
    pub activated_at: Option<OffsetDateTime>,
    /// When it stood down (or closed, if it never stood down): the end of the active crisis.
    pub ended_at: Option<OffsetDateTime>,
    pub now: Option<OffsetDateTime>,
    pub guides: Vec<Published>,
    /// The first acknowledgement of each of the four roles in the crisis staff's call-outs.
    pub roles_acknowledged: Vec<OffsetDateTime>,
    pub ivr_routed_at: Option<OffsetDateTime>,
    pub calls: Vec<CallInterval>,
    /// The situation of each inquiry an agent recorded; `None`: not covered.
    pub inquiries: Vec<Option<String>>,
    pub chat_answered: i64,
    pub chat_handed_over: i64,
    /// Each callback request: when made, and when its mail to the authority went.
    pub callbacks: Vec<(OffsetDateTime, Option<OffsetDateTime>)>,
    /// Each feedback: when sent, and when resolved.
    pub feedback: Vec<(OffsetDateTime, Option<OffsetDateTime>)>,
    /// Agent-seconds of the shift plan, by organisation name.
    pub agent_seconds: Vec<(String, i64)>,
}

/// Agent-seconds of a shift plan by organisation (`name` gives an organisation's name): each
/// member's base seats and awarded bids, and the seats no member staffed, the contact centre's own.
pub fn agent_seconds(shifts: &[crate::shifts::Shift], name: impl Fn(&str) -> String) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for s in shifts {
        let long = (s.end - s.start).whole_seconds();
        for m in &s.members {
            out.push((name(&m.org), long * i64::from(m.base + m.awarded)));
        }
        let own = s.agents.saturating_sub(s.rostered());
        if own > 0 {
            out.push(("Kontaktcentret".to_string(), long * i64::from(own)));
        }
    }
    out
}

/// The agents' inquiries (their situations; `None`: not covered) and the number the chatbot
/// handed over, from every inquiry's situation and text.
pub fn split_inquiries(all: Vec<(Option<String>, String)>) -> (Vec<Option<String>>, i64) {
    use crate::handover::{ChatOrigin, chatbot_question};
    let (mut agents, mut handed_over) = (Vec::new(), 0);
    for (situation, text) in all {
        match chatbot_question(&text) {
            Some((ChatOrigin::HandedOver, _)) => handed_over += 1,
            Some((ChatOrigin::LowConfidence, _)) => {}
            None => agents.push(situation),
        }
    }
    (agents, handed_over)
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Seconds from `from` to `to` (the record keeps microseconds).
fn seconds(from: OffsetDateTime, to: OffsetDateTime) -> f64 {
    (to - from).as_seconds_f64()
}

impl Record {
    /// The active crisis: from active to its end, or to now while it runs.
    fn active_span(&self) -> Option<(OffsetDateTime, OffsetDateTime)> {
        let start = self.activated_at?;
        let end = self.ended_at.or(self.now)?;
        (end > start).then_some((start, end))
    }

    fn since_created(&self, at: Option<OffsetDateTime>) -> Option<f64> {
        Some(seconds(self.created_at?, at?))
    }

    /// Seconds of the active crisis the guide was fresh (a version published and its next
    /// update not yet due), and the number of times it went overdue.
    pub fn freshness(&self) -> Option<(f64, f64, usize)> {
        let (start, end) = self.active_span()?;
        let mut versions = self.guides.clone();
        versions.sort_by_key(|v| v.at);
        let (mut fresh, mut overdue) = (0.0, 0);
        for (i, v) in versions.iter().enumerate() {
            let until = versions.get(i + 1).map_or(end, |n| n.at).min(end);
            let due = v.next_update_at.unwrap_or(until).min(until);
            let (from, to) = (v.at.max(start), due.max(start));
            fresh += seconds(from, to).max(0.0);
            if due < until && until > start {
                overdue += 1;
            }
        }
        Some((fresh, seconds(start, end), overdue))
    }

    fn days(&self) -> BTreeMap<Date, (i64, i64, i64)> {
        let mut days: BTreeMap<Date, (i64, i64, i64)> = BTreeMap::new();
        for c in &self.calls {
            let d = days.entry(crate::time::to_copenhagen(c.start).date()).or_default();
            d.0 += c.offered;
            d.1 += c.answered_within_target;
            d.2 += c.abandoned;
        }
        days
    }
}

/// The day's label in a KPI's parts: `2027-03-05`.
fn day_label(d: Date) -> String {
    d.to_string()
}

/// The KPIs of one incident's record, against the targets.
pub fn kpis(r: &Record, t: &Targets) -> Vec<Kpi> {
    KpiKey::ALL.iter().map(|&key| measure(r, t, key)).collect()
}

fn measure(r: &Record, t: &Targets, key: KpiKey) -> Kpi {
    use KpiKey::*;
    let days = r.days();
    let sum = |f: fn(&(i64, i64, i64)) -> i64| days.values().map(f).sum::<i64>();
    let per_day = |f: fn(&(i64, i64, i64)) -> Option<f64>| -> Vec<Part> {
        days.iter().filter_map(|(d, v)| f(v).map(|value| Part { label: day_label(*d), value })).collect()
    };
    let agent_inquiries = r.inquiries.len() as i64;
    let mut parts = Vec::new();
    let value = match key {
        TimeToActive => r.since_created(r.activated_at),
        TimeToFirstGuide => r.since_created(r.guides.iter().map(|g| g.at).min()),
        TimeToRolesAcknowledged => {
            let all = r.roles_acknowledged.len() >= crate::role::StaffRole::ALL.len();
            r.since_created(r.roles_acknowledged.iter().max().copied().filter(|_| all))
        }
        TimeToIvrRouted => r.since_created(r.ivr_routed_at),
        GuideFreshShare => r.freshness().and_then(|(fresh, span, _)| (span > 0.0).then(|| fresh / span)),
        GuideOverduePeriods => r.freshness().map(|(_, _, n)| n as f64),
        ServiceLevel => {
            parts = per_day(|v| share(v.1, v.0));
            share(sum(|v| v.1), sum(|v| v.0))
        }
        Abandonment => {
            parts = per_day(|v| share(v.2, v.0));
            share(sum(|v| v.2), sum(|v| v.0))
        }
        AnsweredCalls => (!r.calls.is_empty()).then(|| r.calls.iter().map(|c| c.answered).sum::<i64>() as f64),
        Inquiries => {
            let mut by: BTreeMap<&str, i64> = BTreeMap::new();
            for s in &r.inquiries {
                *by.entry(s.as_deref().unwrap_or("Ikke dækket")).or_default() += 1;
            }
            let mut rows: Vec<(&str, i64)> = by.into_iter().collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            parts = rows.into_iter().map(|(label, n)| Part { label: label.into(), value: n as f64 }).collect();
            Some(agent_inquiries as f64)
        }
        NotCoveredShare => share(r.inquiries.iter().filter(|s| s.is_none()).count() as i64, agent_inquiries),
        CallbacksOnTime => {
            let on_time =
                r.callbacks.iter().filter(|(made, sent)| sent.is_some_and(|s| (s - *made).whole_seconds() <= t.callback_agreed_s)).count();
            share(on_time as i64, r.callbacks.len() as i64)
        }
        FeedbackResolution => {
            let mut times: Vec<f64> = r.feedback.iter().filter_map(|(sent, done)| done.map(|d| seconds(*sent, d))).collect();
            times.sort_by(f64::total_cmp);
            median(&times)
        }
        ChatHandoverRate => share(r.chat_handed_over, r.chat_answered + r.chat_handed_over),
        AgentHours => {
            let mut by: BTreeMap<&str, i64> = BTreeMap::new();
            for (org, s) in &r.agent_seconds {
                *by.entry(org).or_default() += s;
            }
            parts = by.iter().map(|(org, s)| Part { label: (*org).into(), value: *s as f64 / 3600.0 }).collect();
            (!by.is_empty()).then(|| by.values().sum::<i64>() as f64 / 3600.0)
        }
    };
    let target = t.target(key);
    let met = target.and_then(|goal| match value {
        Some(v) if key.higher_is_better() => Some(v >= goal),
        Some(v) => Some(v <= goal),
        // A time not reached yet has missed its target once the target has passed.
        None if key.unit() == Unit::Seconds && key != FeedbackResolution => {
            let elapsed = r.since_created(r.now)?;
            (elapsed > goal).then_some(false)
        }
        None => None,
    });
    Kpi { key, label: key.label().into(), value, unit: key.unit(), target, met, parts }
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2027-03-08 07:00 UTC);

    fn min(m: i64) -> OffsetDateTime {
        T0 + Duration::minutes(m)
    }

    fn interval(start: OffsetDateTime, offered: i64, within: i64, abandoned: i64) -> CallInterval {
        CallInterval {
            start,
            length_s: 900,
            offered,
            answered: offered - abandoned,
            abandoned,
            answered_within_target: within,
            avg_handle_s: 180.0,
            avg_wait_s: 20.0,
        }
    }

    fn value(all: &[Kpi], key: KpiKey) -> Option<f64> {
        all.iter().find(|k| k.key == key).unwrap().value
    }

    #[test]
    fn the_times_run_from_creation_and_a_missed_time_shows_before_it_is_reached() {
        let r = Record {
            created_at: Some(T0),
            activated_at: Some(min(10)),
            now: Some(min(90)),
            guides: vec![Published { at: min(25), next_update_at: Some(min(85)) }],
            roles_acknowledged: vec![min(5), min(12), min(40)],
            ..Record::default()
        };
        let all = kpis(&r, &Targets::default());
        assert_eq!(value(&all, KpiKey::TimeToActive), Some(600.0));
        assert_eq!(value(&all, KpiKey::TimeToFirstGuide), Some(1500.0));
        let roles = all.iter().find(|k| k.key == KpiKey::TimeToRolesAcknowledged).unwrap();
        assert_eq!((roles.value, roles.met), (None, Some(false)), "three of four after 90 minutes: missed");
        let ivr = all.iter().find(|k| k.key == KpiKey::TimeToIvrRouted).unwrap();
        assert_eq!((ivr.value, ivr.met), (None, Some(false)));
        let early = Record { now: Some(min(20)), ..r };
        let ivr = kpis(&early, &Targets::default()).into_iter().find(|k| k.key == KpiKey::TimeToIvrRouted).unwrap();
        assert_eq!(ivr.met, None, "not reached, but there is time yet");
    }

    #[test]
    fn freshness_counts_the_time_each_version_was_within_its_next_update() {
        // Active 0–240 min; v1 at 0 due at 60, v2 at 90 due at 150, v3 at 150 due at 300.
        let r = Record {
            created_at: Some(T0),
            activated_at: Some(min(0)),
            ended_at: Some(min(240)),
            now: Some(min(500)),
            guides: vec![
                Published { at: min(90), next_update_at: Some(min(150)) },
                Published { at: min(0), next_update_at: Some(min(60)) },
                Published { at: min(150), next_update_at: Some(min(300)) },
            ],
            ..Record::default()
        };
        let (fresh, span, overdue) = r.freshness().unwrap();
        assert_eq!((fresh, span, overdue), (210.0 * 60.0, 240.0 * 60.0, 1));
        let all = kpis(&r, &Targets::default());
        assert_eq!(value(&all, KpiKey::GuideFreshShare), Some(0.875));
        assert_eq!(value(&all, KpiKey::GuideOverduePeriods), Some(1.0));
        assert_eq!(Record { activated_at: None, ..r }.freshness(), None, "never active: nothing to measure");
    }

    #[test]
    fn calls_are_measured_per_copenhagen_day_and_overall() {
        let r = Record {
            calls: vec![
                interval(datetime!(2027-03-08 22:45 UTC), 100, 90, 2),
                interval(datetime!(2027-03-08 23:00 UTC), 100, 50, 10),
                interval(datetime!(2027-03-09 10:00 UTC), 200, 180, 4),
            ],
            ..Record::default()
        };
        let all = kpis(&r, &Targets::default());
        let sl = all.iter().find(|k| k.key == KpiKey::ServiceLevel).unwrap();
        assert_eq!(sl.value, Some(320.0 / 400.0));
        assert_eq!(sl.met, Some(true), "80 % meets 80 %");
        // 23:00 UTC is midnight in Copenhagen: the second interval is the 9th's.
        assert_eq!(
            sl.parts,
            vec![Part { label: "2027-03-08".into(), value: 0.9 }, Part { label: "2027-03-09".into(), value: 230.0 / 300.0 }]
        );
        assert_eq!(value(&all, KpiKey::Abandonment), Some(16.0 / 400.0));
        assert_eq!(value(&all, KpiKey::AnsweredCalls), Some(384.0));
    }

    #[test]
    fn inquiries_callbacks_feedback_the_chatbot_and_hours() {
        let r = Record {
            inquiries: vec![Some("Vand".into()), None, Some("Vand".into()), Some("Strøm".into())],
            chat_answered: 30,
            chat_handed_over: 10,
            callbacks: vec![(min(0), Some(min(1))), (min(0), Some(min(61))), (min(0), None), (min(5), Some(min(65)))],
            feedback: vec![(min(0), Some(min(60))), (min(0), Some(min(180))), (min(0), None)],
            agent_seconds: vec![("Aarhus".into(), 7200), ("Odense".into(), 3600), ("Aarhus".into(), 1800)],
            ..Record::default()
        };
        let all = kpis(&r, &Targets::default());
        let inq = all.iter().find(|k| k.key == KpiKey::Inquiries).unwrap();
        assert_eq!(inq.value, Some(4.0));
        assert_eq!(inq.parts[0], Part { label: "Vand".into(), value: 2.0 });
        assert_eq!(value(&all, KpiKey::NotCoveredShare), Some(0.25));
        assert_eq!(value(&all, KpiKey::CallbacksOnTime), Some(0.5), "within the hour: the first and the last");
        assert_eq!(value(&all, KpiKey::FeedbackResolution), Some(7200.0));
        assert_eq!(value(&all, KpiKey::ChatHandoverRate), Some(0.25));
        let hours = all.iter().find(|k| k.key == KpiKey::AgentHours).unwrap();
        assert_eq!(hours.value, Some(3.5));
        assert_eq!(hours.parts, vec![Part { label: "Aarhus".into(), value: 2.5 }, Part { label: "Odense".into(), value: 1.0 }]);
    }

    #[test]
    fn targets_are_checked_and_the_secretariats_replace_the_defaults() {
        let mut t = Targets::default();
        t.targets.insert(KpiKey::ServiceLevel, 0.9);
        assert_eq!(t.target(KpiKey::ServiceLevel), Some(0.9));
        assert_eq!(t.target(KpiKey::Abandonment), Some(0.05));
        t.targets.insert(KpiKey::GuideFreshShare, 1.5);
        t.targets.insert(KpiKey::TimeToActive, -1.0);
        t.callback_agreed_s = 10;
        let Err(DomainError::Invalid(f)) = t.validate() else { panic!("accepted") };
        let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["targets.time_to_active_s", "targets.guide_fresh_share", "callback_agreed_s"]);
    }
}
