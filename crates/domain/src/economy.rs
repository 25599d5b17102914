//! The economic model's clock (issue 17): the contact centre's opening hours, and a stretch of
//! agent-time split into the hours inside and outside them. A member pays for extended opening
//! hours, so what an activation costs it turns on that split, in Copenhagen's wall-clock time.

use crate::DomainError;
use crate::error::Problems;
use serde::{Deserialize, Serialize};
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
        for (day, o) in DAY_NAMES.iter().zip(self.days) {
            if let Some(o) = o
                && !(o.open_min < o.close_min && o.close_min <= 24 * 60)
            {
                p.add(&format!("days.{day}"), "opens before it closes, between 00:00 and 24:00");
            }
        }
        p.into_result()?;
        Ok(self)
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
