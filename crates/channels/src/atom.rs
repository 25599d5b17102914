//! An Atom feed (RFC 4287) of the public alerts, each entry linking its CAP message: the
//! usual way alert aggregators discover CAP.
//!
//! Ids: the feed is `{base_url}/cap.atom` (so `base_url` must be absolute); an entry is
//! `urn:uuid:{incident}`, one entry per incident whose `updated` moves with each published
//! version, since its CAP link always serves the incident's current message.

use crate::text::{self, Links};
use crate::xml::Writer;
use crate::{Published, cap};
use time::OffsetDateTime;

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
pub const FEED_TITLE: &str = "Kriseservice – aktuelle varsler";

/// The feed of `entries` (normally the latest published version of each public incident).
pub fn feed(entries: &[Published], base_url: &str, feed_updated: OffsetDateTime) -> String {
    let base = base_url.trim().trim_end_matches('/');
    let mut w = Writer::new();
    w.open("feed", &[("xmlns", ATOM_NS), ("xml:lang", "da")]);
    w.leaf("id", &[], &format!("{base}/cap.atom"));
    w.leaf("title", &[], FEED_TITLE);
    w.leaf("updated", &[], &domain::time::rfc3339(feed_updated));
    w.empty("link", &[("rel", "self"), ("type", "application/atom+xml"), ("href", &format!("{base}/cap.atom"))]);
    // A feed-level author makes every entry valid without one of its own.
    w.open("author", &[]);
    w.leaf("name", &[], "Kriseservice");
    w.close();
    for p in entries {
        entry(&mut w, p, base);
    }
    w.finish()
}

fn entry(w: &mut Writer, p: &Published, base: &str) {
    let id = p.incident.id;
    w.open("entry", &[]);
    w.leaf("id", &[], &format!("urn:uuid:{id}"));
    let (title, updated, summary) = if p.is_closed() {
        let at = p.incident.closed_at.unwrap_or(p.version.published_at);
        // The authority's all-clear, where it gave one (closed before all-clears were asked for: none).
        let said = p.incident.all_clear.as_deref().map_or_else(|| "Krisen er afsluttet.".to_string(), |t| text::plain(t, Links::Inline));
        (format!("Afsluttet: {}", text::title(p)), at, said)
    } else {
        (text::title(p), p.version.published_at, text::plain(&p.version.guide.citizen_summary, Links::Inline))
    };
    w.leaf("title", &[], &title);
    w.leaf("updated", &[], &domain::time::rfc3339(updated));
    w.leaf("published", &[], &domain::time::rfc3339(p.versions().first().map_or(p.version.published_at, |(_, at)| *at)));
    w.empty("category", &[("term", p.incident.kind.as_str()), ("label", text::event_name(p.incident.kind))]);
    if !summary.is_empty() {
        w.leaf("summary", &[], &summary);
    }
    let cap_href = format!("{base}/api/v1/incidents/{id}/cap.xml");
    w.empty("link", &[("rel", "alternate"), ("type", "application/cap+xml"), ("href", &cap_href), ("title", &cap::identifier(p))]);
    if let Some(area) = p.areas.first() {
        let page = format!("{base}/krise/{}", area.code.trim());
        w.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &page)]);
    }
    w.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::published;
    use time::macros::datetime;

    #[test]
    fn a_feed_with_one_entry() {
        let doc = feed(&[published()], "https://krise.example.dk/", datetime!(2026-11-23 12:00 UTC));
        for needle in [
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"da\">",
            "<id>https://krise.example.dk/cap.atom</id>",
            "<title>Kriseservice – aktuelle varsler</title>",
            "<updated>2026-11-23T12:00:00.000000Z</updated>",
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://krise.example.dk/cap.atom\"/>",
            "<id>urn:uuid:00000000-0000-0000-0000-000000001234</id>",
            "<title>IT-nedbrud: omstillingen er nede</title>",
            "<updated>2026-11-23T07:04:00.000000Z</updated>",
            "<summary>Kommunens telefoner virker ikke. Ring til kriselinjen, er det akut så ring 112.</summary>",
            "href=\"https://krise.example.dk/api/v1/incidents/00000000-0000-0000-0000-000000001234/cap.xml\"",
            "<link rel=\"alternate\" type=\"text/html\" href=\"https://krise.example.dk/krise/0250\"/>",
        ] {
            assert!(doc.contains(needle), "{needle} missing from {doc}");
        }
    }

    #[test]
    fn a_closed_incident_says_so_and_an_empty_feed_is_a_feed() {
        let mut p = published();
        p.incident.status = domain::incident::Status::Closed;
        p.incident.closed_at = Some(datetime!(2026-11-23 15:00 UTC));
        p.areas.clear();
        let doc = feed(&[p], "https://k.invalid", datetime!(2026-11-23 15:00 UTC));
        assert!(doc.contains("<title>Afsluttet: IT-nedbrud"), "{doc}");
        assert!(
            doc.contains("<updated>2026-11-23T15:00:00.000000Z</updated>\n    <published>2026-11-23T07:04:00.000000Z</published>"),
            "{doc}"
        );
        assert!(!doc.contains("text/html"), "no area, no public page link");
        assert!(doc.contains("<summary>Krisen er afsluttet.</summary>"), "{doc}");
        let mut over = published();
        over.incident.status = domain::incident::Status::Closed;
        over.incident.all_clear = Some("Krisen er ovre. Vandet kan drikkes igen.".into());
        let doc = feed(&[over], "https://k.invalid", datetime!(2026-11-23 15:00 UTC));
        assert!(doc.contains("<summary>Krisen er ovre. Vandet kan drikkes igen.</summary>"), "the all-clear is the entry's summary: {doc}");
        let empty = feed(&[], "https://k.invalid", datetime!(2026-11-23 15:00 UTC));
        assert!(empty.contains("<author>") && !empty.contains("<entry>"));
    }
}
