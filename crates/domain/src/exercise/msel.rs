//! The injects as an MSEL spreadsheet: one row per inject, the columns HSEEP's MSEL names.

use super::scenario::{Inject, NewInject};
use crate::DomainError;
use crate::error::{Problems, code};

pub const COLUMNS: &[&str] = &["number", "at", "from", "to", "channel", "message", "expected_action", "objective"];

/// The injects as CSV with a byte-order mark, for a spreadsheet.
pub fn injects_to_csv(injects: &[Inject]) -> String {
    let rows = injects.iter().map(|i| {
        let n = i.to_new();
        vec![n.number.to_string(), n.at, n.from, n.to, n.channel, n.message, n.expected_action, n.objective]
    });
    format!("\u{feff}{}", crate::export::csv(COLUMNS, rows))
}

/// Reads the MSEL columns in any order, `,` or `;` between fields. The rows are checked as
/// injects by [`super::NewScenario::validate`]; here only what makes a row unreadable, by line.
pub fn injects_from_csv(text: &str) -> Result<Vec<NewInject>, DomainError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(header) = text.lines().find(|l| !l.trim().is_empty()) else {
        return Err(DomainError::invalid_coded("file", code::CSV_EMPTY, "the file is empty: expected a header line and rows"));
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(crate::calls::separator(header))
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let unreadable =
        |e: csv::Error| DomainError::invalid_coded("file", code::CSV_UNREADABLE, format!("the file cannot be read as CSV: {e}"));
    let mut records = reader.records().filter(|r| !matches!(r, Ok(r) if r.len() == 1 && r[0].is_empty()));
    let names: Vec<String> = match records.next().transpose().map_err(unreadable)? {
        Some(h) => h.iter().map(|c| crate::calls::unquote(c).to_lowercase()).collect(),
        None => return Err(DomainError::invalid_coded("file", code::CSV_EMPTY, "the file is empty")),
    };
    let missing: Vec<&str> = COLUMNS.iter().copied().filter(|c| !names.iter().any(|n| n == c)).collect();
    let mut p = Problems::default();
    if !missing.is_empty() {
        let message = format!("the header lacks the column(s) {}; it needs {}", missing.join(", "), COLUMNS.join(", "));
        p.add_about("file", code::CSV_COLUMNS, &missing.join(", "), message);
        return Err(p.into_error());
    }
    let col = |c: &str| names.iter().position(|n| n == c).unwrap_or_default();
    let mut out = Vec::new();
    for record in records {
        let record = record.map_err(unreadable)?;
        let line = crate::text::csv_line(text, &record);
        let field = |c: &str| crate::calls::unquote(record.get(col(c)).unwrap_or_default()).to_string();
        if record.len() != names.len() {
            p.add_coded(&format!("line {line}"), code::CSV_ROWS, format!("has {} fields; the header has {}", record.len(), names.len()));
            continue;
        }
        let Ok(number) = field("number").parse::<u32>() else {
            p.add_coded(&format!("line {line}.number"), code::NUMBER, format!("'{}' is not a whole number", field("number")));
            continue;
        };
        // A cell written as text by the export (`'-…`) reads back as it was.
        let cell = |c: &str| {
            let v = field(c);
            v.strip_prefix('\'').filter(|r| r.starts_with(['=', '+', '-', '@'])).map(str::to_string).unwrap_or(v)
        };
        out.push(NewInject {
            number,
            at: cell("at"),
            from: cell("from"),
            to: cell("to"),
            channel: cell("channel"),
            message: cell("message"),
            expected_action: cell("expected_action"),
            objective: cell("objective"),
        });
    }
    p.into_result()?;
    if out.is_empty() {
        return Err(DomainError::invalid_coded("file", code::CSV_EMPTY, "the file has a header but no injects"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_msel_goes_out_and_comes_back_the_same() {
        let s = super::super::scenario::tests::small().validate(&crate::org::reference()).unwrap();
        let csv = injects_to_csv(&s.injects);
        assert!(csv.starts_with("\u{feff}number,at,from,to,channel,message,expected_action,objective\r\n"), "{csv}");
        // "T+…" would be a formula in a spreadsheet: it is written as text and read back as it was.
        assert!(csv.contains(",'T+00:00,") || csv.contains(",T+00:00,"), "{csv}");
        let back = injects_from_csv(&csv).unwrap();
        assert_eq!(back, s.injects.iter().map(Inject::to_new).collect::<Vec<_>>());
    }

    #[test]
    fn columns_in_any_order_with_semicolons() {
        let text = "Message;Number;At;To;Channel;From;Objective;Expected_action\n\"Strømmen går; overalt\";1;T+00:10;log_keeper;log;Energinet;M1;Log det\n";
        let got = injects_from_csv(text).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].number, got[0].at.as_str(), got[0].message.as_str()), (1, "T+00:10", "Strømmen går; overalt"));
    }

    #[test]
    fn a_missing_column_or_a_broken_row_is_named() {
        let Err(DomainError::Invalid(f)) = injects_from_csv("number,at,to\n1,T+0,agents\n") else { panic!() };
        assert_eq!(f[0].code, Some(code::CSV_COLUMNS));
        assert!(f[0].message.contains("from, channel, message"), "{}", f[0].message);
        let text = "number,at,from,to,channel,message,expected_action,objective\nx,T+0,a,agents,app,b,c,M1\n2,T+0,a\n";
        let Err(DomainError::Invalid(f)) = injects_from_csv(text) else { panic!() };
        let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["line 2.number", "line 3"]);
        assert!(injects_from_csv("").is_err());
    }
}
