//! Time is stored in UTC and shown in Europe/Copenhagen.

use time::{Date, Duration, Month, OffsetDateTime, UtcOffset, Weekday};

/// Now, truncated to whole microseconds: both databases keep microseconds, and the log's
/// hash chain must hash exactly what comes back.
pub fn now() -> OffsetDateTime {
    truncate(OffsetDateTime::now_utc())
}

/// Whether a time sent to us is one the service can plan with (years 2000–2099): it bounds the
/// arithmetic on it, so an out-of-range year is refused instead of overflowing.
pub fn plausible(t: OffsetDateTime) -> bool {
    (2000..2100).contains(&t.year())
}

pub fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(UtcOffset::UTC);
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000).expect("nanosecond within range")
}

fn last_sunday(year: i32, month: Month) -> Date {
    let mut d = Date::from_calendar_date(year, month, month.length(year)).expect("valid date");
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day().expect("valid date");
    }
    d
}

/// Denmark's offset at an instant: CEST (+2) from 01:00 UTC on the last Sunday of March
/// to 01:00 UTC on the last Sunday of October, CET (+1) otherwise (EU rule since 1996).
pub fn copenhagen_offset(t: OffsetDateTime) -> UtcOffset {
    let utc = t.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let start = last_sunday(year, Month::March).midnight().assume_utc() + Duration::hours(1);
    let end = last_sunday(year, Month::October).midnight().assume_utc() + Duration::hours(1);
    let hours = if utc >= start && utc < end { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).expect("valid offset")
}

/// A wall-clock time in Copenhagen, as a form's `datetime-local` gives it ("2026-11-23T14:00"),
/// as an instant. In the autumn's repeated hour the earlier (summer-time) instant is taken.
pub fn from_local_input(s: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let local = time::PrimitiveDateTime::parse(s.trim(), &format).ok()?;
    [2, 1]
        .into_iter()
        .map(|h| local.assume_offset(UtcOffset::from_hms(h, 0, 0).expect("valid offset")))
        .find(|t| copenhagen_offset(*t) == t.offset())
        .or_else(|| Some(local.assume_offset(UtcOffset::from_hms(1, 0, 0).expect("valid offset"))))
        .map(|t| t.to_offset(UtcOffset::UTC))
}

/// A Copenhagen wall-clock time as people type it in a file or a text box: `2026-11-23 14:00`
/// or `2026-11-23T14:00`.
pub fn from_local_text(s: &str) -> Option<OffsetDateTime> {
    from_local_input(&s.trim().replacen(' ', "T", 1))
}

/// The value a `datetime-local` input shows for an instant: Copenhagen wall-clock time.
pub fn to_local_input(t: OffsetDateTime) -> String {
    let l = to_copenhagen(t);
    format!("{}-{:02}-{:02}T{:02}:{:02}", l.year(), l.month() as u8, l.day(), l.hour(), l.minute())
}

pub fn to_copenhagen(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(copenhagen_offset(t))
}

/// `23.11.2026 14:05` in Copenhagen time, as Danish readers write it.
pub fn format_local(t: OffsetDateTime) -> String {
    let l = to_copenhagen(t);
    format!("{:02}.{:02}.{} {:02}:{:02}", l.day(), l.month() as u8, l.year(), l.hour(), l.minute())
}

/// RFC 3339 in UTC with microseconds; the canonical form for hashing and for the API.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_times_are_copenhagen_wall_clock() {
        let winter = from_local_input("2026-11-23T14:00").unwrap();
        assert_eq!(winter, time::macros::datetime!(2026-11-23 13:00 UTC));
        let summer = from_local_input("2026-07-01T14:00").unwrap();
        assert_eq!(summer, time::macros::datetime!(2026-07-01 12:00 UTC));
        assert_eq!(to_local_input(winter), "2026-11-23T14:00");
        assert_eq!(to_local_input(summer), "2026-07-01T14:00");
        assert!(from_local_input("23.11.2026 14:00").is_none());
        // 02:30 on the last Sunday of March does not exist; it reads as 02:30 +01:00.
        assert!(from_local_input("2026-03-29T02:30").is_some());
    }
    use time::macros::datetime;

    #[test]
    fn winter_and_summer_offsets() {
        assert_eq!(copenhagen_offset(datetime!(2026-11-23 12:00 UTC)).whole_hours(), 1);
        assert_eq!(copenhagen_offset(datetime!(2026-07-01 12:00 UTC)).whole_hours(), 2);
    }

    #[test]
    fn switch_instants_2026() {
        // 2026: summer time starts 29 March 01:00 UTC, ends 25 October 01:00 UTC.
        assert_eq!(copenhagen_offset(datetime!(2026-03-29 00:59:59 UTC)).whole_hours(), 1);
        assert_eq!(copenhagen_offset(datetime!(2026-03-29 01:00 UTC)).whole_hours(), 2);
        assert_eq!(copenhagen_offset(datetime!(2026-10-25 00:59:59 UTC)).whole_hours(), 2);
        assert_eq!(copenhagen_offset(datetime!(2026-10-25 01:00 UTC)).whole_hours(), 1);
    }

    #[test]
    fn local_format() {
        assert_eq!(format_local(datetime!(2026-11-23 13:05 UTC)), "23.11.2026 14:05");
        assert_eq!(rfc3339(datetime!(2026-11-23 13:05:00.000_001 UTC)), "2026-11-23T13:05:00.000001Z");
    }

    #[test]
    fn truncates_to_micros() {
        let t = truncate(datetime!(2026-11-23 13:05:00.123_456_789 UTC));
        assert_eq!(t.nanosecond(), 123_456_000);
    }
}
