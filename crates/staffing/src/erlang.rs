//! Erlang C (callers wait as long as it takes) and the staffing answer: the smallest number of
//! agents that meets every target, with Erlang A (see `erlang_a`) when callers' patience is given.
//!
//! Erlang C is computed through the Erlang B recursion `B(n) = a·B(n−1) / (n + a·B(n−1))`,
//! which never forms a factorial or a power: stable for thousands of agents and Erlangs.

use crate::MAX_AGENTS;
use crate::erlang_a;
use serde::{Deserialize, Serialize};

/// The calls of one interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Load {
    pub calls: f64,
    pub interval_s: f64,
    pub aht_s: f64,
}

impl Load {
    /// The offered traffic in Erlang: how many agents would be busy all the time.
    pub fn erlangs(&self) -> f64 {
        self.calls * self.aht_s / self.interval_s
    }
}

/// What the staffing must reach.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    /// Answered within this many seconds ...
    pub target_answer_s: f64,
    /// ... for at least this share of the calls, in (0, 1).
    pub service_level: f64,
    /// The share of paid time agents are not on the phone (breaks, training), in [0, 1).
    pub shrinkage: f64,
    /// The highest share of time an agent may be busy, in (0, 1].
    pub max_occupancy: f64,
    /// Callers' mean patience: with it, callers hang up (Erlang A).
    pub patience_s: Option<f64>,
    /// The highest share of callers that may hang up, in (0, 1); needs `patience_s`.
    pub max_abandon: Option<f64>,
}

/// The answer for one interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Staffing {
    /// The fewest agents on the phone that meet every target.
    pub agents: u32,
    /// Agents to schedule so that `agents` are on the phone after shrinkage.
    pub scheduled_agents: u32,
    pub service_level: f64,
    /// Average speed of answer of the answered calls.
    pub asa_s: f64,
    pub occupancy: f64,
    pub p_wait: f64,
    /// With patience: the share of callers who hang up before an answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_abandon: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StaffingError {
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("{0}")]
    Impossible(String),
}

fn invalid(field: &'static str, message: impl Into<String>) -> StaffingError {
    StaffingError::Invalid { field, message: message.into() }
}

/// The longest answer target Erlang A is computed for: its service level takes work in
/// proportion to the square of (answer rate × answer time). Erlang C's closed form has no such
/// cost and takes any target up to the interval's length.
pub const MAX_ERLANG_A_TARGET_ANSWER_S: f64 = 600.0;
const DAY_S: f64 = 86_400.0;
/// A target met exactly is met: 30.6 Erlang on 36 agents is 85 % busy, though the division
/// gives 0.8500000000000001.
const EPS: f64 = 1e-9;

fn within(field: &'static str, v: f64, lo: f64, hi: f64, what: &str) -> Result<(), StaffingError> {
    if v.is_finite() && v >= lo && v <= hi { Ok(()) } else { Err(invalid(field, format!("must be {what} (got {v})"))) }
}

fn open_share(field: &'static str, v: f64, what: &str) -> Result<(), StaffingError> {
    if v.is_finite() && v > 0.0 && v < 1.0 { Ok(()) } else { Err(invalid(field, format!("must be {what} (got {v})"))) }
}

impl Load {
    pub fn check(&self) -> Result<(), StaffingError> {
        within("calls", self.calls, 0.0, 1e7, "a number of calls, 0 or more")?;
        within("interval_s", self.interval_s, 1.0, DAY_S, "between 1 and 86400 seconds")?;
        within("aht_s", self.aht_s, 1.0, DAY_S, "a handling time between 1 and 86400 seconds")
    }
}

impl Targets {
    /// Every target within its bounds for some interval (a day at the longest); fields named as
    /// the API names them. [`Targets::check_for`] also holds the answer target to an interval.
    pub fn check(&self) -> Result<(), StaffingError> {
        self.check_answer_target(DAY_S, "86400 seconds (a day, the longest interval)")?;
        self.check_rest()
    }

    /// Every target within its bounds for intervals of `interval_s` seconds: Erlang C takes an
    /// answer target up to the interval's length, Erlang A (with `patience_s`) up to
    /// [`MAX_ERLANG_A_TARGET_ANSWER_S`].
    pub fn check_for(&self, interval_s: f64) -> Result<(), StaffingError> {
        self.check_answer_target(interval_s, &format!("{interval_s} seconds (the interval's length)"))?;
        self.check_rest()
    }

    fn check_answer_target(&self, longest_s: f64, longest: &str) -> Result<(), StaffingError> {
        let t = self.target_answer_s;
        if self.patience_s.is_some() {
            let what = format!("between 0 and {MAX_ERLANG_A_TARGET_ANSWER_S} seconds for Erlang A (with patience_s)");
            within("target_answer_s", t, 0.0, MAX_ERLANG_A_TARGET_ANSWER_S, &what)
        } else {
            within("target_answer_s", t, 0.0, longest_s, &format!("between 0 and {longest}"))
        }
    }

    fn check_rest(&self) -> Result<(), StaffingError> {
        open_share("target_service_level", self.service_level, "a share strictly between 0 and 1, e.g. 0.8")?;
        within("shrinkage", self.shrinkage, 0.0, 0.95, "a share from 0 up to 0.95")?;
        within("max_occupancy", self.max_occupancy, 0.01, 1.0, "a share above 0 and at most 1, e.g. 0.85")?;
        if let Some(p) = self.patience_s {
            within("patience_s", p, 1.0, 3600.0, "between 1 and 3600 seconds (an hour)")?;
        }
        match (self.max_abandon, self.patience_s) {
            (Some(_), None) => Err(invalid("max_abandon", "needs patience_s: without patience nobody hangs up")),
            (Some(m), Some(_)) => open_share("max_abandon", m, "a share strictly between 0 and 1, e.g. 0.05"),
            _ => Ok(()),
        }
    }
}

/// Erlang A's work grows with (answer rate × answer time) × queue length: it is computed for
/// centres up to 2,000 Erlang and handling times of 10 seconds or more.
fn check_erlang_a(load: &Load) -> Result<(), StaffingError> {
    if load.erlangs() > 2000.0 {
        return Err(invalid(
            "calls",
            format!("Erlang A is computed up to 2,000 Erlang (got {:.0}); leave out patience_s for Erlang C", load.erlangs()),
        ));
    }
    within("aht_s", load.aht_s, 10.0, DAY_S, "at least 10 seconds for Erlang A")
}

/// Erlang B: the share of calls blocked with `n` lines and `a` Erlang.
pub fn erlang_b(n: u32, a: f64) -> f64 {
    (1..=n).fold(1.0, |b, k| a * b / (k as f64 + a * b))
}

/// Erlang C from Erlang B: the probability that a caller waits (1 when the queue never empties).
fn erlang_c_from_b(n: u32, a: f64, b: f64) -> f64 {
    let n = n as f64;
    if n <= a { 1.0 } else { (n * b / (n - a * (1.0 - b))).min(1.0) }
}

/// The probability that a caller waits, with `n` agents and `a` Erlang.
pub fn erlang_c(n: u32, a: f64) -> f64 {
    erlang_c_from_b(n, a, erlang_b(n, a))
}

/// Erlang C's figures for `n` agents.
pub fn erlang_c_staffing(n: u32, load: &Load, target_answer_s: f64) -> Staffing {
    measures_c(n, load, target_answer_s, erlang_b(n, load.erlangs()))
}

fn measures_c(n: u32, load: &Load, t: f64, b: f64) -> Staffing {
    let a = load.erlangs();
    let p_wait = erlang_c_from_b(n, a, b);
    let spare = n as f64 - a;
    let (service_level, asa_s) = if spare <= 0.0 {
        (0.0, f64::INFINITY)
    } else {
        ((1.0 - p_wait * (-spare * t / load.aht_s).exp()).clamp(0.0, 1.0), p_wait * load.aht_s / spare)
    };
    let occupancy = if n == 0 { 1.0 } else { (a / n as f64).min(1.0) };
    Staffing { agents: n, scheduled_agents: n, service_level, asa_s, occupancy, p_wait, p_abandon: None }
}

/// The fewest agents that meet every target, and what they achieve.
pub fn required(load: &Load, targets: &Targets) -> Result<Staffing, StaffingError> {
    load.check()?;
    targets.check_for(load.interval_s)?;
    if targets.patience_s.is_some() {
        check_erlang_a(load)?;
    }
    let mut s = if load.calls == 0.0 {
        Staffing { agents: 0, scheduled_agents: 0, service_level: 1.0, asa_s: 0.0, occupancy: 0.0, p_wait: 0.0, p_abandon: None }
    } else if targets.patience_s.is_some() {
        required_a(load, targets)?
    } else {
        required_c(load, targets)?
    };
    if targets.patience_s.is_some() && s.p_abandon.is_none() {
        s.p_abandon = Some(0.0);
    }
    s.scheduled_agents = scheduled(s.agents, targets.shrinkage)?;
    Ok(s)
}

/// Agents to schedule so that `agents` remain after shrinkage.
fn scheduled(agents: u32, shrinkage: f64) -> Result<u32, StaffingError> {
    // A hair below the exact quotient absorbs rounding (14 / 0.7 is 20.000000000000004).
    let n = (agents as f64 / (1.0 - shrinkage) - 1e-9).ceil().max(agents as f64);
    if n > MAX_AGENTS as f64 {
        return Err(StaffingError::Impossible(format!(
            "{agents} agents after {shrinkage} shrinkage need more than {MAX_AGENTS} scheduled"
        )));
    }
    Ok(n as u32)
}

fn too_many(load: &Load) -> StaffingError {
    StaffingError::Impossible(format!(
        "the targets need more than {MAX_AGENTS} agents for {:.0} Erlang; lower the targets or check the figures",
        load.erlangs()
    ))
}

/// Erlang C: walk up the agents with the Erlang B recursion, one step each.
fn required_c(load: &Load, t: &Targets) -> Result<Staffing, StaffingError> {
    let a = load.erlangs();
    let mut b = 1.0;
    for n in 1..=MAX_AGENTS {
        b = a * b / (n as f64 + a * b);
        if (n as f64) <= a || a / (n as f64) > t.max_occupancy + EPS {
            continue;
        }
        let s = measures_c(n, load, t.target_answer_s, b);
        if s.service_level >= t.service_level - EPS {
            return Ok(s);
        }
    }
    Err(too_many(load))
}

/// Erlang A: every figure improves with more agents, so a doubling search and a bisection find
/// the fewest that meet the targets.
fn required_a(load: &Load, t: &Targets) -> Result<Staffing, StaffingError> {
    let patience = t.patience_s.unwrap_or(f64::INFINITY);
    let at = |n: u32| erlang_a::staffing(n, load, patience, t.target_answer_s);
    let meets = |s: &Staffing| {
        s.service_level >= t.service_level - EPS
            && s.occupancy <= t.max_occupancy + EPS
            && t.max_abandon.is_none_or(|m| s.p_abandon.unwrap_or(0.0) <= m + EPS)
    };
    let mut hi = (load.erlangs().ceil() as u32).clamp(1, MAX_AGENTS);
    let mut best = at(hi);
    while !meets(&best) {
        if hi == MAX_AGENTS {
            return Err(too_many(load));
        }
        hi = (hi * 2).min(MAX_AGENTS);
        best = at(hi);
    }
    let mut lo = 0; // lo never meets the targets (0 agents answer nobody)
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let s = at(mid);
        if meets(&s) {
            (hi, best) = (mid, s);
        } else {
            lo = mid;
        }
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn targets(sl: f64, t: f64) -> Targets {
        Targets { target_answer_s: t, service_level: sl, shrinkage: 0.3, max_occupancy: 1.0, patience_s: None, max_abandon: None }
    }

    #[test]
    fn the_published_worked_example() {
        // 100 calls in 30 minutes, 180 s handling, 80 % answered in 20 s: 14 agents, 20 scheduled at 30 % shrinkage.
        let load = Load { calls: 100.0, interval_s: 1800.0, aht_s: 180.0 };
        let s = required(&load, &targets(0.8, 20.0)).unwrap();
        assert_eq!((s.agents, s.scheduled_agents), (14, 20));
        assert!((s.service_level - 0.8884).abs() < 1e-3, "{s:?}");
        assert!((s.p_wait - 0.1741).abs() < 1e-3, "{s:?}");
        assert!((s.asa_s - 7.8).abs() < 0.1, "{s:?}");
        assert!((s.occupancy - 10.0 / 14.0).abs() < 1e-12);
        // 13 agents miss the target: 14 is the fewest.
        assert!(erlang_c_staffing(13, &load, 20.0).service_level < 0.8);
    }

    #[test]
    fn erlang_b_and_c_match_known_values() {
        assert!((erlang_b(10, 10.0) - 0.21458).abs() < 1e-5);
        assert!((erlang_c(11, 10.0) - 0.68209).abs() < 1e-4);
        assert_eq!(erlang_c(10, 10.0), 1.0, "no spare capacity: everyone waits");
    }

    #[test]
    fn large_centres_stay_finite() {
        let load = Load { calls: 20_000.0, interval_s: 1800.0, aht_s: 180.0 }; // 2,000 Erlang
        let s = required(&load, &targets(0.9, 15.0)).unwrap();
        assert!((2001..2100).contains(&s.agents), "{s:?}");
        assert!(s.service_level.is_finite() && s.p_wait.is_finite() && s.asa_s.is_finite());
        assert!(erlang_b(2000, 2000.0).is_finite() && erlang_b(2000, 2000.0) > 0.0);
    }

    #[test]
    fn the_occupancy_cap_and_zero_calls() {
        let load = Load { calls: 100.0, interval_s: 1800.0, aht_s: 180.0 };
        let capped = Targets { max_occupancy: 0.6, ..targets(0.8, 20.0) };
        assert_eq!(required(&load, &capped).unwrap().agents, 17, "10 Erlang at most 60 % busy");
        let exact = Load { calls: 204.0, interval_s: 1800.0, aht_s: 270.0 }; // 30.6 Erlang
        assert_eq!(
            required(&exact, &Targets { max_occupancy: 0.85, ..targets(0.8, 20.0) }).unwrap().agents,
            36,
            "exactly 85 % busy is allowed"
        );
        let none = required(&Load { calls: 0.0, ..load }, &targets(0.8, 20.0)).unwrap();
        assert_eq!((none.agents, none.scheduled_agents, none.service_level), (0, 0, 1.0));
    }

    #[test]
    fn bad_input_is_named_by_field() {
        let load = Load { calls: 100.0, interval_s: 1800.0, aht_s: 180.0 };
        let field = |l: Load, t: Targets| match required(&l, &t) {
            Err(StaffingError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(Load { aht_s: 0.0, ..load }, targets(0.8, 20.0)), "aht_s");
        assert_eq!(field(Load { aht_s: -5.0, ..load }, targets(0.8, 20.0)), "aht_s");
        assert_eq!(field(Load { calls: f64::NAN, ..load }, targets(0.8, 20.0)), "calls");
        assert_eq!(field(load, targets(1.0, 20.0)), "target_service_level");
        assert_eq!(field(load, targets(0.0, 20.0)), "target_service_level");
        assert_eq!(field(load, Targets { shrinkage: 1.0, ..targets(0.8, 20.0) }), "shrinkage");
        assert_eq!(field(load, Targets { max_occupancy: 0.0, ..targets(0.8, 20.0) }), "max_occupancy");
        assert_eq!(field(load, Targets { max_abandon: Some(0.05), ..targets(0.8, 20.0) }), "max_abandon");
        assert_eq!(field(load, Targets { patience_s: Some(0.0), ..targets(0.8, 20.0) }), "patience_s");
        // 14 billion Erlang (in a minute, so that the 20 s target fits the interval).
        let huge = Load { calls: 1e7, interval_s: 60.0, aht_s: 86_400.0 };
        assert!(matches!(required(&huge, &targets(0.8, 20.0)), Err(StaffingError::Impossible(_))));
    }

    fn refusal(l: Load, t: Targets) -> (&'static str, String) {
        match required(&l, &t) {
            Err(StaffingError::Invalid { field, message }) => (field, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn erlang_c_takes_answer_targets_up_to_the_interval() {
        // A callback queue: called back within 20 minutes, in a 30-minute interval.
        let load = Load { calls: 100.0, interval_s: 1800.0, aht_s: 180.0 };
        let s = required(&load, &targets(0.8, 1200.0)).unwrap();
        assert!(s.service_level >= 0.8 && s.agents <= 14, "a longer target needs no more agents: {s:?}");
        assert!(s.agents > 10, "10 Erlang need more than 10 agents: {s:?}");
        assert!(required(&load, &targets(0.8, 1800.0)).is_ok(), "the interval's whole length");
        assert!(targets(0.8, 1200.0).check().is_ok());
        let hour = Load { interval_s: 3600.0, ..load };
        assert!(required(&hour, &targets(0.8, 2400.0)).is_ok());
    }

    #[test]
    fn erlang_c_refuses_answer_targets_past_the_interval() {
        let load = Load { calls: 100.0, interval_s: 1800.0, aht_s: 180.0 };
        let (field, message) = refusal(load, targets(0.8, 1800.5));
        assert_eq!(field, "target_answer_s");
        assert!(message.contains("between 0 and 1800 seconds"), "{message}");
        let (field, message) = refusal(Load { interval_s: 900.0, ..load }, targets(0.8, 1200.0));
        assert_eq!(field, "target_answer_s");
        assert!(message.contains("between 0 and 900 seconds"), "{message}");
        assert_eq!(refusal(load, targets(0.8, -1.0)).0, "target_answer_s");
        assert_eq!(refusal(load, targets(0.8, f64::INFINITY)).0, "target_answer_s");
        // Without an interval, a day is the longest.
        assert!(targets(0.8, 86_400.5).check().is_err());
    }

    #[test]
    fn erlang_a_keeps_its_ten_minutes() {
        let load = Load { calls: 100.0, interval_s: 1800.0, aht_s: 180.0 };
        let patient = |t: f64| Targets { patience_s: Some(120.0), ..targets(0.8, t) };
        assert!(required(&load, &patient(600.0)).is_ok());
        let (field, message) = refusal(load, patient(601.0));
        assert_eq!(field, "target_answer_s");
        assert!(message.contains("between 0 and 600 seconds for Erlang A"), "{message}");
        assert!(patient(1200.0).check().is_err(), "with patience, whatever the interval");
    }

    proptest::proptest! {
        #[test]
        fn service_level_rises_with_agents(calls in 1.0f64..5000.0, aht in 10.0f64..900.0, t in 0.0f64..120.0, n in 1u32..3000) {
            let load = Load { calls, interval_s: 1800.0, aht_s: aht };
            let (a, b) = (erlang_c_staffing(n, &load, t), erlang_c_staffing(n + 1, &load, t));
            proptest::prop_assert!(b.service_level >= a.service_level - 1e-12, "{a:?} {b:?}");
            proptest::prop_assert!(b.p_wait <= a.p_wait + 1e-12);
            proptest::prop_assert!((0.0..=1.0).contains(&a.service_level) && (0.0..=1.0).contains(&a.p_wait));
        }

        #[test]
        fn the_answer_is_the_fewest_that_meets_the_target(calls in 1.0f64..3000.0, aht in 30.0f64..600.0, sl in 0.5f64..0.95, t in 5.0f64..60.0) {
            let load = Load { calls, interval_s: 1800.0, aht_s: aht };
            let s = required(&load, &targets(sl, t)).unwrap();
            proptest::prop_assert!(s.service_level >= sl);
            if s.agents > 1 {
                proptest::prop_assert!(erlang_c_staffing(s.agents - 1, &load, t).service_level < sl);
            }
        }
    }
}
