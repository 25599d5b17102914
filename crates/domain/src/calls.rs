//! Call statistics from the contact-centre platform: calls offered, answered and abandoned per
//! interval. Re-sending an interval (same start) replaces it; intervals never overlap.

use crate::error::Problems;
use crate::{DomainError, time as local};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// Intervals in one request or file: a fortnight of quarter hours.
pub const MAX_INTERVALS: usize = 2000;
const MAX_LENGTH_S: i64 = 86_400;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallInterval {
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    pub length_s: i64,
    pub offered: i64,
    pub answered: i64,
    pub abandoned: i64,
    pub answered_within_target: i64,
    pub avg_handle_s: f64,
    pub avg_wait_s: f64,
}

impl CallInterval {
    pub fn end(&self) -> OffsetDateTime {
        self.start + Duration::seconds(self.length_s)
    }

    /// Answered within the target, of the calls offered.
    pub fn service_level(&self) -> Option<f64> {
        (self.offered > 0).then(|| self.answered_within_target as f64 / self.offered as f64)
    }

    pub fn abandon_rate(&self) -> Option<f64> {
        (self.offered > 0).then(|| self.abandoned as f64 / self.offered as f64)
    }

    fn check(&self, p: &mut Problems, at: &str) {
        let f = |name: &str| format!("{at}.{name}");
        if !local::plausible(self.start) {
            p.add(&f("start"), "must be a time in the years 2000–2099");
        }
        if !(60..=MAX_LENGTH_S).contains(&self.length_s) {
            p.add(&f("length_s"), format!("must be between 60 and {MAX_LENGTH_S} seconds"));
        }
        for (name, v) in [("offered", self.offered), ("answered", self.answered), ("abandoned", self.abandoned)] {
            if !(0..=10_000_000).contains(&v) {
                p.add(&f(name), "must be a count from 0 to 10,000,000");
            }
        }
        if self.answered + self.abandoned > self.offered {
            p.add(&f("answered"), "answered and abandoned together cannot exceed the calls offered");
        }
        if !(0..=self.answered).contains(&self.answered_within_target) {
            p.add(&f("answered_within_target"), "must be from 0 up to the calls answered");
        }
        let seconds = |v: f64| v.is_finite() && (0.0..=MAX_LENGTH_S as f64).contains(&v);
        if !seconds(self.avg_handle_s) || (self.answered > 0 && self.avg_handle_s < 1.0) {
            p.add(&f("avg_handle_s"), "must be a handling time of at least 1 second when calls were answered");
        }
        if !seconds(self.avg_wait_s) {
            p.add(&f("avg_wait_s"), "must be 0 seconds or more");
        }
    }
}

/// A file's interval with its line number.
pub type Row = (usize, CallInterval);

/// A sent interval that was not kept, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rejected {
    /// The line of a CSV file, or the interval's index in a request (from 0).
    pub line: usize,
    pub reason: String,
}

/// Checks a request's intervals, all or nothing: each one valid, in time order, none overlapping
/// another or an interval already recorded with a different start.
pub fn check_strict(new: Vec<CallInterval>, existing: &[CallInterval]) -> Result<Vec<CallInterval>, DomainError> {
    if new.is_empty() || new.len() > MAX_INTERVALS {
        return Err(DomainError::invalid("intervals", format!("send from 1 to {MAX_INTERVALS} intervals")));
    }
    let mut p = Problems::default();
    for (i, c) in new.iter().enumerate() {
        c.check(&mut p, &format!("intervals[{i}]"));
    }
    // Order and overlaps only between intervals whose times are sound.
    p.into_result()?;
    let mut p = Problems::default();
    let new: Vec<CallInterval> = new.into_iter().map(normalise).collect();
    for (i, c) in new.iter().enumerate() {
        if i > 0 && c.start <= new[i - 1].start {
            p.add(&format!("intervals[{i}].start"), "intervals must go forward in time: this one starts before or with the one before");
        } else if i > 0 && c.start < new[i - 1].end() {
            p.add(&format!("intervals[{i}].start"), "overlaps the interval before it");
        } else if let Some(o) = clash(c, existing) {
            p.add(&format!("intervals[{i}].start"), o);
        }
    }
    p.into_result()?;
    Ok(new)
}

/// Sorts a file's rows by start and keeps those that are valid and overlap nothing; the rest
/// are rejected with their line and reason.
pub fn check_lenient(rows: Vec<Row>, existing: &[CallInterval]) -> (Vec<CallInterval>, Vec<Rejected>) {
    let (mut kept, mut rejected): (Vec<CallInterval>, Vec<Rejected>) = (Vec::new(), Vec::new());
    let mut sound = Vec::new();
    for (line, c) in rows {
        let mut p = Problems::default();
        c.check(&mut p, "row");
        match p.into_result() {
            Err(e) => rejected.push(Rejected { line, reason: e.to_string().replace("row.", "") }),
            Ok(()) => sound.push((line, normalise(c))),
        }
    }
    sound.sort_by_key(|(line, c)| (c.start, *line));
    for (line, c) in sound {
        let reason = match kept.last() {
            // In Copenhagen time the autumn's repeated hour cannot be told apart: say so.
            Some(prev) if prev.start == c.start => Some(
                "the same interval is in the file twice (write times with their offset, e.g. +01:00, in the autumn's repeated hour)"
                    .to_string(),
            ),
            Some(prev) if c.start < prev.end() => Some("overlaps an earlier interval in the file".to_string()),
            _ => clash(&c, existing),
        };
        match reason {
            Some(reason) => rejected.push(Rejected { line, reason }),
            None => kept.push(c),
        }
    }
    rejected.sort_by_key(|r| r.line);
    (kept, rejected)
}

fn normalise(mut c: CallInterval) -> CallInterval {
    c.start = local::truncate(c.start);
    c
}

/// Why `c` cannot sit beside the intervals already recorded (one with the same start it replaces).
fn clash(c: &CallInterval, existing: &[CallInterval]) -> Option<String> {
    existing.iter().find(|e| e.start != c.start && e.start < c.end() && c.start < e.end()).map(|e| {
        format!(
            "overlaps the interval already recorded from {} ({} s); re-send that one with its own start to replace it",
            local::format_local(e.start),
            e.length_s
        )
    })
}

/// The staffing lead's targets for an incident's crisis line (checked by the `staffing` crate,
/// which owns the queueing rules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffingSettings {
    /// The planning interval.
    pub interval_s: i64,
    /// The handling time to plan with; `None`: the calls' own recent average (else 180 s).
    pub aht_s: Option<f64>,
    pub target_answer_s: f64,
    pub target_service_level: f64,
    pub shrinkage: f64,
    pub max_occupancy: f64,
    pub patience_s: Option<f64>,
    pub max_abandon: Option<f64>,
}

impl StaffingSettings {
    /// Plans in quarter hours, half hours or hours.
    pub fn check_interval(&self) -> Result<(), DomainError> {
        if [900, 1800, 3600].contains(&self.interval_s) {
            Ok(())
        } else {
            Err(DomainError::invalid("interval_s", "plan in intervals of 900, 1800 or 3600 seconds"))
        }
    }
}

/// A hand-set figure belongs to one planning interval: it must name that interval's start.
pub fn check_interval_start(start: OffsetDateTime, interval_s: i64) -> Result<(), DomainError> {
    if interval_start(start, interval_s) == start {
        Ok(())
    } else {
        let minutes = interval_s / 60;
        let message = format!("must be the start of a planning interval ({minutes} minutes)");
        let mut p = crate::error::Problems::default();
        p.add_limit("start", crate::error::code::INTERVAL_START, minutes as usize, message);
        Err(p.into_error())
    }
}

impl Default for StaffingSettings {
    /// The collaboration's usual targets: 80 % answered within 20 seconds, 30 % shrinkage.
    fn default() -> Self {
        StaffingSettings {
            interval_s: 1800,
            aht_s: None,
            target_answer_s: 20.0,
            target_service_level: 0.8,
            shrinkage: 0.3,
            max_occupancy: 0.85,
            patience_s: None,
            max_abandon: None,
        }
    }
}

/// The staffing lead's own figure for an interval's calls, in place of the forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ForecastOverride {
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    pub calls: f64,
}

impl ForecastOverride {
    pub fn check(&self) -> Result<(), DomainError> {
        if self.calls.is_finite() && (0.0..=1e6).contains(&self.calls) {
            Ok(())
        } else {
            Err(DomainError::invalid_coded("calls", crate::error::code::CALLS_COUNT, "must be a number of calls from 0 to 1,000,000"))
        }
    }
}

/// The start of the planning interval of `interval_s` seconds that `t` falls in. Whole hours
/// and their halves and quarters fall on the same boundaries in UTC as in Copenhagen.
pub fn interval_start(t: OffsetDateTime, interval_s: i64) -> OffsetDateTime {
    let secs = t.unix_timestamp();
    OffsetDateTime::from_unix_timestamp(secs - secs.rem_euclid(interval_s)).unwrap_or(t)
}

/// The most planning intervals a series looks back: a fortnight of quarter hours.
const MAX_SERIES: i64 = 1344;

/// The calls of consecutive planning intervals up to the last one recorded (at most
/// [`MAX_SERIES`] of them). A recorded interval's calls are shared over the planning intervals it
/// overlaps, in proportion; a planning interval only partly covered counts at the rate of the
/// part that is (the newest quarter of a half hour is not a quiet half hour), and one with
/// nothing recorded repeats the one before (missing figures are not a quiet line either).
pub fn series(intervals: &[CallInterval], interval_s: i64) -> Option<(OffsetDateTime, Vec<f64>)> {
    let last_end = intervals.iter().map(CallInterval::end).max()?;
    let last = interval_start(last_end - Duration::seconds(1), interval_s);
    let first =
        interval_start(intervals.iter().map(|c| c.start).min()?, interval_s).max(last - Duration::seconds(interval_s * (MAX_SERIES - 1)));
    let n = ((last - first).whole_seconds() / interval_s) as usize + 1;
    let (mut calls, mut covered) = (vec![0.0f64; n], vec![0i64; n]);
    for c in intervals.iter().filter(|c| c.end() > first) {
        let mut bin = interval_start(c.start.max(first), interval_s);
        while bin < c.end() {
            let i = ((bin - first).whole_seconds() / interval_s) as usize;
            let from = c.start.max(bin);
            let to = c.end().min(bin + Duration::seconds(interval_s));
            let share = (to - from).whole_seconds();
            calls[i] += c.offered as f64 * share as f64 / c.length_s as f64;
            covered[i] += share;
            bin += Duration::seconds(interval_s);
        }
    }
    let mut out: Vec<f64> = Vec::with_capacity(n);
    for (c, s) in calls.into_iter().zip(covered) {
        let previous = out.last().copied().unwrap_or(0.0);
        out.push(if s == 0 { previous } else { c * interval_s as f64 / s.min(interval_s) as f64 });
    }
    Some((first, out))
}

/// The average handling time of the calls answered in the last `n` intervals recorded.
pub fn recent_aht(intervals: &[CallInterval], n: usize) -> Option<f64> {
    let recent = &intervals[intervals.len().saturating_sub(n)..];
    let answered: i64 = recent.iter().map(|c| c.answered).sum();
    (answered > 0).then(|| recent.iter().map(|c| c.avg_handle_s * c.answered as f64).sum::<f64>() / answered as f64)
}

const COLUMNS: [&str; 8] =
    ["start", "length_s", "offered", "answered", "abandoned", "answered_within_target", "avg_handle_s", "avg_wait_s"];

/// Reads a contact-centre export: a header naming the eight columns (any order, more allowed),
/// `,` or `;` between fields (whichever the header uses), a field quoted (`"Krise; Aarhus"`)
/// when it holds the separator, a decimal comma allowed (Danish spreadsheets write it; quote
/// it in a `,`-separated file: `"185,5"`), and `start` as RFC 3339 or Copenhagen wall-clock
/// time (`2026-11-23 14:00`). A missing column refuses the whole file; a broken row is
/// rejected on its own, by the line it starts on.
pub fn parse_csv(text: &str) -> Result<(Vec<Row>, Vec<Rejected>), DomainError> {
    // Excel starts its UTF-8 exports with a byte-order mark; the csv reader keeps it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    use crate::error::code;
    let empty = || DomainError::invalid_coded("file", code::CSV_EMPTY, "the file is empty: expected a header line and rows");
    let Some(header) = text.lines().find(|l| !l.trim().is_empty()) else {
        return Err(empty());
    };
    let sep = separator(header);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(sep).has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut records = reader.records().filter_map(|r| match r {
        // Blank lines, and lines of nothing but spaces.
        Ok(r) if r.len() == 1 && r[0].is_empty() => None,
        other => Some(other.map(|r| (crate::text::csv_line(text, &r), r))),
    });
    let unreadable =
        |e: csv::Error| DomainError::invalid_coded("file", code::CSV_UNREADABLE, format!("the file cannot be read as CSV: {e}"));
    let Some((_, header)) = records.next().transpose().map_err(unreadable)? else {
        return Err(empty());
    };
    let names: Vec<String> = header.iter().map(|h| unquote(h).to_lowercase()).collect();
    let missing: Vec<&str> = COLUMNS.iter().copied().filter(|c| !names.iter().any(|n| n == c)).collect();
    if !missing.is_empty() {
        let mut p = crate::error::Problems::default();
        let message = format!("the header lacks the column(s) {}; it needs {}", missing.join(", "), COLUMNS.join(", "));
        p.add_about("file", code::CSV_COLUMNS, &missing.join(", "), message);
        return Err(p.into_error());
    }
    let at = |c: &str| names.iter().position(|n| n == c).unwrap_or_default();
    let (mut rows, mut rejected) = (Vec::new(), Vec::new());
    for record in records {
        let (line, record) = record.map_err(unreadable)?;
        let fields: Vec<&str> = record.iter().map(unquote).collect();
        if fields.len() != names.len() {
            rejected.push(Rejected { line, reason: format!("has {} fields; the header has {}", fields.len(), names.len()) });
            continue;
        }
        match row(&fields, &at) {
            Ok(c) => rows.push((line, c)),
            Err(reason) => rejected.push(Rejected { line, reason }),
        }
        if rows.len() + rejected.len() > MAX_INTERVALS {
            let mut p = crate::error::Problems::default();
            p.add_limit("file", code::CSV_ROWS, MAX_INTERVALS, format!("at most {MAX_INTERVALS} rows per file"));
            return Err(p.into_error());
        }
    }
    Ok((rows, rejected))
}

/// `;` when the header line has one outside quotes, else `,`.
pub(crate) fn separator(header: &str) -> u8 {
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => return b';',
            _ => {}
        }
    }
    b','
}

/// A field as the reader gives it, trimmed, less the quotes of a field quoted after a space
/// (`1800; "90"`), which the reader keeps.
pub(crate) fn unquote(field: &str) -> &str {
    field.trim().trim_matches('"')
}

fn row(fields: &[&str], at: &dyn Fn(&str) -> usize) -> Result<CallInterval, String> {
    let get = |c: &str| fields[at(c)];
    let count = |c: &str| get(c).parse::<i64>().map_err(|_| format!("{c}: '{}' is not a whole number", get(c)));
    let seconds = |c: &str| {
        get(c)
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{c}: '{}' is not a number of seconds", get(c)))
    };
    Ok(CallInterval {
        start: parse_start(get("start"))
            .ok_or_else(|| format!("start: '{}' is not a time like 2026-11-23 14:00 or 2026-11-23T14:00:00+01:00", get("start")))?,
        length_s: count("length_s")?,
        offered: count("offered")?,
        answered: count("answered")?,
        abandoned: count("abandoned")?,
        answered_within_target: count("answered_within_target")?,
        avg_handle_s: seconds("avg_handle_s")?,
        avg_wait_s: seconds("avg_wait_s")?,
    })
}

fn parse_start(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok().or_else(|| local::from_local_text(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn interval(start: OffsetDateTime, offered: i64) -> CallInterval {
        CallInterval {
            start,
            length_s: 1800,
            offered,
            answered: offered * 9 / 10,
            abandoned: offered / 10,
            answered_within_target: offered * 7 / 10,
            avg_handle_s: 180.0,
            avg_wait_s: 12.5,
        }
    }

    const T: OffsetDateTime = datetime!(2026-11-23 13:00 UTC);

    fn fields(e: DomainError) -> Vec<String> {
        let DomainError::Invalid(f) = e else { panic!("{e:?}") };
        f.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_batch_goes_forward_without_overlaps() {
        let ok = check_strict(vec![interval(T, 100), interval(T + Duration::minutes(30), 120)], &[]).unwrap();
        assert_eq!(ok.len(), 2);
        assert!((ok[0].service_level().unwrap() - 0.7).abs() < 1e-12);
        let back = check_strict(vec![interval(T, 100), interval(T - Duration::minutes(30), 120)], &[]).unwrap_err();
        assert_eq!(fields(back), ["intervals[1].start"]);
        let overlap = check_strict(vec![interval(T, 100), interval(T + Duration::minutes(10), 120)], &[]).unwrap_err();
        assert_eq!(fields(overlap), ["intervals[1].start"]);
        // The same start replaces; a different start that overlaps what is recorded does not.
        assert!(check_strict(vec![interval(T, 90)], &[interval(T, 100)]).is_ok());
        let clash = check_strict(vec![interval(T + Duration::minutes(15), 90)], &[interval(T, 100)]).unwrap_err();
        assert_eq!(fields(clash), ["intervals[0].start"]);
        assert_eq!(fields(check_strict(vec![], &[]).unwrap_err()), ["intervals"]);
    }

    #[test]
    fn counts_must_add_up() {
        let mut c = interval(T, 100);
        c.answered = 95;
        c.answered_within_target = 96;
        c.avg_handle_s = 0.5;
        c.avg_wait_s = -1.0;
        c.length_s = 10;
        let f = fields(check_strict(vec![c], &[]).unwrap_err());
        for want in ["length_s", "answered", "answered_within_target", "avg_handle_s", "avg_wait_s"] {
            assert!(f.contains(&format!("intervals[0].{want}")), "{want} in {f:?}");
        }
        let nothing = CallInterval { answered: 0, abandoned: 0, answered_within_target: 0, avg_handle_s: 0.0, ..interval(T, 0) };
        assert!(check_strict(vec![nothing], &[]).is_ok(), "a quiet interval has no handling time");
    }

    #[test]
    fn a_danish_spreadsheet_export_with_broken_rows() {
        let csv = "\u{feff}start;length_s;offered;answered;abandoned;answered_within_target;avg_handle_s;avg_wait_s\n\
            2026-11-23 14:30;1800;120;110;10;90;185,5;14,2\n\
            2026-11-23 14:00;1800;100;90;10;70;180;12\n\
            \n\
            2026-11-23 15:00;1800;ti;90;10;70;180;12\n\
            2026-11-23 15:30;1800;100;90;20;70;180;12\n\
            2026-11-23 16:00;1800;100\n\
            2026-11-23 14:00;1800;100;90;10;70;180;12\n\
            2026-11-23 16:10;1800;100;90;10;70;180;12\n";
        let (rows, mut rejected) = parse_csv(csv).unwrap();
        let (kept, more) = check_lenient(rows, &[]);
        rejected.extend(more);
        rejected.sort_by_key(|r| r.line);
        assert_eq!(kept.len(), 3, "{kept:?}");
        assert_eq!(kept[0].start, datetime!(2026-11-23 13:00 UTC), "Copenhagen time, sorted");
        assert_eq!(kept[1].avg_handle_s, 185.5, "decimal comma");
        let lines: Vec<usize> = rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [5, 6, 7, 8], "{rejected:?}");
        assert!(rejected[0].reason.contains("offered: 'ti' is not a whole number"), "{rejected:?}");
        assert!(rejected[1].reason.contains("cannot exceed"), "{rejected:?}");
        assert!(rejected[2].reason.contains("3 fields"), "{rejected:?}");
        assert!(rejected[3].reason.contains("twice"), "{rejected:?}");
    }

    const HEADER: &str = "start;length_s;offered;answered;abandoned;answered_within_target;avg_handle_s;avg_wait_s";

    #[test]
    fn a_quoted_field_may_hold_the_separator() {
        // A queue name with the separator, in a column of its own and in the header.
        let csv = format!(
            "{HEADER};\"kø; navn\"\n\
            2026-11-23 14:00;1800;100;90;10;70;180;12;\"Krise; Aarhus\"\n\
            2026-11-23 14:30;1800;100;90;10;70;180;12;Krise\n"
        );
        let (rows, rejected) = parse_csv(&csv).unwrap();
        assert_eq!((rows.len(), rejected), (2, vec![]));
        // A decimal comma, quoted, in a file that separates by commas (and a header that
        // quotes a semicolon).
        let csv =
            format!("{},\"kø; navn\"\n2026-11-23T14:00:00+01:00,1800,100,90,10,70,\"185,5\",\"12,25\",Krise\n", HEADER.replace(';', ","));
        let (rows, rejected) = parse_csv(&csv).unwrap();
        assert_eq!(rejected, []);
        assert_eq!((rows[0].1.avg_handle_s, rows[0].1.avg_wait_s), (185.5, 12.25));
    }

    #[test]
    fn a_quoted_header_after_a_byte_order_mark() {
        let header = HEADER.split(';').map(|h| format!("\"{h}\"")).collect::<Vec<_>>().join(",");
        let csv = format!(
            "\u{feff}{header}\n\"2026-11-23 14:00\",\"1800\",100,90,10,70,180,12\n\"2026-11-23 14:30\", \"1800\", 100,90,10,70,180,12\n"
        );
        let (rows, rejected) = parse_csv(&csv).unwrap();
        assert_eq!((rows.len(), rejected), (2, vec![]), "quoted after a space too");
        assert_eq!(rows[0].1.start, datetime!(2026-11-23 13:00 UTC));
    }

    #[test]
    fn rows_are_reported_by_the_line_they_start_on() {
        // A note over two lines, blank lines and Windows line ends.
        let csv = format!(
            "{HEADER};note\r\n\
            2026-11-23 14:00;1800;100;90;10;70;180;12;\"first line\r\nsecond line\"\r\n\
            \r\n\
            2026-11-23 14:30;1800;ti;90;10;70;180;12;\r\n\
            \x20\x20\r\n\
            2026-11-23 15:00;1800;100\r\n"
        );
        let (rows, rejected) = parse_csv(&csv).unwrap();
        assert_eq!(rows.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [2]);
        let lines: Vec<usize> = rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [5, 7], "{rejected:?}");
        assert!(rejected[0].reason.contains("offered: 'ti'") && rejected[1].reason.contains("3 fields"), "{rejected:?}");
    }

    #[test]
    fn a_series_of_planning_intervals_fills_holes_with_the_interval_before() {
        let q = Duration::minutes(15);
        let quarter = |start, offered| CallInterval { length_s: 900, ..interval(start, offered) };
        let recorded = [quarter(T, 40), quarter(T + q, 60), quarter(T + 4 * q, 90), quarter(T + 5 * q, 30)];
        let (start, calls) = series(&recorded, 1800).unwrap();
        assert_eq!(start, T);
        assert_eq!(calls, [100.0, 100.0, 120.0], "the missing half hour repeats the one before");
        // Hours planned in half hours are shared, not counted twice; a lone newest quarter counts at its rate.
        let hour = |start, offered| CallInterval { length_s: 3600, ..interval(start, offered) };
        assert_eq!(series(&[hour(T, 10), hour(T + 4 * q, 10)], 1800).unwrap().1, [5.0, 5.0, 5.0, 5.0]);
        assert_eq!(series(&[interval(T, 100), quarter(T + 2 * q, 30)], 1800).unwrap().1, [100.0, 60.0]);
        assert!(series(&[], 1800).is_none());
        assert_eq!(interval_start(T + Duration::minutes(44), 1800), T + Duration::minutes(30));
        let mut slow = interval(T + 2 * q, 10);
        slow.avg_handle_s = 400.0;
        let aht = recent_aht(&[interval(T, 100), slow], 2).unwrap();
        assert!((aht - (180.0 * 90.0 + 400.0 * 9.0) / 99.0).abs() < 1e-9, "{aht}");
    }

    #[test]
    fn a_file_without_the_columns_is_refused_whole() {
        let e = parse_csv("start,offered\n2026-11-23T14:00:00Z,100\n").unwrap_err();
        assert!(e.to_string().contains("length_s, answered"), "{e}");
        assert!(parse_csv("").is_err());
        let (rows, rejected) =
            parse_csv("start,length_s,offered,answered,abandoned,answered_within_target,avg_handle_s,avg_wait_s\n2026-11-23T14:00:00Z,900,1,1,0,1,200,3\n").unwrap();
        assert_eq!((rows.len(), rejected.len()), (1, 0));
    }
}
