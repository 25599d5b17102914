//! A member municipality's shifts as an iCalendar file (RFC 5545) for its own calendars.

/// One shift the member is committed to.
pub struct Event<'a> {
    pub uid: String,
    /// UTC, as `YYYYMMDDTHHMMSSZ`.
    pub start: String,
    pub end: String,
    pub summary: &'a str,
    pub description: &'a str,
}

/// Text as a property value: backslash, semicolon, comma and line breaks escaped (§3.3.11).
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace("\r\n", "\\n").replace('\n', "\\n")
}

/// A content line folded at 75 octets, never inside a UTF-8 character (§3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// The calendar: `stamp` is when it was made (UTC, same format as the events' times).
pub fn calendar(name: &str, stamp: &str, events: &[Event]) -> String {
    let mut out = String::new();
    for line in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kriseservice//Vagtplan//DA", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"] {
        out += &fold(line);
    }
    out += &fold(&format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        out += &fold("BEGIN:VEVENT");
        out += &fold(&format!("UID:{}", e.uid));
        out += &fold(&format!("DTSTAMP:{stamp}"));
        out += &fold(&format!("DTSTART:{}", e.start));
        out += &fold(&format!("DTEND:{}", e.end));
        out += &fold(&format!("SUMMARY:{}", escape(e.summary)));
        out += &fold(&format!("DESCRIPTION:{}", escape(e.description)));
        out += &fold("END:VEVENT");
    }
    out += &fold("END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::{Calendar, Component};

    #[test]
    fn a_standard_calendar_library_reads_it_back() {
        let long = "Mød op i Kriseservices vagtrum; medbring headset, adgangskort og kode til telefonplatformen, og læs banneret før første opkald.";
        let events = [
            Event {
                uid: "a@kriseservice".into(),
                start: "20261123T060000Z".into(),
                end: "20261123T140000Z".into(),
                summary: "Kriseservice: 3 agenter, Frederikssund",
                description: long,
            },
            Event {
                uid: "b@kriseservice".into(),
                start: "20261123T140000Z".into(),
                end: "20261123T220000Z".into(),
                summary: "Kriseservice: 1 agent",
                description: "Basisandel 1",
            },
        ];
        let text = calendar("Kriseservice – Frederikssund, vagter", "20261123T050000Z", &events);
        assert!(text.lines().all(|l| l.len() <= 75), "folded at 75 octets");
        assert!(text.ends_with("END:VCALENDAR\r\n") && !text.replace("\r\n", "").contains('\n'), "CRLF line ends");
        let parsed: Calendar = text.parse().unwrap();
        let got: Vec<_> = parsed.components.iter().filter_map(|c| c.as_event()).collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].get_summary(), Some("Kriseservice: 3 agenter, Frederikssund"));
        assert_eq!(got[0].get_description(), Some(long), "unfolded and unescaped");
        assert_eq!(got[1].get_uid(), Some("b@kriseservice"));
        assert!(got[0].get_start().is_some() && got[0].get_end().is_some());
    }
}
