//! The economic model's clock (issue 17): the contact centre's opening hours, and a stretch of
//! agent-time split into the hours inside and outside them. A member pays for extended opening
//! hours, so what an activation costs it turns on that split, in Copenhagen's wall-clock time.

use crate::DomainError;
use crate::error::Problems;
use crate::shifts::Shift;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime, Weekday};

/// The opening of one weekday: from and to, in minutes after midnight, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Opening {
    pub open_min: u16,
    pub close_min: u16,
}

/// The opening hours per weekday, Monday first; `None` is closed all day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OpeningHours {
    pub days: [Option<Opening>; 7],
}

const fn hours(open: u16, close: u16) -> Option<Opening> {
    Some(Opening { open_min: open * 60, close_min: close * 60 })
}

impl Default for OpeningHours {
    /// From 2027 the contact centre is open Monday–Thursday 8–18 and Friday 8–16.
    fn default() -> Self {
        OpeningHours { days: [hours(8, 18), hours(8, 18), hours(8, 18), hours(8, 18), hours(8, 16), None, None] }
    }
}

const DAY_NAMES: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

impl OpeningHours {
    /// Each open day opens before it closes, within the day; every problem by its day.
    pub fn validate(self) -> Result<OpeningHours, DomainError> {
        let mut p = Problems::default();
        self.check(&mut p, "");
        p.into_result()?;
        Ok(self)
    }

    fn check(&self, p: &mut Problems, prefix: &str) {
        for (day, o) in DAY_NAMES.iter().zip(self.days) {
            if let Some(o) = o
                && !(o.open_min < o.close_min && o.close_min <= 24 * 60)
            {
                p.add(&format!("{prefix}days.{day}"), "opens before it closes, between 00:00 and 24:00");
            }
        }
    }

    fn on(&self, d: Weekday) -> Option<Opening> {
        self.days[d.number_days_from_monday() as usize]
    }

    /// Seconds of `start..end` inside the opening hours, and outside them.
    pub fn split(&self, start: OffsetDateTime, end: OffsetDateTime) -> (i64, i64) {
        let total = (end - start).whole_seconds().max(0);
        if total == 0 {
            return (0, 0);
        }
        let first = crate::time::to_copenhagen(start).date();
        let last = crate::time::to_copenhagen(end).date();
        let mut inside = 0;
        let mut day = first;
        while day <= last {
            if let Some(o) = self.on(day.weekday())
                && let (Some(open), Some(close)) = (local(day, o.open_min), local(day, o.close_min))
            {
                let (from, to) = (open.max(start), close.min(end));
                inside += (to - from).whole_seconds().max(0);
            }
            let Some(next) = day.next_day() else { break };
            day = next;
        }
        (inside, total - inside)
    }
}

/// The instant of `minutes` after midnight on `day` in Copenhagen (24:00 is the next midnight).
fn local(day: Date, minutes: u16) -> Option<OffsetDateTime> {
    let (day, minutes) = if minutes >= 24 * 60 { (day.next_day()?, minutes - 24 * 60) } else { (day, minutes) };
    let text = format!("{day}T{:02}:{:02}", minutes / 60, minutes % 60);
    crate::time::from_local_input(&text)
}

/// Hours as the statements write them, from seconds.
pub fn as_hours(seconds: i64) -> f64 {
    seconds as f64 / Duration::HOUR.whole_seconds() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> OffsetDateTime {
        crate::time::from_local_input(s).unwrap()
    }

    #[test]
    fn a_friday_evening_shift_is_mostly_outside_the_2027_hours() {
        let h = OpeningHours::default();
        assert_eq!(h.split(at("2027-03-05T14:00"), at("2027-03-05T22:00")), (2 * 3600, 6 * 3600), "Friday closes at 16");
        assert_eq!(h.split(at("2027-03-06T08:00"), at("2027-03-06T16:00")), (0, 8 * 3600), "Saturday is closed");
        assert_eq!(h.split(at("2027-03-08T06:00"), at("2027-03-08T10:00")), (2 * 3600, 2 * 3600));
        assert_eq!(h.split(at("2027-03-08T10:00"), at("2027-03-08T10:00")), (0, 0));
    }

    #[test]
    fn a_whole_week_round_the_clock_has_48_open_hours() {
        let h = OpeningHours::default();
        let (inside, outside) = h.split(at("2027-03-08T00:00"), at("2027-03-15T00:00"));
        assert_eq!((as_hours(inside), as_hours(outside)), (48.0, 120.0));
    }

    #[test]
    fn the_hours_are_wall_clock_hours_across_a_change_of_summer_time() {
        // The week of the last Sunday of October 2027: the week has 169 hours, and Friday's
        // 8–16 is eight hours of wall-clock time whatever the offset.
        let h = OpeningHours::default();
        let (inside, outside) = h.split(at("2027-10-25T00:00"), at("2027-11-01T00:00"));
        assert_eq!((as_hours(inside), as_hours(inside + outside)), (48.0, 169.0));
        let spring = h.split(at("2027-03-26T00:00"), at("2027-04-02T00:00"));
        assert_eq!((as_hours(spring.0), as_hours(spring.0 + spring.1)), (48.0, 167.0));
    }

    #[test]
    fn opening_hours_are_checked_by_day() {
        let mut h = OpeningHours::default();
        h.days[5] = Some(Opening { open_min: 600, close_min: 540 });
        h.days[6] = Some(Opening { open_min: 0, close_min: 24 * 60 });
        let Err(DomainError::Invalid(f)) = h.validate() else { panic!("accepted") };
        assert_eq!(f.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["days.saturday"]);
        assert!(OpeningHours::default().validate().is_ok());
    }
}

/// Money in øre (1/100 DKK): sums are exact.
pub type Ore = i64;

/// The Danish VAT rate, in per mille.
pub const VAT_PER_MILLE: i64 = 250;

/// The secretariat's tariff from a date on (a new tariff is a new version; old statements keep
/// theirs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    /// The day it applies from (an activation is billed by the tariff in force on its first day).
    #[serde(with = "crate::time::date")]
    #[schema(value_type = String, format = Date)]
    pub valid_from: Date,
    /// What a non-member pays for an activation.
    pub activation_fee: Ore,
    /// Per agent-hour inside the opening hours.
    pub hour_rate: Ore,
    /// Added per agent-hour outside them.
    pub outside_surcharge: Ore,
    /// Paid to a member per agent-hour of a shift it bid for.
    pub bid_compensation: Ore,
    /// The opening hours the hours are split by; 2027's unless given.
    #[serde(default)]
    pub opening_hours: OpeningHours,
}

impl Tariff {
    pub fn validate(self) -> Result<Tariff, DomainError> {
        let mut p = Problems::default();
        for (field, v) in [
            ("activation_fee", self.activation_fee),
            ("hour_rate", self.hour_rate),
            ("outside_surcharge", self.outside_surcharge),
            ("bid_compensation", self.bid_compensation),
        ] {
            if !(0..=100_000_000).contains(&v) {
                p.add(field, "an amount in øre from 0 to 1,000,000 DKK");
            }
        }
        self.opening_hours.check(&mut p, "opening_hours.");
        p.into_result()?;
        Ok(self)
    }

    /// The tariff in force on `day`: the latest valid from it or before.
    pub fn in_force(tariffs: &[Tariff], day: Date) -> Option<&Tariff> {
        tariffs.iter().filter(|t| t.valid_from <= day).max_by_key(|t| t.valid_from)
    }
}

/// What a statement charges for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Activation,
    HoursInside,
    HoursOutside,
    /// Paid to a member for the agent-hours of the shifts it bid for and was awarded.
    Compensation,
}

crate::word_enum!(
    /// What a statement is: a bill to an authority, or compensation to a member that staffed
    /// bid shifts.
    StatementKind, "statement kind" {
        Billing = "billing",
        Compensation = "compensation",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Line {
    pub kind: LineKind,
    /// Agent-seconds charged (none for the activation).
    pub seconds: i64,
    pub amount_ore: Ore,
    /// The same amount in DKK, as the statement shows it.
    pub amount_dkk: f64,
}

impl Line {
    pub fn new(kind: LineKind, seconds: i64, amount: Ore) -> Line {
        Line { kind, seconds, amount_ore: amount, amount_dkk: dkk(amount) }
    }
}

/// The agent-time an authority's activation used, and what its base share covers (a member's
/// part of the base shifts, which it pays for by supplying agents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub inside_s: i64,
    pub outside_s: i64,
    pub covered_inside_s: i64,
    pub covered_outside_s: i64,
}

/// The economic model: a non-member pays the activation and every agent-hour (outside the
/// opening hours with the surcharge); a member pays only for extended hours and extra capacity,
/// i.e. the hours beyond what its base share covers, inside at the rate and outside at the rate
/// plus the surcharge. An exercise is never billed.
pub fn lines(t: &Tariff, member: bool, exercise: bool, u: Usage) -> Vec<Line> {
    if exercise {
        return Vec::new();
    }
    let (inside, outside) = if member {
        ((u.inside_s - u.covered_inside_s).max(0), (u.outside_s - u.covered_outside_s).max(0))
    } else {
        (u.inside_s.max(0), u.outside_s.max(0))
    };
    let mut out = Vec::new();
    if !member {
        out.push(Line::new(LineKind::Activation, 0, t.activation_fee));
    }
    if inside > 0 {
        out.push(Line::new(LineKind::HoursInside, inside, per_hour(inside, t.hour_rate)));
    }
    if outside > 0 {
        out.push(Line::new(LineKind::HoursOutside, outside, per_hour(outside, t.hour_rate + t.outside_surcharge)));
    }
    out
}

/// A statement's total before VAT, and its VAT (rounded to the øre).
pub fn totals(lines: &[Line]) -> (Ore, Ore) {
    let total: Ore = lines.iter().map(|l| l.amount_ore).sum();
    (total, (total * VAT_PER_MILLE + 500) / 1000)
}

/// The agent-time of a shift plan (up to `until`, if given): every seat's hours inside and
/// outside the opening hours, and the base seats' hours inside them, which the members' base
/// share covers (outside them every hour is extended opening hours).
pub fn usage(shifts: &[Shift], hours: &OpeningHours, until: Option<OffsetDateTime>) -> Usage {
    let mut u = Usage::default();
    for s in shifts {
        let end = until.map_or(s.end, |t| s.end.min(t));
        if end <= s.start {
            continue;
        }
        let (inside, outside) = hours.split(s.start, end);
        u.inside_s += inside * i64::from(s.agents);
        u.outside_s += outside * i64::from(s.agents);
        u.covered_inside_s += inside * i64::from(s.base);
    }
    u
}

impl Usage {
    /// One of `n` affected authorities' part: the crisis line served them all alike.
    pub fn part(self, n: usize) -> Usage {
        let n = n.max(1) as i64;
        Usage {
            inside_s: self.inside_s / n,
            outside_s: self.outside_s / n,
            covered_inside_s: self.covered_inside_s / n,
            covered_outside_s: self.covered_outside_s / n,
        }
    }
}

/// Agent-seconds of the seats each member was awarded in bidding, by member.
pub fn bid_seconds(shifts: &[Shift]) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for s in shifts {
        let long = (s.end - s.start).whole_seconds();
        for m in s.members.iter().filter(|m| m.awarded > 0) {
            *out.entry(m.org.clone()).or_insert(0) += long * i64::from(m.awarded);
        }
    }
    out
}

/// The compensation line of a member that staffed `seconds` of bid shifts.
pub fn compensation(t: &Tariff, seconds: i64) -> Vec<Line> {
    if seconds <= 0 {
        return Vec::new();
    }
    vec![Line::new(LineKind::Compensation, seconds, per_hour(seconds, t.bid_compensation))]
}

fn per_hour(seconds: i64, rate: Ore) -> Ore {
    (i128::from(seconds) * i128::from(rate) / 3600) as Ore
}

/// What an activation costs one authority, before VAT: so far, for the whole shift plan, and
/// for a further day (the plan's next 24 hours, or, when nothing more is planned, its last 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Estimate {
    pub so_far: Ore,
    pub planned: Ore,
    pub per_day: Ore,
}

/// The estimate for one of `n` affected authorities (`member` or not) at `now`.
pub fn estimate(t: &Tariff, hours: &OpeningHours, member: bool, n: usize, shifts: &[Shift], now: OffsetDateTime) -> Estimate {
    let cost = |u: Usage| totals(&lines(t, member, false, u.part(n))).0;
    let without_fee = |u: Usage| cost(u) - if member { 0 } else { t.activation_fee };
    let day = Duration::DAY;
    let so_far = usage(shifts, hours, Some(now));
    let ahead = usage(shifts, hours, Some(now + day));
    let whole = usage(shifts, hours, None);
    let minus = |a: Usage, b: Usage| Usage {
        inside_s: a.inside_s - b.inside_s,
        outside_s: a.outside_s - b.outside_s,
        covered_inside_s: a.covered_inside_s - b.covered_inside_s,
        covered_outside_s: a.covered_outside_s - b.covered_outside_s,
    };
    let next_day = minus(ahead, so_far);
    let per_day = match shifts.iter().map(|s| s.end).max() {
        _ if next_day.inside_s + next_day.outside_s > 0 => next_day,
        Some(end) => minus(whole, usage(shifts, hours, Some(end - day))),
        None => Usage::default(),
    };
    Estimate { so_far: cost(so_far), planned: cost(whole), per_day: without_fee(per_day).max(0) }
}

/// An issued statement: immutable; a correction is a new statement that replaces it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Statement {
    pub id: uuid::Uuid,
    /// The running statement number.
    pub number: i64,
    pub incident_id: uuid::Uuid,
    /// The billed authority, or the compensated member (its code).
    pub org: String,
    pub kind: StatementKind,
    #[serde(with = "crate::time::date")]
    #[schema(value_type = String, format = Date)]
    pub tariff_from: Date,
    pub lines: Vec<Line>,
    pub total_ore: Ore,
    pub total_dkk: f64,
    pub vat_ore: Ore,
    pub vat_dkk: f64,
    /// The statement this one corrects.
    pub replaces: Option<uuid::Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    pub issued_by: String,
}

/// A statement about to be issued: to whom, what, by which tariff.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub org: String,
    pub kind: StatementKind,
    pub lines: Vec<Line>,
}

/// The statements one incident's record gives: a billing statement per affected authority (its
/// equal part of the agent-time), and a compensation statement per member awarded bid shifts.
/// None for an exercise. `affected` is each authority's code and whether it is a member.
pub fn drafts(t: &Tariff, affected: &[(String, bool)], shifts: &[Shift], exercise: bool) -> Vec<Draft> {
    if exercise {
        return Vec::new();
    }
    let used = usage(shifts, &t.opening_hours, None).part(affected.len());
    let mut out: Vec<Draft> = affected
        .iter()
        .map(|(org, member)| Draft { org: org.clone(), kind: StatementKind::Billing, lines: lines(t, *member, false, used) })
        .filter(|d| !d.lines.is_empty())
        .collect();
    for (org, seconds) in bid_seconds(shifts) {
        out.push(Draft { org, kind: StatementKind::Compensation, lines: compensation(t, seconds) });
    }
    out
}

/// Whether an incident can be billed: never an exercise, and not before it was activated.
pub fn check_billable(i: &crate::incident::Incident) -> Result<(), DomainError> {
    if i.exercise {
        return Err(DomainError::Conflict("an exercise is never billed".into()));
    }
    if i.activated_at.is_none() {
        return Err(DomainError::Conflict("the incident has not been activated: it has used nothing to bill".into()));
    }
    Ok(())
}

/// The day whose tariff bills an activation: its first day, in Copenhagen.
pub fn billing_day(i: &crate::incident::Incident) -> Date {
    crate::time::to_copenhagen(i.activated_at.unwrap_or(i.created_at)).date()
}

/// The statements as a spreadsheet: one row per line, with each statement's totals.
pub fn statements_csv(all: &[Statement], org_name: impl Fn(&str) -> String) -> String {
    let header = [
        "number",
        "org",
        "org_name",
        "kind",
        "issued_at",
        "tariff_from",
        "line",
        "hours",
        "amount_dkk",
        "total_dkk",
        "vat_dkk",
        "replaces",
    ];
    let rows = all.iter().flat_map(|s| {
        let name = org_name(&s.org);
        s.lines.iter().map(move |l| {
            vec![
                s.number.to_string(),
                s.org.clone(),
                name.clone(),
                s.kind.to_string(),
                crate::time::rfc3339(s.issued_at),
                s.tariff_from.to_string(),
                serde_json::to_value(l.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                format!("{:.2}", as_hours(l.seconds)),
                format!("{:.2}", l.amount_dkk),
                format!("{:.2}", s.total_dkk),
                format!("{:.2}", s.vat_dkk),
                s.replaces.map(|r| r.to_string()).unwrap_or_default(),
            ]
        })
    });
    crate::export::csv(&header, rows)
}

/// DKK as øre, for an amount typed in kroner; `None` when it is no amount (the tariff's check
/// then names its field).
pub fn ore(kroner: f64) -> Option<Ore> {
    (kroner.is_finite() && (0.0..=1_000_000.0).contains(&kroner)).then(|| (kroner * 100.0).round() as Ore)
}

/// Øre as DKK, for the statements' `*_dkk` fields.
pub fn dkk(amount: Ore) -> f64 {
    amount as f64 / 100.0
}

#[cfg(test)]
mod tariff_tests {
    use super::*;
    use time::macros::date;

    fn tariff() -> Tariff {
        Tariff {
            valid_from: date!(2027 - 01 - 01),
            activation_fee: 2_500_000,
            hour_rate: 45_000,
            outside_surcharge: 22_500,
            bid_compensation: 40_000,
            opening_hours: OpeningHours::default(),
        }
    }

    #[test]
    fn a_member_pays_only_beyond_its_base_share_and_a_non_member_the_activation_and_every_hour() {
        let t = tariff();
        let u = Usage { inside_s: 40 * 3600, outside_s: 30 * 3600, covered_inside_s: 40 * 3600, covered_outside_s: 10 * 3600 };
        // Member: 20 extended hours at 450 + 225 DKK = 13,500 DKK; VAT 3,375 DKK.
        let m = lines(&t, true, false, u);
        assert_eq!(m, vec![Line::new(LineKind::HoursOutside, 20 * 3600, 1_350_000)]);
        assert_eq!(totals(&m), (1_350_000, 337_500));
        // Non-member: 25,000 + 40 × 450 + 30 × 675 = 63,250 DKK; VAT 15,812.50 DKK.
        let n = lines(&t, false, false, u);
        assert_eq!(n.iter().map(|l| l.amount_ore).collect::<Vec<_>>(), vec![2_500_000, 1_800_000, 2_025_000]);
        assert_eq!(totals(&n), (6_325_000, 1_581_250));
        assert!(lines(&t, false, true, u).is_empty(), "an exercise is never billed");
    }

    #[test]
    fn the_tariff_in_force_is_the_latest_from_the_day_on() {
        let old = tariff();
        let new = Tariff { valid_from: date!(2027 - 07 - 01), hour_rate: 47_500, ..tariff() };
        let all = [new.clone(), old.clone()];
        assert_eq!(Tariff::in_force(&all, date!(2027 - 06 - 30)), Some(&old));
        assert_eq!(Tariff::in_force(&all, date!(2027 - 07 - 01)), Some(&new));
        assert_eq!(Tariff::in_force(&all, date!(2026 - 12 - 31)), None);
        assert!(Tariff { hour_rate: -1, ..tariff() }.validate().is_err());
    }

    fn shift(start: &str, end: &str, agents: u32, members: Vec<(&str, u32, u32)>) -> Shift {
        let members: Vec<crate::shifts::Commitment> = members
            .into_iter()
            .map(|(org, base, awarded)| crate::shifts::Commitment { org: org.into(), base, bid: awarded, awarded })
            .collect();
        let base = members.iter().map(|m| m.base).sum();
        let at = |s: &str| crate::time::from_local_input(s).unwrap();
        Shift { id: uuid::Uuid::nil(), start: at(start), end: at(end), agents, base, open: agents - base, members }
    }

    #[test]
    fn a_shift_plan_is_billed_by_its_seats_and_the_bidders_are_compensated() {
        let h = OpeningHours::default();
        // Monday 14–22 with 10 agents, 6 of them base seats, 3 awarded to Odense.
        let plan = [shift("2027-03-08T14:00", "2027-03-08T22:00", 10, vec![("0751", 6, 0), ("0461", 0, 3)])];
        let u = usage(&plan, &h, None);
        assert_eq!(u, Usage { inside_s: 4 * 10 * 3600, outside_s: 4 * 10 * 3600, covered_inside_s: 4 * 6 * 3600, covered_outside_s: 0 });
        let t = tariff();
        // Member: 16 h inside beyond the base seats at 450 and 40 h outside at 675 = 34,200 DKK.
        assert_eq!(totals(&lines(&t, true, false, u)).0, 3_420_000);
        assert_eq!(bid_seconds(&plan).get("0461"), Some(&(3 * 8 * 3600)));
        assert_eq!(compensation(&t, 3 * 8 * 3600), vec![Line::new(LineKind::Compensation, 86_400, 960_000)]);
        let half = usage(&plan, &h, crate::time::from_local_input("2027-03-08T18:00"));
        assert_eq!((half.inside_s, half.outside_s), (40 * 3600, 0), "so far: only the hours before now");
        assert_eq!(u.part(2).inside_s, 20 * 3600);
    }

    #[test]
    fn the_estimate_shows_so_far_the_plan_and_a_further_day() {
        let h = OpeningHours::default();
        let plan = [shift("2027-03-08T08:00", "2027-03-08T16:00", 2, vec![]), shift("2027-03-09T08:00", "2027-03-09T16:00", 4, vec![])];
        let t = tariff();
        let now = crate::time::from_local_input("2027-03-08T20:00").unwrap();
        let e = estimate(&t, &h, false, 1, &plan, now);
        // Non-member: 25,000 + 16 h × 450 so far; the next day's 32 h × 450 = 14,400 DKK.
        assert_eq!(e, Estimate { so_far: 2_500_000 + 720_000, planned: 2_500_000 + 720_000 + 1_440_000, per_day: 1_440_000 });
        let later = estimate(&t, &h, false, 1, &plan, now + Duration::days(2));
        assert_eq!(later.per_day, 1_440_000, "nothing more planned: the plan's last day");
    }
}
