//! Shifts for the crisis line and their distribution over the member municipalities: a base
//! share (60–70 % by the collaboration's rule) by population, the rest offered for bidding.

use crate::error::{Problems, code};
use crate::{DomainError, time as local};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub const MAX_SHIFTS: usize = 200;
pub const MAX_AGENTS_PER_SHIFT: u32 = 500;
/// The collaboration's rule: 60–70 % of shifts are a base share; 65 % unless the plan says.
pub const DEFAULT_BASE_SHARE: f64 = 0.65;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShift {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(format = DateTime)]
    pub start: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(format = DateTime)]
    pub end: OffsetDateTime,
    pub agents: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    #[schema(min_items = 1, max_items = 200)]
    pub shifts: Vec<NewShift>,
    #[serde(default = "default_share")]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub base_share: f64,
}

fn default_share() -> f64 {
    DEFAULT_BASE_SHARE
}

impl NewPlan {
    /// Shifts in time order, each from 1 to 24 hours with 1–500 agents; a base share in [0, 1].
    pub fn validate(mut self) -> Result<NewPlan, DomainError> {
        let mut p = Problems::default();
        if self.shifts.is_empty() || self.shifts.len() > MAX_SHIFTS {
            let mut one = Problems::default();
            one.add_limit("shifts", code::TOO_MANY, MAX_SHIFTS, format!("send from 1 to {MAX_SHIFTS} shifts"));
            return one.into_result().map(|_| self);
        }
        if !(self.base_share.is_finite() && (0.0..=1.0).contains(&self.base_share)) {
            p.add_coded("base_share", code::SHARE, "must be a share from 0 to 1, e.g. 0.65");
        }
        if let Some(i) = self.shifts.iter().position(|s| !local::plausible(s.start) || !local::plausible(s.end)) {
            return Err(DomainError::invalid_coded(format!("shifts[{i}].start"), code::SHIFT_YEARS, "shifts lie in the years 2000–2099"));
        }
        for s in &mut self.shifts {
            s.start = local::truncate(s.start);
            s.end = local::truncate(s.end);
        }
        for (i, s) in self.shifts.iter().enumerate() {
            let long = s.end - s.start;
            if long < Duration::hours(1) || long > Duration::hours(24) {
                p.add_coded(&format!("shifts[{i}].end"), code::SHIFT_LENGTH, "a shift lasts from 1 to 24 hours after its start");
            }
            if !(1..=MAX_AGENTS_PER_SHIFT).contains(&s.agents) {
                p.add_limit(
                    &format!("shifts[{i}].agents"),
                    code::SHIFT_AGENTS,
                    MAX_AGENTS_PER_SHIFT as usize,
                    format!("must be from 1 to {MAX_AGENTS_PER_SHIFT} agents"),
                );
            }
            if i > 0 && s.start < self.shifts[i - 1].start {
                p.add_coded(&format!("shifts[{i}].start"), code::SHIFT_ORDER, "shifts must be in time order");
            }
        }
        p.into_result()?;
        Ok(self)
    }

    /// The base seats of a shift: its share of the agents, rounded half up.
    pub fn base(&self, agents: u32) -> u32 {
        (agents as f64 * self.base_share + 0.5).floor().min(agents as f64) as u32
    }
}

/// One shift of a stored plan, with who is to staff it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Shift {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub end: OffsetDateTime,
    pub agents: u32,
    /// The base share's seats, and the seats offered for bidding.
    pub base: u32,
    pub open: u32,
    /// Per member municipality: base seats, bid, awarded.
    pub members: Vec<Commitment>,
}

impl Shift {
    pub fn awarded(&self) -> u32 {
        self.members.iter().map(|m| m.awarded).sum()
    }

    /// Agents committed: the base share and what was awarded.
    pub fn rostered(&self) -> u32 {
        self.members.iter().map(|m| m.base + m.awarded).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Commitment {
    pub org: String,
    pub base: u32,
    pub bid: u32,
    pub awarded: u32,
}

/// A member's bid: how many agents it offers for an open shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bid {
    pub shift: Uuid,
    pub agents: u32,
}

impl Bid {
    pub fn check(&self, shift: &Shift) -> Result<(), DomainError> {
        if self.agents > shift.open {
            return Err(DomainError::invalid("agents", format!("at most the {} agents offered for bidding on this shift", shift.open)));
        }
        Ok(())
    }
}

/// Agents rostered over `[from, to)`: the shifts that cover all of it (a shift that covers only
/// part of an interval does not staff the whole interval).
pub fn rostered(shifts: &[Shift], from: OffsetDateTime, to: OffsetDateTime) -> u32 {
    shifts.iter().filter(|s| s.start <= from && s.end >= to).map(Shift::rostered).sum()
}

/// Each member's weight for the base seats, by population: a municipality hit by the crisis
/// has its hands full and gets no base share of its own crisis (it may still bid). Refused when
/// every member is affected, for then nobody can take the base seats.
pub fn base_weights(members: &[(&str, i64)], affected: &[String]) -> Result<Vec<u64>, DomainError> {
    let weights: Vec<u64> =
        members.iter().map(|(code, population)| if affected.iter().any(|a| a == code) { 0 } else { (*population).max(1) as u64 }).collect();
    if weights.iter().all(|&w| w == 0) {
        return Err(DomainError::Conflict(
            "every member municipality is affected by this crisis: make an unaffected municipality a member to lay base shifts".into(),
        ));
    }
    Ok(weights)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn shift(start: OffsetDateTime, hours: i64, agents: u32) -> NewShift {
        NewShift { start, end: start + Duration::hours(hours), agents }
    }

    const T: OffsetDateTime = datetime!(2026-11-23 06:00 UTC);

    #[test]
    fn the_affected_municipality_gets_no_base_share_of_its_own_crisis() {
        let members = [("0250", 45_000), ("0253", 50_000), ("0101", 650_000)];
        assert_eq!(base_weights(&members, &["0250".into()]).unwrap(), [0, 50_000, 650_000]);
        assert_eq!(base_weights(&[("0250", 0)], &[]).unwrap(), [1], "an unknown population still counts");
        assert!(base_weights(&members[..1], &["0250".into()]).is_err(), "nobody left to take the base seats");
    }

    #[test]
    fn a_plan_is_checked_by_field() {
        let ok = NewPlan { shifts: vec![shift(T, 8, 20), shift(T + Duration::hours(8), 8, 14)], base_share: 0.65 }.validate().unwrap();
        assert_eq!((ok.base(20), ok.base(14), ok.base(1)), (13, 9, 1));
        let bad = NewPlan { shifts: vec![shift(T, 8, 0), shift(T - Duration::hours(1), 30, 5)], base_share: 1.2 }.validate().unwrap_err();
        let DomainError::Invalid(f) = bad else { panic!() };
        let fields: Vec<&str> = f.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["base_share", "shifts[0].agents", "shifts[1].end", "shifts[1].start"]);
        assert!(NewPlan { shifts: vec![], base_share: 0.65 }.validate().is_err());
    }

    #[test]
    fn rostered_counts_shifts_covering_the_whole_interval() {
        let commit = |base, awarded| Commitment { org: "0250".into(), base, bid: 0, awarded };
        let s = Shift { id: Uuid::nil(), start: T, end: T + Duration::hours(8), agents: 10, base: 7, open: 3, members: vec![commit(7, 2)] };
        assert_eq!(rostered(std::slice::from_ref(&s), T, T + Duration::minutes(30)), 9);
        assert_eq!(rostered(std::slice::from_ref(&s), T - Duration::minutes(30), T), 0);
        assert_eq!(s.awarded(), 2);
    }
}
