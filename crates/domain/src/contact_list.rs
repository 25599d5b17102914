//! The contact lists the secretariat keeps for each organisation: the affected authority's crisis
//! contacts, the member municipalities' shift contacts, the phone vendor's helpdesk and the
//! knowledge-base contact. Each entry says when somebody last checked it, and goes stale after
//! the secretariat's period ([`crate::callout::DEFAULT_STALE_AFTER_DAYS`] unless set). Exports:
//! CSV (RFC 4180, with a byte-order mark for spreadsheets) and vCard 4.0 (RFC 6350).

use crate::error::{Problems, code};
use crate::{DomainError, text, word_enum};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

word_enum!(
    /// What an entry of a contact list is for.
    EntryKind, "contact list kind" {
        AuthorityCrisis = "authority_crisis",
        ShiftContact = "shift_contact",
        VendorHelpdesk = "vendor_helpdesk",
        KnowledgeBase = "knowledge_base",
    }
);

pub const NAME_MAX: usize = 120;
pub const FUNCTION_MAX: usize = 120;
pub const PHONE_MAX: usize = 40;
pub const EMAIL_MAX: usize = 254;
pub const NOTE_MAX: usize = 500;

/// An entry as the secretariat types it (adding, or replacing an entry's fields).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    pub kind: EntryKind,
    #[schema(min_length = 1, max_length = 120, pattern = r"\S")]
    pub name: String,
    /// What the person does for us ("Beredskabschef", "Vagthavende").
    #[serde(default)]
    #[schema(max_length = 120)]
    pub function: String,
    /// A Danish number (8 digits, or 112, 114, 1813, 1850) or an international one starting with
    /// `+`; kept in one written form. A phone or an e-mail is required.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub phone: String,
    #[serde(default)]
    #[schema(max_length = 254)]
    pub email: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// A Danish number as [`crate::guide::normalise_phone`] writes it (`12 34 56 78`), or an
/// international one: `+`, a country code not 45, and 7 to 15 digits in all, kept as `+46 8 123 456`.
pub fn normalise_phone(raw: &str) -> Option<String> {
    if let Some(danish) = crate::guide::normalise_phone(raw) {
        return Some(danish);
    }
    let raw = text::one_line(raw);
    let rest = raw.strip_prefix('+').or_else(|| raw.strip_prefix("00"))?;
    let ok_chars = rest.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'));
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let ok = ok_chars && (7..=15).contains(&digits.len()) && !digits.starts_with('0') && !digits.starts_with("45");
    ok.then(|| format!("+{}", rest.replace(['(', ')', '.', '-'], " ").split_whitespace().collect::<Vec<_>>().join(" ")))
}

/// The `tel:` URI of a number as [`normalise_phone`] keeps it (RFC 3966): `tel:+4512345678`,
/// a short national number as it is (`tel:1813`).
pub fn tel_uri(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone.starts_with('+') {
        format!("tel:+{digits}")
    } else if digits.len() == 8 {
        format!("tel:+45{digits}")
    } else {
        format!("tel:{digits}")
    }
}

impl NewEntry {
    /// Trims and normalises the fields and checks them, with every problem at once.
    pub fn validate(mut self) -> Result<NewEntry, DomainError> {
        self.name = text::one_line(&self.name);
        self.function = text::one_line(&self.function);
        self.email = self.email.trim().to_lowercase();
        self.note = text::multi_line(&self.note);
        let mut p = Problems::default();
        p.text("name", &self.name, 1, NAME_MAX);
        p.text("function", &self.function, 0, FUNCTION_MAX);
        p.text("note", &self.note, 0, NOTE_MAX);
        let phone = text::one_line(&self.phone);
        if phone.chars().count() > PHONE_MAX {
            p.add_limit("phone", code::TOO_LONG, PHONE_MAX, format!("must be at most {PHONE_MAX} characters"));
        } else if !phone.is_empty() {
            match normalise_phone(&phone) {
                Some(n) => self.phone = n,
                None => p.add_coded(
                    "phone",
                    code::PHONE,
                    format!("'{phone}' is not a phone number (8 Danish digits, a short number such as 1813, or + and a country code)"),
                ),
            }
        } else {
            self.phone = String::new();
        }
        if self.email.chars().count() > EMAIL_MAX {
            p.add_limit("email", code::TOO_LONG, EMAIL_MAX, format!("must be at most {EMAIL_MAX} characters"));
        } else if !self.email.is_empty() && !text::is_email(&self.email) {
            p.add_coded("email", code::EMAIL, format!("'{}' is not a valid e-mail address", self.email));
        }
        if phone.is_empty() && self.email.is_empty() {
            p.add_coded("phone", code::PHONE_OR_EMAIL, "give a phone number or an e-mail address (or both)");
        }
        p.into_result().map(|()| self)
    }
}

/// One entry of an organisation's contact list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Entry {
    pub id: Uuid,
    /// The organisation whose list it is on (its code).
    pub org: String,
    pub kind: EntryKind,
    pub name: String,
    pub function: String,
    pub phone: String,
    pub email: String,
    pub note: String,
    /// When somebody last checked the entry ("I checked this today"); never checked: `null`.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_verified_at: Option<OffsetDateTime>,
    /// Who checked it last.
    pub last_verified_by: Option<String>,
    /// Not checked within the secretariat's period (or never): as of when the list was read.
    pub stale: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Entry {
    /// Whether the entry needs checking: never checked, or not for `stale_after_days`.
    pub fn is_stale(&self, now: OffsetDateTime, stale_after_days: i64) -> bool {
        self.last_verified_at.is_none_or(|at| now >= at + Duration::days(stale_after_days))
    }

    /// The entry with [`Entry::stale`] as of `now`.
    pub fn as_of(mut self, now: OffsetDateTime, stale_after_days: i64) -> Entry {
        self.stale = self.is_stale(now, stale_after_days);
        self
    }

    /// When the entry last changed in any way: its fields or its check (vCard's `REV`).
    pub fn revised_at(&self) -> OffsetDateTime {
        self.last_verified_at.map_or(self.updated_at, |v| v.max(self.updated_at))
    }
}

/// An organisation's list as its page and the exports show it: entries in kind order, then by name.
pub fn sorted(mut entries: Vec<Entry>) -> Vec<Entry> {
    entries.sort_by_key(|e| (e.kind, e.name.to_lowercase(), e.id));
    entries
}

/// The list as CSV: RFC 4180 (CRLF, quoted where needed), UTF-8 with a byte-order mark so that
/// Excel reads æøå, and cells a spreadsheet would run as a formula defused with `'`
/// ([`crate::export::csv`]). `kind_label` words each kind for people; times are Copenhagen's.
pub fn csv(entries: &[Entry], org_name: &str, kind_label: &dyn Fn(EntryKind) -> String) -> String {
    let header = ["organisation", "kind", "name", "function", "phone", "email", "note", "last_verified", "last_verified_by", "stale"];
    let rows = entries.iter().map(|e| {
        vec![
            org_name.to_string(),
            kind_label(e.kind),
            e.name.clone(),
            e.function.clone(),
            e.phone.clone(),
            e.email.clone(),
            e.note.clone(),
            e.last_verified_at.map(crate::time::format_local).unwrap_or_default(),
            e.last_verified_by.clone().unwrap_or_default(),
            if e.stale { "ja" } else { "nej" }.to_string(),
        ]
    });
    format!("\u{feff}{}", crate::export::csv(&header, rows))
}

/// A vCard 4.0 text value (RFC 6350 §3.4): backslash, comma and line breaks escaped; a
/// semicolon too in a component of a structured value (`N`, `ORG`), where it separates the
/// components (in a plain text value the grammar has no `\;`, and readers keep it as it is).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.replace("\r\n", "\n").chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// [`escape`] for one component of a structured value.
fn component(s: &str) -> String {
    escape(s).replace(';', "\\;")
}

/// A content line folded at 75 octets (RFC 6350 §3.2), never inside a UTF-8 character, each
/// continuation starting with a space; CRLF after every physical line.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// `N`'s family and given names: the last word is the family name ("Mette Holm Sørensen" →
/// `Sørensen;Mette Holm`); a single word is the family name.
fn structured_name(name: &str) -> String {
    match name.rsplit_once(' ') {
        Some((given, family)) => format!("{};{};;;", component(family), component(given)),
        None => format!("{};;;;", component(name)),
    }
}

/// `REV`'s timestamp, UTC: `20261203T110000Z`.
fn vcard_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", t.year(), t.month() as u8, t.day(), t.hour(), t.minute(), t.second())
}

/// The list as vCard 4.0 (RFC 6350), one card per entry: FN, N, ORG, TITLE, TEL (work, as a
/// `tel:` URI), EMAIL (work), NOTE, CATEGORIES (the kind, as `kind_label` words it), REV and UID.
pub fn vcards(entries: &[Entry], org_name: &str, kind_label: &dyn Fn(EntryKind) -> String) -> String {
    let mut out = String::new();
    for e in entries {
        let mut lines = vec![
            "BEGIN:VCARD".to_string(),
            "VERSION:4.0".to_string(),
            format!("UID:urn:uuid:{}", e.id),
            format!("FN:{}", escape(&e.name)),
            format!("N:{}", structured_name(&e.name)),
            format!("ORG:{}", component(org_name)),
            format!("CATEGORIES:{}", escape(&kind_label(e.kind))),
        ];
        if !e.function.is_empty() {
            lines.push(format!("TITLE:{}", escape(&e.function)));
        }
        if !e.phone.is_empty() {
            lines.push(format!("TEL;VALUE=uri;TYPE=work:{}", tel_uri(&e.phone)));
        }
        if !e.email.is_empty() {
            lines.push(format!("EMAIL;TYPE=work:{}", escape(&e.email)));
        }
        if !e.note.is_empty() {
            lines.push(format!("NOTE:{}", escape(&e.note)));
        }
        lines.push(format!("REV:{}", vcard_time(e.revised_at())));
        lines.push("END:VCARD".to_string());
        for l in &lines {
            fold(l, &mut out);
        }
    }
    out
}

/// An organisation's list in brief, for the overview of all lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ListSummary {
    pub org: String,
    pub entries: usize,
    pub stale: usize,
}

/// Per organisation (in code order), how many entries it has and how many are stale.
pub fn summaries(entries: &[Entry]) -> Vec<ListSummary> {
    let mut out: std::collections::BTreeMap<&str, ListSummary> = std::collections::BTreeMap::new();
    for e in entries {
        let s = out.entry(&e.org).or_insert_with(|| ListSummary { org: e.org.clone(), entries: 0, stale: 0 });
        s.entries += 1;
        s.stale += usize::from(e.stale);
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-03 11:00 UTC);

    fn new(name: &str, phone: &str, email: &str) -> NewEntry {
        NewEntry {
            kind: EntryKind::AuthorityCrisis,
            name: name.into(),
            function: "Beredskabschef".into(),
            phone: phone.into(),
            email: email.into(),
            note: String::new(),
        }
    }

    fn entry(name: &str, verified_days_ago: Option<i64>) -> Entry {
        Entry {
            id: Uuid::from_u128(7),
            org: "0250".into(),
            kind: EntryKind::AuthorityCrisis,
            name: name.into(),
            function: "Beredskabschef".into(),
            phone: "12 34 56 78".into(),
            email: "mette@frederiksberg.invalid".into(),
            note: String::new(),
            last_verified_at: verified_days_ago.map(|d| NOW - Duration::days(d)),
            last_verified_by: None,
            stale: false,
            created_at: NOW - Duration::days(200),
            updated_at: NOW - Duration::days(100),
        }
    }

    fn fields(e: DomainError) -> Vec<(String, Option<&'static str>)> {
        match e {
            DomainError::Invalid(f) => f.into_iter().map(|f| (f.field, f.code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_entry_is_normalised() {
        let e = new("  Mette   Holm ", "+45 1234 5678", " Mette@Frederiksberg.DK ").validate().unwrap();
        assert_eq!((e.name.as_str(), e.phone.as_str(), e.email.as_str()), ("Mette Holm", "12 34 56 78", "mette@frederiksberg.dk"));
        assert_eq!(new("Vagten", "1813", "").validate().unwrap().phone, "1813");
        assert_eq!(new("Helpdesk", "+46 (8) 123-456 78", "").validate().unwrap().phone, "+46 8 123 456 78");
    }

    #[test]
    fn an_entry_needs_a_name_and_a_way_to_reach_it() {
        assert_eq!(
            fields(new(" ", "", "").validate().unwrap_err()),
            [("name".into(), Some(code::REQUIRED)), ("phone".into(), Some(code::PHONE_OR_EMAIL))]
        );
        assert_eq!(
            fields(new("A", "123", "no-at").validate().unwrap_err()),
            [("phone".into(), Some(code::PHONE)), ("email".into(), Some(code::EMAIL))]
        );
        assert_eq!(fields(new(&"x".repeat(121), "", "a@b.dk").validate().unwrap_err()), [("name".into(), Some(code::TOO_LONG))]);
        let mut long_note = new("A", "12345678", "");
        long_note.note = "n".repeat(501);
        assert_eq!(fields(long_note.validate().unwrap_err()), [("note".into(), Some(code::TOO_LONG))]);
        assert!(new("A", "", "a@b.dk").validate().is_ok() && new("A", "12345678", "").validate().is_ok());
    }

    #[test]
    fn phone_numbers_become_tel_uris() {
        assert_eq!(tel_uri("12 34 56 78"), "tel:+4512345678");
        assert_eq!(tel_uri("1813"), "tel:1813");
        assert_eq!(tel_uri("+46 8 123 456"), "tel:+468123456");
        assert_eq!(normalise_phone("+45 123"), None, "a Danish number has 8 digits");
        assert_eq!(normalise_phone("+1 555"), None);
    }

    #[test]
    fn an_entry_goes_stale_after_the_period_or_when_never_checked() {
        assert!(!entry("A", Some(89)).is_stale(NOW, 90));
        assert!(entry("A", Some(90)).is_stale(NOW, 90));
        assert!(entry("A", None).is_stale(NOW, 90));
        assert!(entry("A", Some(40)).is_stale(NOW, 30), "the secretariat's period counts");
        let list = [entry("A", Some(1)).as_of(NOW, 90), entry("B", None).as_of(NOW, 90)];
        assert_eq!(summaries(&list), [ListSummary { org: "0250".into(), entries: 2, stale: 1 }]);
    }

    #[test]
    fn csv_has_a_bom_a_header_and_no_formulas() {
        let mut e = entry("=HYPERLINK(\"x\")", Some(1));
        e.note = "ring, så \"svarer\" hun\nogså".into();
        e.function = "-vagt".into();
        let out = csv(&[e], "Frederiksberg Kommune", &|k| format!("«{k}»"));
        assert!(out.starts_with("\u{feff}organisation,kind,name,function,phone,email,note,last_verified,last_verified_by,stale\r\n"));
        let row = out.lines().nth(1).unwrap();
        assert!(row.starts_with("Frederiksberg Kommune,«authority_crisis»,\"'=HYPERLINK(\"\"x\"\")\",'-vagt,12 34 56 78,"), "{row}");
        assert!(out.contains("\"ring, så \"\"svarer\"\" hun\nogså\""));
        assert!(out.ends_with(",nej\r\n"));
        // Read back as CSV, the cells are what was written.
        let mut r = csv::ReaderBuilder::new().from_reader(out.trim_start_matches('\u{feff}').as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[2], "'=HYPERLINK(\"x\")");
        assert_eq!(&rec[6], "ring, så \"svarer\" hun\nogså");
    }

    #[test]
    fn vcards_escape_fold_and_end_lines_with_crlf() {
        let mut e = entry("Mette Holm Sørensen", Some(1));
        e.note = "Ring først; spørg efter vagten, ellers \\ mail\nNat: 1813".into();
        e.function = "Beredskabschef æøå ".repeat(5).trim().to_string();
        let out = vcards(&[e.clone()], "Frederiksberg Kommune", &|_| "Myndighedens krisekontakt".into());
        assert!(out.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:00000000-0000-0000-0000-000000000007\r\n"));
        assert!(out.contains("\r\nFN:Mette Holm Sørensen\r\n"));
        assert!(out.contains("\r\nN:Sørensen;Mette Holm;;;\r\n"));
        assert!(out.contains("\r\nTEL;VALUE=uri;TYPE=work:tel:+4512345678\r\n"));
        assert!(out.contains("\r\nEMAIL;TYPE=work:mette@frederiksberg.invalid\r\n"));
        assert!(out.contains("NOTE:Ring først; spørg efter vagten\\, ellers \\\\ mail\\nNat: 1813\r\n"));
        let org = vcards(&[e.clone()], "Kommune; Syd", &|_| String::new());
        assert!(org.contains("\r\nORG:Kommune\\; Syd\r\n"), "a semicolon in a structured value is escaped");
        assert!(out.contains(&format!("\r\nREV:{}\r\n", vcard_time(NOW - Duration::days(1)))));
        assert!(out.ends_with("END:VCARD\r\n"));
        assert!(!out.replace("\r\n", "").contains('\n'), "no bare line feeds");
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        // Unfolded, the title is whole again.
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("\r\nTITLE:{}\r\n", e.function)));
        assert_eq!(out.matches("BEGIN:VCARD").count(), 1);
    }

    #[test]
    fn folding_never_splits_a_character() {
        let mut out = String::new();
        fold(&format!("NOTE:{}", "ø".repeat(100)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75);
        }
        assert_eq!(out.replace("\r\n ", ""), format!("NOTE:{}\r\n", "ø".repeat(100)));
    }
}
