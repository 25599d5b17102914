//! The routing answer for contact-centre platforms: whether a crisis is active for the
//! municipality, where to send the call, and what to say — as one value the web layer returns as
//! JSON, and as XML for platforms that call a web service over HTTP GET and expect XML.

use crate::xml::Writer;
use crate::{Area, Published, text, voice};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Routing {
    pub municipality: Area,
    pub crisis_active: bool,
    /// `crisis_line` during a crisis, `normal` otherwise.
    pub route_to: &'static str,
    /// The crisis line as a `tel:` URI.
    pub crisis_line: String,
    pub incident: Option<String>,
    pub guide_version: Option<i64>,
    pub message_text: Option<String>,
    pub message_ssml: Option<String>,
}

pub fn routing(p: Option<&Published>, municipality: &Area, crisis_line: &str) -> Routing {
    Routing {
        municipality: municipality.clone(),
        crisis_active: p.is_some(),
        route_to: if p.is_some() { "crisis_line" } else { "normal" },
        crisis_line: text::tel_uri(crisis_line),
        incident: p.map(|p| p.incident.id.to_string()),
        guide_version: p.map(|p| p.version.version),
        message_text: p.map(voice::message_text),
        message_ssml: p.map(voice::message_ssml),
    }
}

/// `<ivr>` with one element per field; the SSML travels as escaped text.
pub fn to_xml(r: &Routing) -> String {
    let mut w = Writer::new();
    w.open("ivr", &[("municipality", &r.municipality.code)]);
    w.leaf("municipality_name", &[], &r.municipality.name);
    w.leaf("crisis_active", &[], if r.crisis_active { "true" } else { "false" });
    w.leaf("route_to", &[], r.route_to);
    w.leaf("crisis_line", &[], &r.crisis_line);
    let optional = [
        ("incident", r.incident.clone()),
        ("guide_version", r.guide_version.map(|v| v.to_string())),
        ("message_text", r.message_text.clone()),
        ("message_ssml", r.message_ssml.clone()),
    ];
    for (name, value) in optional {
        if let Some(v) = value {
            w.leaf(name, &[], &v);
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::published;

    #[test]
    fn a_crisis_routes_to_the_crisis_line_with_the_message() {
        let p = published();
        let area = Area { code: "0250".into(), name: "Frederikssund".into() };
        let r = routing(Some(&p), &area, "70 00 00 00");
        assert!(r.crisis_active);
        assert_eq!((r.route_to, r.crisis_line.as_str()), ("crisis_line", "tel:+4570000000"));
        assert_eq!(r.message_text.as_deref(), Some(voice::message_text(&p).as_str()));
        let xml = to_xml(&r);
        assert!(xml.contains("<crisis_active>true</crisis_active>") && xml.contains("&lt;speak"), "{xml}");
    }

    #[test]
    fn no_crisis_means_normal_routing_and_no_message() {
        let area = Area { code: "0101".into(), name: "København & omegn".into() };
        let r = routing(None, &area, "70000000");
        assert_eq!((r.crisis_active, r.route_to, r.message_text.clone()), (false, "normal", None));
        let xml = to_xml(&r);
        assert!(xml.contains("<municipality_name>København &amp; omegn</municipality_name>") && !xml.contains("message_text"), "{xml}");
    }
}
