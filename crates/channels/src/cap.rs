//! OASIS CAP 1.2 alert messages, validated against the OASIS schema in the tests.
//!
//! Choices the standard leaves to us:
//! - `identifier`: `kriseservice-{incident uuid}-v{N}` per published version, and
//!   `kriseservice-{incident uuid}-cancel` for the one Cancel of a closed incident.
//! - `msgType`: `Alert` for the first published version, `Update` for later ones (referencing
//!   every earlier version), `Cancel` once the incident is closed (referencing every version).
//! - `category`: outages of supply and IT are `Infra`, a flood is `Met` (CAP: "inc. flood"),
//!   a fire `Fire`, an evacuation `Safety`, a cyber attack both `Security` and `Infra` (what
//!   citizens notice is the outage), anything else `Other`.
//! - `expires`: a day after the guide's next expected update. An overdue update must not drop a
//!   live crisis from aggregators (the Cancel ends it); if even that day has passed, the
//!   element is left out rather than sending an already expired alert.
//! - `geocode`: `DK.kommunekode` for municipality codes, `DK.regionskode` for 1081–1085;
//!   other authorities are named in `areaDesc` only.

use crate::text::{self, Links};
use crate::xml::Writer;
use crate::{Area, Published};
use domain::incident::IncidentKind;
use time::{Duration, OffsetDateTime};

const CAP_NS: &str = "urn:oasis:names:tc:emergency:cap:1.2";
const HEADLINE_MAX: usize = 160;
/// How long after the expected update an alert stays current; see the module documentation.
const EXPIRY_GRACE: Duration = Duration::hours(24);

/// Who sends the alert and where citizens read more.
#[derive(Debug, Clone, Copy)]
pub struct CapOptions<'a> {
    /// The CAP `sender`, e.g. `kriseservice@kommune.dk`; spaces, commas, `<` and `&` are removed
    /// because CAP forbids them there.
    pub sender: &'a str,
    /// The public crisis page, as the CAP `web` element; left out when `None` or empty.
    pub public_url: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MsgType {
    Alert,
    Update,
    Cancel,
}

/// A complete CAP 1.2 document for the published version (or the Cancel of a closed incident).
pub fn alert(p: &Published, sender: &str, now: OffsetDateTime) -> String {
    alert_with(p, &CapOptions { sender, public_url: None }, now)
}

/// [`alert`] with every option; `now` is the Cancel's `sent` when the incident has no closing time.
pub fn alert_with(p: &Published, o: &CapOptions, now: OffsetDateTime) -> String {
    let kind = msg_type(p);
    let sender = clean_token(o.sender);
    let sent = match kind {
        MsgType::Cancel => p.incident.closed_at.unwrap_or(now),
        _ => p.version.published_at,
    };
    let mut w = Writer::new();
    w.open("alert", &[("xmlns", CAP_NS)]);
    w.leaf("identifier", &[], &identifier(p));
    w.leaf("sender", &[], &sender);
    w.leaf("sent", &[], &cap_time(sent));
    w.leaf("status", &[], if p.incident.exercise { "Exercise" } else { "Actual" });
    w.leaf("msgType", &[], kind_word(kind));
    w.leaf("scope", &[], "Public");
    if p.incident.exercise {
        w.leaf("note", &[], "Øvelse: dette er ikke en rigtig krise.");
    }
    let references = references(p, kind, &sender);
    if !references.is_empty() {
        w.leaf("references", &[], &references);
    }
    w.leaf("incidents", &[], &p.incident.id.to_string());
    info(&mut w, p, o, kind, now);
    w.finish()
}

/// The CAP identifier of this rendering: per version, or the incident's Cancel.
pub fn identifier(p: &Published) -> String {
    match msg_type(p) {
        MsgType::Cancel => format!("kriseservice-{}-cancel", p.incident.id),
        _ => version_identifier(p, p.version.version),
    }
}

fn version_identifier(p: &Published, version: i64) -> String {
    format!("kriseservice-{}-v{version}", p.incident.id)
}

/// A CAP date-time: Copenhagen local time with its offset, whole seconds, never `Z`.
pub fn cap_time(t: OffsetDateTime) -> String {
    let l = domain::time::to_copenhagen(t);
    let (h, m, _) = l.offset().as_hms();
    let sign = if l.offset().is_negative() { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        l.year(),
        l.month() as u8,
        l.day(),
        l.hour(),
        l.minute(),
        l.second(),
        h.unsigned_abs(),
        m.unsigned_abs()
    )
}

fn msg_type(p: &Published) -> MsgType {
    if p.is_closed() {
        MsgType::Cancel
    } else if p.versions().first().is_none_or(|(v, _)| *v == p.version.version) {
        MsgType::Alert
    } else {
        MsgType::Update
    }
}

fn kind_word(kind: MsgType) -> &'static str {
    match kind {
        MsgType::Alert => "Alert",
        MsgType::Update => "Update",
        MsgType::Cancel => "Cancel",
    }
}

/// CAP forbids whitespace, commas and the XML-special `<` and `&` in sender and identifiers.
fn clean_token(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, ',' | '<' | '&')).collect()
}

/// `sender,identifier,sent` of the earlier versions (of every version, for a Cancel).
fn references(p: &Published, kind: MsgType, sender: &str) -> String {
    let versions = p.versions();
    let referenced: Vec<_> = match kind {
        MsgType::Alert => return String::new(),
        MsgType::Update => versions.iter().filter(|(v, _)| *v < p.version.version).collect(),
        MsgType::Cancel => versions.iter().collect(),
    };
    referenced.iter().map(|(v, at)| format!("{sender},{},{}", version_identifier(p, *v), cap_time(*at))).collect::<Vec<_>>().join(" ")
}

fn categories(kind: IncidentKind) -> &'static [&'static str] {
    match kind {
        IncidentKind::ItBreakdown | IncidentKind::PowerCut | IncidentKind::HeatSupply | IncidentKind::WaterSupply => &["Infra"],
        IncidentKind::Flood => &["Met"],
        IncidentKind::Fire => &["Fire"],
        IncidentKind::Evacuation => &["Safety"],
        IncidentKind::CyberAttack => &["Security", "Infra"],
        IncidentKind::Other => &["Other"],
    }
}

fn info(w: &mut Writer, p: &Published, o: &CapOptions, kind: MsgType, now: OffsetDateTime) {
    let cancel = kind == MsgType::Cancel;
    w.open("info", &[]);
    w.leaf("language", &[], "da-DK");
    for c in categories(p.incident.kind) {
        w.leaf("category", &[], c);
    }
    w.leaf("event", &[], text::event_name(p.incident.kind));
    let response = match p.incident.kind {
        _ if cancel => "AllClear",
        IncidentKind::Evacuation => "Evacuate",
        _ => "Monitor",
    };
    w.leaf("responseType", &[], response);
    let (urgency, severity) = if cancel { ("Past", "Minor") } else { ("Immediate", "Moderate") };
    w.leaf("urgency", &[], urgency);
    w.leaf("severity", &[], severity);
    w.leaf("certainty", &[], "Observed");
    let expires = p.version.guide.next_update_at.map(|t| t + EXPIRY_GRACE).filter(|t| !cancel && *t > now);
    if let Some(t) = expires {
        w.leaf("expires", &[], &cap_time(t));
    }
    w.leaf("senderName", &[], "Kriseservice");
    let headline = if cancel { format!("Afsluttet: {}", text::title(p)) } else { text::title(p) };
    w.leaf("headline", &[], &text::truncate(&headline, HEADLINE_MAX));
    let description = if cancel {
        "Krisen er afsluttet, og der kommer ikke flere opdateringer. Du kan kontakte kommunen som normalt.".to_string()
    } else {
        text::plain(&p.version.guide.citizen_summary, Links::Inline)
    };
    optional(w, "description", &description);
    if !cancel {
        optional(w, "instruction", &instruction(p));
    }
    optional(w, "web", o.public_url.map(str::trim).unwrap_or_default());
    if !cancel {
        optional(w, "contact", &contact(p));
    }
    area(w, &p.areas);
    w.close();
}

fn optional(w: &mut Writer, name: &str, value: &str) {
    if !value.trim().is_empty() {
        w.leaf(name, &[], value);
    }
}

/// What citizens may do: the citizen texts of the situations that have one, a line each.
fn instruction(p: &Published) -> String {
    let texts = p.version.guide.situations.iter().map(|s| text::plain(&s.citizen_text, Links::Inline));
    texts.filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n")
}

/// "Name: phone", urgent contacts first.
fn contact(p: &Published) -> String {
    let each = text::contacts(p).into_iter().map(|c| format!("{}: {}", text::one_line(&c.name), text::phone(&c.phone)));
    each.collect::<Vec<_>>().join("; ")
}

/// One `<area>`: the names together, a geocode per Danish municipality or region code.
fn area(w: &mut Writer, areas: &[Area]) {
    if areas.is_empty() {
        return;
    }
    w.open("area", &[]);
    let names: Vec<String> = areas.iter().map(|a| text::one_line(&a.name)).collect();
    w.leaf("areaDesc", &[], &names.join(", "));
    for a in areas {
        if let Some(value_name) = geocode_name(&a.code) {
            w.open("geocode", &[]);
            w.leaf("valueName", &[], value_name);
            w.leaf("value", &[], &a.code);
            w.close();
        }
    }
    w.close();
}

/// Danmarks Statistik's four-digit codes: regions are 1081–1085, the rest municipalities.
fn geocode_name(code: &str) -> Option<&'static str> {
    if !domain::org::is_statistics_code(code) {
        return None;
    }
    Some(if domain::org::is_region_code(code) { "DK.regionskode" } else { "DK.kommunekode" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::published;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 12:00 UTC);

    fn element<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
        let start = doc.find(&format!("<{name}>"))? + name.len() + 2;
        let end = doc[start..].find(&format!("</{name}>"))? + start;
        Some(&doc[start..end])
    }

    #[test]
    fn times_carry_the_copenhagen_offset() {
        assert_eq!(cap_time(datetime!(2026-11-23 07:04:05.123 UTC)), "2026-11-23T08:04:05+01:00");
        assert_eq!(cap_time(datetime!(2026-07-01 10:00 UTC)), "2026-07-01T12:00:00+02:00");
    }

    #[test]
    fn the_first_version_is_an_actual_alert() {
        let doc = alert(&published(), "kriseservice@kommune.dk", NOW);
        assert_eq!(element(&doc, "identifier"), Some("kriseservice-00000000-0000-0000-0000-000000001234-v1"));
        assert_eq!(element(&doc, "sent"), Some("2026-11-23T08:04:00+01:00"));
        assert_eq!(element(&doc, "status"), Some("Actual"));
        assert_eq!(element(&doc, "msgType"), Some("Alert"));
        assert_eq!(element(&doc, "references"), None);
        assert_eq!(element(&doc, "language"), Some("da-DK"));
        assert_eq!(element(&doc, "category"), Some("Infra"));
        assert_eq!(element(&doc, "event"), Some("IT-nedbrud"));
        assert_eq!(element(&doc, "expires"), Some("2026-11-24T14:30:00+01:00"));
        assert_eq!(element(&doc, "description"), Some("Kommunens telefoner virker ikke. Ring til kriselinjen, er det akut så ring 112."));
        assert_eq!(element(&doc, "instruction"), Some("Læs den korte status."));
        assert_eq!(element(&doc, "contact"), Some("Alarmcentralen: 112; Politiet: 114"));
        assert_eq!(element(&doc, "web"), None);
        assert!(!doc.contains('Z'), "{doc}");
    }

    #[test]
    fn a_later_version_updates_and_references_the_earlier_ones() {
        let mut p = published();
        p.incident.exercise = true;
        p.version.version = 3;
        p.version.published_at = datetime!(2026-11-23 10:00 UTC);
        p.history = vec![(1, datetime!(2026-11-23 07:04 UTC)), (2, datetime!(2026-11-23 08:30 UTC)), (3, datetime!(2026-11-23 10:00 UTC))];
        let doc = alert_with(&p, &CapOptions { sender: "krise service@kommune.dk", public_url: Some("https://k.invalid/krise/0250") }, NOW);
        assert_eq!(element(&doc, "status"), Some("Exercise"));
        assert_eq!(element(&doc, "msgType"), Some("Update"));
        assert_eq!(element(&doc, "sender"), Some("kriseservice@kommune.dk"));
        let id = "kriseservice-00000000-0000-0000-0000-000000001234";
        assert_eq!(
            element(&doc, "references").unwrap(),
            format!("kriseservice@kommune.dk,{id}-v1,2026-11-23T08:04:00+01:00 kriseservice@kommune.dk,{id}-v2,2026-11-23T09:30:00+01:00")
        );
        assert_eq!(element(&doc, "web"), Some("https://k.invalid/krise/0250"));
        assert!(element(&doc, "headline").unwrap().starts_with("ØVELSE: "));
    }

    #[test]
    fn a_closed_incident_cancels_every_version() {
        let mut p = published();
        p.incident.status = domain::incident::Status::Closed;
        p.version.version = 2;
        p.history = vec![(1, datetime!(2026-11-23 07:04 UTC)), (2, datetime!(2026-11-23 08:30 UTC))];
        let doc = alert(&p, "k@k.dk", NOW);
        assert_eq!(element(&doc, "identifier"), Some("kriseservice-00000000-0000-0000-0000-000000001234-cancel"));
        assert_eq!(element(&doc, "msgType"), Some("Cancel"));
        assert_eq!(element(&doc, "sent"), Some("2026-11-23T13:00:00+01:00"), "no closing time: now");
        assert_eq!(element(&doc, "references").unwrap().split(' ').count(), 2);
        assert_eq!(element(&doc, "urgency"), Some("Past"));
        assert_eq!(element(&doc, "responseType"), Some("AllClear"));
        assert_eq!(element(&doc, "expires"), None);
        p.incident.closed_at = Some(datetime!(2026-11-23 11:15 UTC));
        assert_eq!(element(&alert(&p, "k@k.dk", NOW), "sent"), Some("2026-11-23T12:15:00+01:00"));
    }

    #[test]
    fn an_overdue_guide_has_no_expiry_in_the_past() {
        let doc = alert(&published(), "k@k.dk", datetime!(2026-11-25 12:00 UTC));
        assert_eq!(element(&doc, "expires"), None);
    }

    #[test]
    fn areas_get_municipality_and_region_geocodes() {
        let mut p = published();
        p.areas = vec![
            Area { code: "0250".into(), name: "Frederikssund Kommune".into() },
            Area { code: "1084".into(), name: "Region Hovedstaden".into() },
            Area { code: "DDH".into(), name: "Den Digitale Hotline".into() },
        ];
        let doc = alert(&p, "k@k.dk", NOW);
        assert_eq!(element(&doc, "areaDesc"), Some("Frederikssund Kommune, Region Hovedstaden, Den Digitale Hotline"));
        assert!(doc.contains("<valueName>DK.kommunekode</valueName>\n        <value>0250</value>"), "{doc}");
        assert!(doc.contains("<valueName>DK.regionskode</valueName>\n        <value>1084</value>"), "{doc}");
        assert_eq!(doc.matches("<geocode>").count(), 2);
        p.areas.clear();
        assert!(!alert(&p, "k@k.dk", NOW).contains("<area>"));
    }

    #[test]
    fn categories_per_kind() {
        assert_eq!(categories(IncidentKind::Flood), ["Met"]);
        assert_eq!(categories(IncidentKind::CyberAttack), ["Security", "Infra"]);
        assert_eq!(categories(IncidentKind::Evacuation), ["Safety"]);
    }

    #[test]
    fn headlines_stay_within_160_characters() {
        let mut p = published();
        p.incident.title = "æ".repeat(300);
        let doc = alert(&p, "k@k.dk", NOW);
        assert_eq!(element(&doc, "headline").unwrap().chars().count(), 160);
    }
}
