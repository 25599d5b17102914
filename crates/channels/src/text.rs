//! Wording every channel shares: guide Markdown as plain text, titles, event names, contacts
//! and Danish times.

use crate::Published;
use domain::guide::Contact;
use domain::incident::IncidentKind;
use time::OffsetDateTime;

/// How a Markdown link `[words](url)` reads without markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Links {
    /// "words (url)": for text a citizen reads.
    Inline,
    /// "words": for speech, where an address read aloud helps no one.
    WordsOnly,
}

/// The guide's Markdown subset as plain text: links resolved, `*` emphasis dropped, bullets
/// kept as "- ", control characters removed, whitespace collapsed, at most one blank line.
pub(crate) fn plain(md: &str, links: Links) -> String {
    let mut lines: Vec<String> = Vec::new();
    for raw in md.split('\n') {
        // What XML cannot carry no other channel wants either (NUL, ESC, U+FFFE …).
        let line = crate::xml::strip_invalid(&raw.replace('\t', " "));
        let line = line.trim();
        // "* item" is a bullet, not emphasis: keep it as one before `*` is stripped.
        let line = match line.strip_prefix("* ") {
            Some(rest) => format!("- {rest}"),
            None => line.to_string(),
        };
        // Emphasis markers go after the links are resolved; `domain::markdown::to_plain` would
        // resolve links too, but always with their address, which speech must not read out.
        let line = resolve_links(&line, links).replace('*', "");
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !(line.is_empty() && lines.last().is_none_or(|l| l.is_empty())) {
            lines.push(line);
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// Replaces every `[words](target)` whose target has no whitespace.
fn resolve_links(line: &str, links: Links) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some((words, target)) = link_at(after) else {
            out.push_str(&rest[..=open]);
            rest = after;
            continue;
        };
        out.push_str(&rest[..open]);
        let shown = ["tel:", "mailto:"].iter().find_map(|s| target.strip_prefix(s)).unwrap_or(target);
        let words = words.trim();
        match links {
            _ if words.is_empty() || words == shown || words == target => out.push_str(shown),
            Links::Inline => out.push_str(&format!("{words} ({shown})")),
            Links::WordsOnly => out.push_str(words),
        }
        rest = &after[words_len(after, target)..];
    }
    out.push_str(rest);
    out
}

/// `words](target)` at the start of `s`, if it is one.
fn link_at(s: &str) -> Option<(&str, &str)> {
    let close = s.find("](")?;
    let words = &s[..close];
    if words.contains('[') {
        return None;
    }
    let tail = &s[close + 2..];
    let end = tail.find(')')?;
    let target = &tail[..end];
    (!target.is_empty() && !target.chars().any(char::is_whitespace)).then_some((words, target))
}

/// Bytes of `words](target)` in `s`.
fn words_len(s: &str, target: &str) -> usize {
    s.find("](").expect("a link") + 2 + target.len() + 1
}

/// The plain text on one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters; a cut text ends in "…".
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut cut: String = s.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// The incident's title as plain text on one line.
pub(crate) fn bare_title(p: &Published) -> String {
    one_line(&plain(&p.incident.title, Links::WordsOnly))
}

/// The incident's title as citizens see it: an exercise says so first, unless its title already does.
pub(crate) fn title(p: &Published) -> String {
    let title = bare_title(p);
    if p.incident.exercise && !title.to_lowercase().starts_with("øvelse") { format!("ØVELSE: {title}") } else { title }
}

/// The kind of incident in Danish, as the CAP `event` and in speech.
pub(crate) fn event_name(kind: IncidentKind) -> &'static str {
    match kind {
        IncidentKind::ItBreakdown => "IT-nedbrud",
        IncidentKind::PowerCut => "Strømafbrydelse",
        IncidentKind::HeatSupply => "Svigt i varmeforsyningen",
        IncidentKind::Flood => "Oversvømmelse",
        IncidentKind::Fire => "Brand",
        IncidentKind::WaterSupply => "Svigt i vandforsyningen",
        IncidentKind::Evacuation => "Evakuering",
        IncidentKind::CyberAttack => "Cyberangreb",
        IncidentKind::Other => "Krise",
    }
}

/// Contacts with a name and a number, urgent ones first, otherwise in the guide's order.
pub(crate) fn contacts(p: &Published) -> Vec<&Contact> {
    let mut all: Vec<&Contact> =
        p.version.guide.contacts.iter().filter(|c| !c.name.trim().is_empty() && !c.phone.trim().is_empty()).collect();
    all.sort_by_key(|c| !c.urgent);
    all
}

/// A phone number as written for people: normalised when it is Danish, else as given.
pub(crate) fn phone(raw: &str) -> String {
    domain::guide::normalise_phone(raw).unwrap_or_else(|| one_line(raw))
}

/// A Danish number as a `tel:` URI: `tel:+4512345678`, or `tel:112` for a short national number.
pub(crate) fn tel_uri(raw: &str) -> String {
    match domain::guide::normalise_phone(raw) {
        Some(n) if n.len() > 4 => format!("tel:+45{}", n.replace(' ', "")),
        Some(n) => format!("tel:{n}"),
        None => format!("tel:{}", raw.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>()),
    }
}

const MONTHS: [&str; 12] =
    ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"];

/// "kl. 14.30" in Copenhagen time, with the date ("den 24. november kl. 14.30") when it is
/// not on the same Copenhagen day as `reference`.
pub(crate) fn danish_time(t: OffsetDateTime, reference: OffsetDateTime) -> String {
    let (l, r) = (domain::time::to_copenhagen(t), domain::time::to_copenhagen(reference));
    let clock = format!("kl. {:02}.{:02}", l.hour(), l.minute());
    if l.date() == r.date() { clock } else { format!("den {}. {} {clock}", l.day(), MONTHS[l.month() as usize - 1]) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn markdown_becomes_plain_text() {
        let md = "Ring **112** ved *fare*.\n\n\n* punkt\n- punkt [kommunen](https://k.invalid/a) og [ring](tel:+4512345678)\n\n";
        assert_eq!(plain(md, Links::Inline), "Ring 112 ved fare.\n\n- punkt\n- punkt kommunen (https://k.invalid/a) og ring (+4512345678)");
        assert_eq!(plain(md, Links::WordsOnly).lines().last(), Some("- punkt kommunen og ring"));
        assert_eq!(plain("[](tel:112) [x] [a b](c d) [y](", Links::Inline), "112 [x] [a b](c d) [y](");
        assert_eq!(plain("a\u{0}b\u{1b}\tc  d\r\u{fffe}\u{85}", Links::Inline), "ab c d");
    }

    #[test]
    fn truncates_on_characters() {
        assert_eq!(truncate("æøå", 3), "æøå");
        assert_eq!(truncate("æøå æøå", 5), "æøå…");
        assert_eq!(truncate(&"x".repeat(200), 160).chars().count(), 160);
    }

    #[test]
    fn exercise_titles_say_so_once() {
        let mut p = crate::fixture::published();
        assert_eq!(title(&p), "IT-nedbrud: omstillingen er nede");
        p.incident.exercise = true;
        assert_eq!(title(&p), "ØVELSE: IT-nedbrud: omstillingen er nede");
        p.incident.title = "Øvelse: brand".into();
        assert_eq!(title(&p), "Øvelse: brand");
    }

    #[test]
    fn urgent_contacts_come_first() {
        let p = crate::fixture::published();
        let names: Vec<&str> = contacts(&p).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Alarmcentralen", "Politiet"]);
    }

    #[test]
    fn tel_uris() {
        assert_eq!(tel_uri("70 00 00 00"), "tel:+4570000000");
        assert_eq!(tel_uri("+45 1234 5678"), "tel:+4512345678");
        assert_eq!(tel_uri("1813"), "tel:1813");
        assert_eq!(tel_uri("+46 8 123 456"), "tel:+468123456");
    }

    #[test]
    fn danish_times_in_copenhagen() {
        let morning = datetime!(2026-11-23 07:00 UTC);
        assert_eq!(danish_time(datetime!(2026-11-23 13:30 UTC), morning), "kl. 14.30");
        assert_eq!(danish_time(datetime!(2026-07-01 07:05 UTC), datetime!(2026-07-01 06:00 UTC)), "kl. 09.05");
        assert_eq!(danish_time(datetime!(2026-11-23 23:30 UTC), morning), "den 24. november kl. 00.30");
    }
}
