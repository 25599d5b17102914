//! Every document the crate renders validates against the published schemas (CAP 1.2,
//! VoiceXML 2.1, SSML 1.1) with xmllint, for ordinary and for awkward guides.

use channels::voice::VoiceOptions;
use channels::{Area, Published, atom, cap, voice};
use domain::guide::{Contact, Guide, Situation, Version};
use domain::incident::{Channel, Incident, IncidentKind, Status};
use std::path::{Path, PathBuf};
use std::process::Command;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-23 12:00 UTC);

fn standards() -> PathBuf {
    // A copy of ../shared/standards kept in the repository; scripts/test checks it is identical.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/standards");
    assert!(dir.join("cap/CAP-v1.2.xsd").exists(), "the standards schemas are missing at {}", dir.display());
    dir
}

/// Runs xmllint with `args` and the file; returns its stderr on failure.
fn xmllint(args: &[&str], file: &Path) -> Result<String, String> {
    let out = Command::new("xmllint")
        .args(args)
        .arg(file)
        .env("XML_CATALOG_FILES", standards().join("catalog.xml"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run xmllint ({e}): install Debian's libxml2-utils"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() { Ok(stdout) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

#[derive(Clone, Copy)]
enum Schema {
    Cap,
    Vxml,
    Ssml,
    WellFormed,
}

fn validate(dir: &Path, name: &str, doc: &str, schema: Schema) {
    let file = dir.join(name);
    std::fs::write(&file, doc).unwrap();
    let xsd = |p: &str| standards().join(p).to_string_lossy().into_owned();
    let args: Vec<String> = match schema {
        Schema::Cap => vec!["--noout".into(), "--schema".into(), xsd("cap/CAP-v1.2.xsd")],
        Schema::Vxml => vec!["--nonet".into(), "--noout".into(), "--schema".into(), xsd("voicexml21/vxml.xsd")],
        Schema::Ssml => vec!["--nonet".into(), "--noout".into(), "--schema".into(), xsd("ssml11/synthesis.xsd")],
        Schema::WellFormed => vec!["--noout".into()],
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if let Err(stderr) = xmllint(&args, &file) {
        panic!("{name} does not validate:\n{stderr}\n--- document ---\n{doc}");
    }
}

fn contact(name: &str, phone: &str, note: &str, urgent: bool) -> Contact {
    Contact { name: name.into(), phone: phone.into(), note: note.into(), urgent }
}

fn row(citizen_text: &str) -> Situation {
    Situation {
        situation: "Borgeren spørger".into(),
        action: "Giv status".into(),
        citizen_text: citizen_text.into(),
        ..Situation::default()
    }
}

/// A published version 1 of an active incident; the cases below change what they need.
fn published(kind: IncidentKind, title: &str, guide: Guide) -> Published {
    let at = datetime!(2026-11-23 07:04 UTC);
    Published {
        incident: Incident {
            id: uuid::Uuid::from_u128(0xabcdef),
            title: title.into(),
            kind,
            status: Status::Active,
            affected: vec!["0250".into()],
            channels: vec![Channel::Phone, Channel::Voice],
            exercise: false,
            created_at: at,
            activated_at: Some(at),
            standing_down_at: None,
            closed_at: None,
            all_clear: None,
        },
        version: Version { version: 1, published_at: at, published_by: "redaktør".into(), guide },
        areas: vec![Area { code: "0250".into(), name: "Frederikssund Kommune".into() }],
        history: vec![(1, at)],
    }
}

fn ordinary() -> Published {
    let guide = Guide {
        citizen_summary: "Strømmen er afbrudt i Ærøskøbing, Ølstykke og Åbenrå. ØSTLIGE områder får strøm først.".into(),
        next_update_at: Some(datetime!(2026-11-23 13:30 UTC)),
        situations: vec![row("Følg netselskabets driftsinformation."), row("")],
        contacts: vec![contact("Netselskabet", "70 10 20 30", "", false), contact("Alarmcentralen", "112", "Ved fare for liv", true)],
        ..Guide::default()
    };
    let mut p = published(IncidentKind::PowerCut, "Strømafbrydelse i Nordsjælland", guide);
    p.areas.push(Area { code: "1084".into(), name: "Region Hovedstaden".into() });
    p
}

fn awkward() -> Published {
    let long = "Meget lang tekst æøå ÆØÅ. ".repeat(150);
    let guide = Guide {
        citizen_summary: format!(
            "**Vigtigt:** <script>alert(\"x\")</script> & 'citat' \"citat\" ]]> slut\u{0}\u{1b}\u{7}\u{fffe}.\n\n\
             - Se [kommunens side](https://k.invalid/a?b=1&c=<2>) eller ring [112](tel:112) 🚒🔥\n\
             * Ring 70 00 00 00 kl. 14.30\r\n\n{long}"
        ),
        next_update_at: Some(datetime!(2026-11-24 08:00 UTC)),
        situations: vec![row("Brug <b>ikke</b> vandet & kog det]]>"), row("中文 🚰")],
        contacts: vec![contact("Vagt & \"hjælp\" <døgn>", "+45 12 34 56 78", "Når det <haster> & ]]>", true)],
        ..Guide::default()
    };
    let title = format!("Øvelse <b>&amp;</b> \"brand\" ]]> {}\u{1}", "x".repeat(300));
    let mut p = published(IncidentKind::Fire, &title, guide);
    p.incident.exercise = true;
    p.version.version = 3;
    p.version.published_at = datetime!(2026-11-23 10:00 UTC);
    p.history = vec![(1, datetime!(2026-11-23 07:04 UTC)), (2, datetime!(2026-07-01 08:30 UTC)), (3, p.version.published_at)];
    p.areas = vec![
        Area { code: "DDH".into(), name: "Den <Digitale> Hotline & co".into() },
        Area { code: "0101".into(), name: "København".into() },
    ];
    p
}

fn empty_and_closed() -> Published {
    let mut p = published(IncidentKind::Other, "Afsluttet hændelse", Guide::default());
    p.incident.status = Status::Closed;
    p.incident.closed_at = Some(datetime!(2026-11-23 11:00 UTC));
    p.areas.clear();
    p
}

fn empty_active() -> Published {
    let mut p = published(IncidentKind::Evacuation, "Evakuering", Guide::default());
    p.areas.clear();
    p
}

fn cases() -> Vec<(&'static str, Published)> {
    vec![("ordinary", ordinary()), ("awkward", awkward()), ("closed", empty_and_closed()), ("empty", empty_active())]
}

#[test]
fn cap_alerts_validate() {
    let dir = tempfile::tempdir().unwrap();
    for (name, p) in cases() {
        let o = cap::CapOptions { sender: "kriseservice@kommune.dk", public_url: Some("https://k.invalid/krise/0250?a=1&b=2") };
        validate(dir.path(), &format!("{name}.cap.xml"), &cap::alert_with(&p, &o, NOW), Schema::Cap);
        validate(dir.path(), &format!("{name}-plain.cap.xml"), &cap::alert(&p, "odd sender, <x> & y", NOW), Schema::Cap);
    }
}

#[test]
fn voice_documents_validate() {
    let dir = tempfile::tempdir().unwrap();
    let area = Area { code: "0250".into(), name: "Frederikssund <Kommune> & \"co\"".into() };
    let o = VoiceOptions { municipality: &area, crisis_line: "70 00 00 00", callback_url: "/voice/callback?incident=1&x=\"2\"" };
    for (name, p) in cases() {
        validate(dir.path(), &format!("{name}.vxml"), &voice::vxml(Some(&p), &o), Schema::Vxml);
        validate(dir.path(), &format!("{name}.ssml"), &voice::message_ssml(&p), Schema::Ssml);
    }
    validate(dir.path(), "routing.vxml", &voice::vxml(None, &o), Schema::Vxml);
    validate(dir.path(), "confirmation.vxml", &voice::callback_confirmation(), Schema::Vxml);
    validate(dir.path(), "failed.vxml", &voice::callback_failed(&o), Schema::Vxml);
}

#[test]
fn the_atom_feed_is_well_formed_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<Published> = cases().into_iter().map(|(_, p)| p).collect();
    let doc = atom::feed(&entries, "https://krise.example.dk", NOW);
    validate(dir.path(), "feed.atom", &doc, Schema::WellFormed);
    let file = dir.path().join("feed.atom");
    let count = |xpath: &str| xmllint(&["--xpath", xpath], &file).unwrap_or_else(|e| panic!("{xpath}: {e}")).trim().to_string();
    let atom = |name: &str| format!("*[local-name()='{name}' and namespace-uri()='http://www.w3.org/2005/Atom']");
    assert_eq!(count(&format!("count(/{})", atom("feed"))), "1");
    assert_eq!(count(&format!("count(/*/{})", atom("entry"))), "4");
    for required in ["id", "title", "updated"] {
        assert_eq!(count(&format!("count(/*/{})", atom(required))), "1", "feed {required}");
        let missing = format!("count(/*/{}[count({}) != 1])", atom("entry"), atom(required));
        assert_eq!(count(&missing), "0", "every entry has exactly one {required}");
    }
    assert_eq!(count(&format!("count(/*/{}/{})", atom("author"), atom("name"))), "1");
    let cap_links = format!("count(/*/{}/{}[@rel='alternate' and @type='application/cap+xml'])", atom("entry"), atom("link"));
    assert_eq!(count(&cap_links), "4");
}

#[test]
fn the_validator_rejects_what_the_specifications_forbid() {
    let dir = tempfile::tempdir().unwrap();
    let good = cap::alert(&ordinary(), "k@k.dk", NOW);
    let file = dir.path().join("z.cap.xml");
    let xsd = standards().join("cap/CAP-v1.2.xsd");
    let args = ["--noout", "--schema", xsd.to_str().unwrap()];
    std::fs::write(&file, &good).unwrap();
    assert!(xmllint(&args, &file).is_ok(), "the good alert validates");
    std::fs::write(&file, good.replace("+01:00</sent>", "Z</sent>")).unwrap();
    assert!(xmllint(&args, &file).is_err(), "a trailing Z must be rejected");
    std::fs::write(&file, good.replace("<status>", "<scope>Public</scope><status>")).unwrap();
    assert!(xmllint(&args, &file).is_err(), "element order matters");
    let area = Area { code: "0250".into(), name: "Frederikssund Kommune".into() };
    let o = VoiceOptions { municipality: &area, crisis_line: "70 00 00 00", callback_url: "/cb" };
    let vxml = voice::vxml(Some(&ordinary()), &o);
    let vxsd = standards().join("voicexml21/vxml.xsd");
    let vargs = ["--nonet", "--noout", "--schema", vxsd.to_str().unwrap()];
    std::fs::write(&file, vxml.replace("type=\"blind\"", "type=\"teleport\"")).unwrap();
    assert!(xmllint(&vargs, &file).is_err(), "an unknown transfer type must be rejected");
}

#[test]
fn awkward_text_is_escaped_not_dropped() {
    let p = awkward();
    let doc = cap::alert(&p, "k@k.dk", NOW);
    assert!(doc.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'citat'"), "{doc}");
    assert!(doc.contains("]]&gt; slut."), "control characters stripped, the rest kept");
    assert!(doc.contains("🚒🔥") && doc.contains("中文 🚰"));
    assert!(doc.contains("kommunens side (https://k.invalid/a?b=1&amp;c=&lt;2&gt;)"), "{doc}");
    let headline = doc.split("<headline>").nth(1).unwrap().split("</headline>").next().unwrap();
    assert!(headline.starts_with("Øvelse &lt;b&gt;&amp;amp;&lt;/b&gt;"), "an exercise title that says so keeps its own words: {headline}");
    let ssml = voice::message_ssml(&p);
    assert!(ssml.contains("<say-as interpret-as=\"telephone\">70 00 00 00</say-as> kl. 14.30"), "{ssml}");
    assert!(!ssml.contains("https://"), "addresses are not read aloud");
}
