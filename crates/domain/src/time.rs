//! Time is stored in UTC and shown in Europe/Copenhagen.

use jiff::Timestamp;
use jiff::tz::{AmbiguousOffset, TimeZone, TimeZoneDatabase};
use std::sync::LazyLock;
use time::{OffsetDateTime, UtcOffset};

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

/// Europe/Copenhagen from the IANA time-zone database that jiff compiles into the binary: the
/// same answer on every machine, with or without a system zoneinfo, and no file read at run time.
static COPENHAGEN: LazyLock<TimeZone> =
    LazyLock::new(|| TimeZoneDatabase::bundled().get("Europe/Copenhagen").expect("the bundled time-zone database has Europe/Copenhagen"));

fn utc_offset(o: jiff::tz::Offset) -> UtcOffset {
    UtcOffset::from_whole_seconds(o.seconds()).expect("a time-zone offset is within ±25:59:59")
}

/// Denmark's offset at an instant, as the time-zone database has it: CET (+1) and, since 1980,
/// CEST (+2) in summer, which ended on the last Sunday of September until 1995 and has ended on
/// the last Sunday of October since 1996.
pub fn copenhagen_offset(t: OffsetDateTime) -> UtcOffset {
    // Offsets change on whole seconds, so the second an instant falls in has its offset; the
    // few seconds at the ends of `time`'s range beyond jiff's have the offset of jiff's ends.
    let second = t.unix_timestamp().clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
    let instant = Timestamp::from_second(second).expect("clamped to jiff's range");
    utc_offset(COPENHAGEN.to_offset(instant))
}

/// A wall-clock time in Copenhagen, as a form's `datetime-local` gives it ("2026-11-23T14:00"),
/// as an instant. In the autumn's repeated hour the earlier (summer-time) instant is taken. A
/// time the spring change skips (02:00–02:59 on the last Sunday of March) is read with the offset
/// in force before the change, +01:00, as if the clock had not yet been put forward: 02:30 is the
/// instant the clocks show as 03:30 summer time (the reading RFC 5545 and Temporal call
/// "compatible").
pub fn from_local_input(s: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let local = time::PrimitiveDateTime::parse(s.trim(), &format).ok()?;
    let civil = jiff::civil::DateTime::new(
        i16::try_from(local.year()).ok()?,
        local.month() as i8,
        local.day() as i8,
        local.hour() as i8,
        local.minute() as i8,
        0,
        0,
    )
    .ok()?;
    let offset = match COPENHAGEN.to_ambiguous_timestamp(civil).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        // Gap: the offset before the change; fold: the earlier instant, still summer time.
        AmbiguousOffset::Gap { before, .. } | AmbiguousOffset::Fold { before, .. } => before,
    };
    local.assume_offset(utc_offset(offset)).checked_to_offset(UtcOffset::UTC)
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

/// `23.11.2026 kl. 14.05` in Copenhagen time, as Danish texts write it: what pages, mails and
/// the log say.
pub fn format_danish(t: OffsetDateTime) -> String {
    let l = to_copenhagen(t);
    format!("{:02}.{:02}.{} kl. {:02}.{:02}", l.day(), l.month() as u8, l.year(), l.hour(), l.minute())
}

/// `23.11.2026 14:05` in Copenhagen time: the exports' column, which spreadsheets read as a time.
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

// A calendar day as JSON writes it: `2027-01-01`.
time::serde::format_description!(pub date, Date, "[year]-[month]-[day]");

/// A calendar day typed as `2027-01-01`.
pub fn parse_date(s: &str) -> Option<time::Date> {
    time::Date::parse(s.trim(), &time::macros::format_description!("[year]-[month]-[day]")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Date;

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

    fn hours(t: OffsetDateTime) -> (i8, i8) {
        let o = copenhagen_offset(t);
        (o.whole_hours(), o.minutes_past_hour())
    }

    #[test]
    fn summer_time_ended_in_september_until_1995() {
        // The last Sunday of October rule holds only since 1996: before, summer time ended on
        // the last Sunday of September (24 September 1995, 30 September 1990), 01:00 UTC.
        assert_eq!(hours(datetime!(1995-10-01 12:00 UTC)), (1, 0));
        assert_eq!(hours(datetime!(1990-10-15 12:00 UTC)), (1, 0));
        assert_eq!(hours(datetime!(1995-09-24 00:59:59 UTC)), (2, 0));
        assert_eq!(hours(datetime!(1995-09-24 01:00 UTC)), (1, 0));
        assert_eq!(hours(datetime!(1990-09-30 00:59:59 UTC)), (2, 0));
        assert_eq!(hours(datetime!(1990-09-30 01:00 UTC)), (1, 0));
        // 1996, the first year of the October end.
        assert_eq!(hours(datetime!(1996-10-27 00:59:59 UTC)), (2, 0));
        assert_eq!(hours(datetime!(1996-10-27 01:00 UTC)), (1, 0));
        // A time typed in that October is winter time: 14:00 is 13:00 UTC, not 12:00.
        assert_eq!(from_local_input("1995-10-01T14:00"), Some(datetime!(1995-10-01 13:00 UTC)));
        assert_eq!(to_local_input(datetime!(1995-10-01 13:00 UTC)), "1995-10-01T14:00");
        // The last Sunday of October 1995 repeats no hour: 02:30 is 01:30 UTC.
        assert_eq!(from_local_input("1995-10-29T02:30"), Some(datetime!(1995-10-29 01:30 UTC)));
    }

    #[test]
    fn no_summer_time_before_1980() {
        // Denmark kept CET all year from 1949 to 1979; summer time came back on 6 April 1980.
        assert_eq!(hours(datetime!(1979-07-01 12:00 UTC)), (1, 0));
        assert_eq!(hours(datetime!(1980-04-06 00:59:59 UTC)), (1, 0));
        assert_eq!(hours(datetime!(1980-04-06 01:00 UTC)), (2, 0));
        assert_eq!(format_local(datetime!(1979-07-01 12:00 UTC)), "01.07.1979 13:00");
    }

    #[test]
    fn the_repeated_autumn_hour_reads_as_summer_time() {
        // 25 October 2026: 02:00–02:59 comes twice, at 00:xx UTC (+02:00) and 01:xx UTC (+01:00).
        assert_eq!(from_local_input("2026-10-25T01:59"), Some(datetime!(2026-10-24 23:59 UTC)));
        assert_eq!(from_local_input("2026-10-25T02:00"), Some(datetime!(2026-10-25 00:00 UTC)));
        assert_eq!(from_local_input("2026-10-25T02:30"), Some(datetime!(2026-10-25 00:30 UTC)));
        assert_eq!(from_local_input("2026-10-25T02:59"), Some(datetime!(2026-10-25 00:59 UTC)));
        assert_eq!(from_local_input("2026-10-25T03:00"), Some(datetime!(2026-10-25 02:00 UTC)));
        // Both instants show as 02:30.
        assert_eq!(to_local_input(datetime!(2026-10-25 00:30 UTC)), "2026-10-25T02:30");
        assert_eq!(to_local_input(datetime!(2026-10-25 01:30 UTC)), "2026-10-25T02:30");
        // In 1995 the repeated hour was in September.
        assert_eq!(from_local_input("1995-09-24T02:30"), Some(datetime!(1995-09-24 00:30 UTC)));
    }

    #[test]
    fn the_skipped_spring_hour_reads_as_winter_time() {
        // 29 March 2026: the clocks go from 02:00 straight to 03:00. 02:30 is read as +01:00,
        // 01:30 UTC, the instant the clocks show as 03:30.
        assert_eq!(from_local_input("2026-03-29T01:59"), Some(datetime!(2026-03-29 00:59 UTC)));
        assert_eq!(from_local_input("2026-03-29T02:00"), Some(datetime!(2026-03-29 01:00 UTC)));
        assert_eq!(from_local_input("2026-03-29T02:30"), Some(datetime!(2026-03-29 01:30 UTC)));
        assert_eq!(from_local_input("2026-03-29T03:00"), Some(datetime!(2026-03-29 01:00 UTC)));
        assert_eq!(to_local_input(datetime!(2026-03-29 01:30 UTC)), "2026-03-29T03:30");
        assert_eq!(from_local_text("2026-03-29 02:30"), Some(datetime!(2026-03-29 01:30 UTC)));
    }

    #[test]
    fn far_years_have_an_offset() {
        // Nothing panics at the ends of `time`'s range, outside the database's transitions.
        let _ = copenhagen_offset(OffsetDateTime::new_utc(Date::MIN, time::Time::MIDNIGHT));
        let _ = copenhagen_offset(OffsetDateTime::new_utc(Date::MAX, time::Time::MAX));
        assert_eq!(hours(datetime!(2099-07-01 12:00 UTC)), (2, 0));
        assert_eq!(hours(datetime!(2099-12-01 12:00 UTC)), (1, 0));
        assert!(from_local_input("9999-12-31T23:59").is_some());
        // Midnight at the start of year -9999 in Copenhagen is before the earliest instant `time`
        // holds: no answer, and no panic.
        assert_eq!(from_local_input("-9999-01-01T00:00"), None);
    }

    proptest::proptest! {
        /// Every instant's wall-clock time reads back as that instant, or, in the repeated
        /// hour, as the summer-time instant an hour earlier.
        #[test]
        fn wall_clock_reads_back(minutes in 0i64..(100 * 366 * 24 * 60)) {
            let t = datetime!(2000-01-01 00:00 UTC) + time::Duration::minutes(minutes);
            let back = from_local_input(&to_local_input(t)).unwrap();
            proptest::prop_assert!(back == t || back == t - time::Duration::hours(1), "{t} read back as {back}");
        }
    }

    #[test]
    fn local_format() {
        assert_eq!(format_local(datetime!(2026-11-23 13:05 UTC)), "23.11.2026 14:05");
        assert_eq!(format_danish(datetime!(2026-12-02 05:00 UTC)), "02.12.2026 kl. 06.00");
        assert_eq!(rfc3339(datetime!(2026-11-23 13:05:00.000_001 UTC)), "2026-11-23T13:05:00.000001Z");
    }

    #[test]
    fn truncates_to_micros() {
        let t = truncate(datetime!(2026-11-23 13:05:00.123_456_789 UTC));
        assert_eq!(t.nanosecond(), 123_456_000);
    }
}
