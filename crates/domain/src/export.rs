//! Exports as files people open in a spreadsheet: RFC 4180 CSV, safe against formula injection.

use crate::log::LogEntry;

/// RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with `'`.
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    fn cell(s: &str) -> String {
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
        if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
    }
    let mut out = header.join(",");
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn log_csv(log: &[LogEntry]) -> String {
    let header = ["seq", "time_utc", "time_copenhagen", "author", "role", "organisation", "category", "text", "corrects", "hash"];
    csv(
        &header,
        log.iter().map(|e| {
            vec![
                e.seq.to_string(),
                crate::time::rfc3339(e.at),
                crate::time::format_local(e.at),
                e.author.name.clone(),
                e.author.role.to_string(),
                e.author.org.clone(),
                e.category.to_string(),
                e.text.clone(),
                e.corrects.map(|c| c.to_string()).unwrap_or_default(),
                e.hash.clone(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        let out = super::csv(&["a", "b"], [vec!["=SUM(A1)".to_string(), "x, \"y\"\nz".to_string()]]);
        assert_eq!(out, "a,b\r\n'=SUM(A1),\"x, \"\"y\"\"\nz\"\r\n");
    }
}
