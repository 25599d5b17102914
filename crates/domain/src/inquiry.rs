//! What citizens ask (inquiries, no personal data) and callback requests (the only place personal
//! data lives: minimal, access-logged, purged after the retention period).

use crate::error::{Problems, code};
use crate::{DomainError, guide, text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub const INQUIRY_TEXT_MAX: usize = 200;
pub const REASON_MAX: usize = 500;
/// Callback requests are deleted this long after the incident closes, unless configured otherwise.
pub const DEFAULT_RETENTION_DAYS: i64 = 30;

/// Ten digits as a CPR number is written (ddmmyy-xxxx): such a thing does not belong in an
/// inquiry, which is kept as statistics.
pub fn looks_like_cpr(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    let compact: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    digits.len() >= 10 && compact.as_bytes().windows(10).any(|w| w.iter().all(u8::is_ascii_digit))
}

/// What a run of four or more digits is shown as in a citizen's question.
pub const NUMBER_LEFT_OUT: &str = "[tal]";

/// A citizen's question as the authority may read it: a CPR-like text is left out entirely (as
/// [`crate::chat::CPR_LEFT_OUT`]), and every run of four or more digits (a phone number written
/// "20 30 40 50", an address's house number and postcode) becomes [`NUMBER_LEFT_OUT`]. Digits
/// separated by one space, `-`, `.` or `/` count as one run.
pub fn mask_personal(text: &str) -> String {
    if looks_like_cpr(text) {
        return crate::chat::CPR_LEFT_OUT.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let (start, mut end, mut digits) = (i, i, 0);
        while end < chars.len() {
            if chars[end].is_ascii_digit() {
                digits += 1;
                end += 1;
            } else if matches!(chars[end], ' ' | '-' | '.' | '/') && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
                end += 1;
            } else {
                break;
            }
        }
        if digits >= 4 {
            out.push_str(NUMBER_LEFT_OUT);
        } else {
            out.extend(&chars[start..end]);
        }
        i = end;
    }
    out
}

fn check_municipality(p: &mut Problems, given: &str) {
    // Parsed once: every inquiry and callback asks.
    static CODES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let codes = CODES.get_or_init(|| crate::org::reference().into_iter().map(|o| o.code).collect());
    let numeric = given.len() == 4 && given.chars().all(|c| c.is_ascii_digit());
    if !numeric || !codes.iter().any(|c| c == given) {
        let message = format!("'{given}' is not a known municipality or region code (four digits, e.g. 0250)");
        // Blank is the form's "choose" option: the agent has not chosen yet.
        match given {
            "" => p.add_coded("municipality", code::CHOOSE_MUNICIPALITY, message),
            _ => p.add_about("municipality", code::UNKNOWN_MUNICIPALITY, given, message),
        }
    }
}

/// The caller's municipality an agent's form starts with: the agent's last choice, else the one
/// municipality the crisis reaches; with several, none, so the agent must choose (an inquiry
/// counted against the wrong municipality misleads its authority).
pub fn default_municipality<'a>(last: Option<&'a str>, reached: &'a [String]) -> Option<&'a str> {
    match (last, reached) {
        (Some(m), _) if crate::org::is_statistics_code(m) => Some(m),
        (_, [only]) => Some(only.as_str()),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInquiry {
    pub version: i64,
    /// Index of the situation row in that version; `None` means "not covered by the guide".
    #[serde(default)]
    pub situation: Option<usize>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub text: String,
    /// The caller's municipality code.
    #[schema(max_length = 12, pattern = r"^([0-9]{4}|[A-Z0-9]{2,12})$")]
    pub municipality: String,
}

impl NewInquiry {
    /// Checked against the published version it refers to; returns the situation's wording.
    pub fn validate(mut self, v: &guide::Version) -> Result<(NewInquiry, Option<String>), DomainError> {
        self.text = text::one_line(&self.text);
        self.municipality = self.municipality.trim().to_string();
        let mut p = Problems::default();
        if self.version != v.version {
            let message = format!("record inquiries against the current version {} (got {})", v.version, self.version);
            p.add_coded("version", code::GUIDE_VERSION, message);
        }
        let situation = match self.situation {
            Some(i) => match v.guide.situations.get(i) {
                Some(s) => Some(s.situation.clone()),
                None => {
                    p.add_coded("situation", code::SITUATION_ROW, format!("version {} has no situation row {i}", v.version));
                    None
                }
            },
            None => None,
        };
        if situation.is_none() && self.situation.is_none() && self.text.is_empty() {
            p.add_coded("text", code::NOT_COVERED_TEXT, "say in a few words what the citizen asked about: it is not covered by the guide");
        }
        p.text("text", &self.text, 0, INQUIRY_TEXT_MAX);
        if looks_like_cpr(&self.text) {
            p.add_coded(
                "text",
                code::CPR_INQUIRY,
                "looks like a CPR number: personal data belongs in a callback request, not in an inquiry",
            );
        }
        check_municipality(&mut p, &self.municipality);
        p.into_result()?;
        Ok((self, situation))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Inquiry {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub version: i64,
    /// The situation's wording when recorded; `None`: not covered.
    pub situation: Option<String>,
    pub text: String,
    pub municipality: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCallback {
    #[schema(min_length = 1, max_length = 120, pattern = r"\S")]
    pub name: String,
    #[schema(max_length = 40)]
    pub phone: String,
    #[serde(default)]
    #[schema(format = Email)]
    pub email: String,
    #[schema(min_length = 3, max_length = 500, pattern = r"\S")]
    pub reason: String,
    #[schema(max_length = 12, pattern = r"^([0-9]{4}|[A-Z0-9]{2,12})$")]
    pub municipality: String,
}

impl NewCallback {
    pub fn validate(mut self) -> Result<NewCallback, DomainError> {
        self.name = text::one_line(&self.name);
        self.email = self.email.trim().to_lowercase();
        self.reason = text::multi_line(&self.reason);
        self.municipality = self.municipality.trim().to_string();
        let mut p = Problems::default();
        p.text("name", &self.name, 1, 120);
        match guide::normalise_phone(&self.phone) {
            Some(n) if n.len() > 4 => self.phone = n,
            _ => p.add_coded("phone", code::PHONE, format!("'{}' is not a Danish phone number (8 digits)", self.phone.trim())),
        }
        if !self.email.is_empty() && !text::is_email(&self.email) {
            p.add_coded("email", code::EMAIL, "is not a valid e-mail address (or leave it empty)");
        }
        p.text("reason", &self.reason, 3, REASON_MAX);
        if looks_like_cpr(&self.reason) {
            p.add_coded(
                "reason",
                code::CPR_CALLBACK,
                "do not write CPR numbers: the authority calls the citizen back and asks what it needs",
            );
        }
        check_municipality(&mut p, &self.municipality);
        p.into_result()?;
        Ok(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Callback {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub reason: String,
    pub municipality: String,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Whether the e-mail to the guide's callback mailbox has gone out.
    pub mailed: bool,
}

/// One reading of personal data: who, when, what for, how many records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Access {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub user_name: String,
    /// `create`, `view` or `export`.
    pub what: String,
    pub records: i64,
}

/// The e-mail to the guide's callback mailbox: (subject, body), plain Danish text.
pub fn callback_mail(incident: &crate::incident::Incident, c: &Callback) -> (String, String) {
    let practice = if incident.exercise { "ØVELSE – " } else { "" };
    let subject = format!("{practice}Anmodning om opkald: {}", text::one_line(&incident.title));
    let email = if c.email.is_empty() { "(ikke oplyst)" } else { &c.email };
    let body = format!(
        "{practice}En borger beder om at blive ringet op.\n\nNavn: {}\nTelefon: {}\nE-mail: {email}\nKommune: {}\n\nÅrsag:\n{}\n\n\
         Modtaget af {} i Kriseservice, {}.\nKrise: {}\n\nOplysningerne slettes automatisk efter opbevaringsperioden. \
         Videresend ikke denne mail uden for myndigheden.\n",
        c.name,
        c.phone,
        c.municipality,
        c.reason,
        c.created_by,
        crate::time::format_danish(c.created_at),
        incident.title,
    );
    (subject, body)
}

/// The retention rule as the purge asks it: at `now`, the callback requests of every incident
/// closed at or before the instant returned are due for deletion, that is, those closed
/// `retention_days` or more before `now`. A retention too long to subtract leaves nothing due.
pub fn purge_cutoff(now: OffsetDateTime, retention_days: i64) -> OffsetDateTime {
    let retention = Duration::seconds(retention_days.saturating_mul(86_400));
    now.checked_sub(retention).unwrap_or(time::PrimitiveDateTime::MIN.assume_utc())
}

/// What the authority needs to improve its guide.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Aggregates {
    pub total: usize,
    /// (Copenhagen hour "2026-11-23 14:00", count), oldest first.
    pub per_hour: Vec<(String, usize)>,
    /// (situation, count), most asked first; `None` is "not covered".
    pub per_situation: Vec<(Option<String>, usize)>,
    /// The most frequent "not covered" questions (as written, grouped case-insensitively).
    pub top_not_covered: Vec<(String, usize)>,
    /// What the chatbot answered with, most answered first.
    pub chat_answered: Vec<Answered>,
}

/// How often the chatbot answered with one piece of a crisis's guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Answered {
    pub section: AnsweredSection,
    /// The situation row's wording, for a situation.
    pub situation: Option<String>,
    pub count: i64,
}

/// The piece of the guide an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnsweredSection {
    Situation,
    CitizenSummary,
    Contacts,
}

impl AnsweredSection {
    pub fn as_str(self) -> &'static str {
        match self {
            AnsweredSection::Situation => "situation",
            AnsweredSection::CitizenSummary => "citizen_summary",
            AnsweredSection::Contacts => "contacts",
        }
    }

    pub fn parse(s: &str) -> Option<AnsweredSection> {
        [AnsweredSection::Situation, AnsweredSection::CitizenSummary, AnsweredSection::Contacts].into_iter().find(|x| x.as_str() == s)
    }
}

fn most_first<K: Ord>(counts: BTreeMap<K, usize>) -> Vec<(K, usize)> {
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v
}

pub fn aggregate(inquiries: &[Inquiry], top: usize) -> Aggregates {
    let mut per_hour = BTreeMap::new();
    let mut per_situation = BTreeMap::new();
    let mut not_covered: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for i in inquiries {
        let l = crate::time::to_copenhagen(i.at);
        *per_hour.entry(format!("{}-{:02}-{:02} {:02}:00", l.year(), l.month() as u8, l.day(), l.hour())).or_insert(0) += 1;
        *per_situation.entry(i.situation.clone()).or_insert(0) += 1;
        if i.situation.is_none() && !i.text.is_empty() {
            // Shown as the authority may read it, whatever was stored before numbers were masked.
            let text = mask_personal(&i.text);
            let e = not_covered.entry(text.to_lowercase()).or_insert_with(|| (text, 0));
            e.1 += 1;
        }
    }
    let mut top_not_covered: Vec<(String, usize)> = not_covered.into_values().collect();
    top_not_covered.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top_not_covered.truncate(top);
    Aggregates {
        total: inquiries.len(),
        per_hour: per_hour.into_iter().collect(),
        per_situation: most_first(per_situation),
        top_not_covered,
        chat_answered: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::{Version, template};
    use crate::incident::IncidentKind;

    #[test]
    fn the_form_starts_with_the_last_choice_or_the_only_municipality_reached() {
        let one = vec!["0250".to_string()];
        let two = vec!["0253".to_string(), "0259".to_string()];
        assert_eq!(default_municipality(None, &one), Some("0250"));
        assert_eq!(default_municipality(None, &two), None, "several: the agent chooses");
        assert_eq!(default_municipality(Some("0259"), &one), Some("0259"), "the last choice wins");
        assert_eq!(default_municipality(Some("<x>"), &one), Some("0250"), "a mangled address is no choice");
    }

    fn version() -> Version {
        Version {
            version: 3,
            published_at: OffsetDateTime::UNIX_EPOCH,
            published_by: "x".into(),
            guide: template(IncidentKind::ItBreakdown),
        }
    }

    fn inquiry(situation: Option<usize>, text: &str) -> NewInquiry {
        NewInquiry { version: 3, situation, text: text.into(), municipality: "0250".into() }
    }

    #[test]
    fn an_inquiry_names_a_row_or_says_what_was_not_covered() {
        let (_, s) = inquiry(Some(0), "").validate(&version()).unwrap();
        assert_eq!(s.as_deref(), Some(version().guide.situations[0].situation.as_str()));
        assert!(inquiry(None, "Kan jeg hente min medicin?").validate(&version()).unwrap().1.is_none());
        assert!(inquiry(None, "").validate(&version()).is_err());
        assert!(inquiry(Some(99), "").validate(&version()).is_err());
        assert!(NewInquiry { municipality: "9999".into(), ..inquiry(Some(0), "") }.validate(&version()).is_err());
        assert!(NewInquiry { version: 2, ..inquiry(Some(0), "") }.validate(&version()).is_err());
    }

    /// The codes the pages translate: each refusal an agent meets is named, not only worded.
    #[test]
    fn an_agents_refusals_carry_their_codes() {
        let codes = |r: Result<(NewInquiry, Option<String>), DomainError>| match r {
            Err(DomainError::Invalid(errs)) => errs.iter().map(|e| (e.field.clone(), e.code)).collect::<Vec<_>>(),
            other => panic!("must be refused: {other:?}"),
        };
        assert_eq!(codes(inquiry(None, "").validate(&version())), [("text".to_string(), Some(code::NOT_COVERED_TEXT))]);
        let blank = NewInquiry { municipality: " ".into(), ..inquiry(Some(0), "") };
        assert_eq!(codes(blank.validate(&version())), [("municipality".to_string(), Some(code::CHOOSE_MUNICIPALITY))]);
        let unknown = NewInquiry { municipality: "9999".into(), ..inquiry(Some(0), "") };
        assert_eq!(codes(unknown.validate(&version())), [("municipality".to_string(), Some(code::UNKNOWN_MUNICIPALITY))]);
        let stale = NewInquiry { version: 2, ..inquiry(Some(0), "") };
        assert_eq!(codes(stale.validate(&version())), [("version".to_string(), Some(code::GUIDE_VERSION))]);
    }

    #[test]
    fn cpr_numbers_are_kept_out() {
        assert!(looks_like_cpr("borger 010203-1234 ringede"));
        assert!(looks_like_cpr("0102031234"));
        assert!(!looks_like_cpr("ring 72 23 50 00 eller 112"));
        assert!(inquiry(None, "cpr 010203-1234").validate(&version()).is_err());
    }

    #[test]
    fn personal_numbers_are_masked_and_short_ones_kept() {
        assert_eq!(mask_personal("Ring til mig på 20 30 40 50 tak"), "Ring til mig på [tal] tak");
        assert_eq!(mask_personal("mobil 2030-4050, eller fastnet 4433.2211"), "mobil [tal], eller fastnet [tal]");
        assert_eq!(mask_personal("Jeg bor på Vestergade 12, 3630"), "Jeg bor på Vestergade 12, [tal]");
        assert_eq!(mask_personal("Kan jeg drikke vandet om 2 dage?"), "Kan jeg drikke vandet om 2 dage?");
        assert_eq!(mask_personal("mit cpr er 010203-1234"), crate::chat::CPR_LEFT_OUT, "a CPR-like text goes entirely");
        assert_eq!(mask_personal("1 2 3"), "1 2 3", "three digits are no number to hide");
        assert_eq!(mask_personal("æøå 1234"), "æøå [tal]");
    }

    #[test]
    fn callback_validation_lists_every_problem() {
        let c = NewCallback { name: "".into(), phone: "12".into(), email: "x".into(), reason: "".into(), municipality: "0250".into() };
        let Err(DomainError::Invalid(errs)) = c.validate() else { panic!("must be refused") };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "phone", "email", "reason"]);
        let ok = NewCallback {
            name: "Bo".into(),
            phone: "+45 20304050".into(),
            email: "".into(),
            reason: "Vil ringes op".into(),
            municipality: "0250".into(),
        };
        assert_eq!(ok.validate().unwrap().phone, "20 30 40 50");
        let short = NewCallback {
            name: "Bo".into(),
            phone: "112".into(),
            email: "".into(),
            reason: "Vil ringes op".into(),
            municipality: "0250".into(),
        };
        assert!(short.validate().is_err(), "a citizen cannot be called back on 112");
    }

    #[test]
    fn aggregates_count_per_hour_situation_and_not_covered() {
        let at = |h: u8| time::macros::datetime!(2026-11-23 00:00 UTC) + Duration::hours(h as i64);
        let mk = |situation: Option<&str>, text: &str, h: u8| Inquiry {
            id: Uuid::nil(),
            incident_id: Uuid::nil(),
            version: 1,
            situation: situation.map(String::from),
            text: text.into(),
            municipality: "0250".into(),
            at: at(h),
        };
        let all = vec![
            mk(Some("A"), "", 9),
            mk(Some("A"), "", 9),
            mk(None, "Medicin?", 10),
            mk(None, "medicin?", 10),
            mk(None, "Skole", 10),
            mk(None, "Chatbot: ring 2030 4050", 10),
        ];
        let a = aggregate(&all, 1);
        assert_eq!(aggregate(&all, 3).top_not_covered[1], ("Chatbot: ring [tal]".to_string(), 1), "numbers masked");
        assert_eq!(a.total, 6);
        assert_eq!(a.per_hour, vec![("2026-11-23 10:00".to_string(), 2), ("2026-11-23 11:00".to_string(), 4)]);
        assert_eq!(a.per_situation[0], (None, 4));
        assert_eq!(a.per_situation[1], (Some("A".to_string()), 2));
        assert_eq!(a.top_not_covered, vec![("Medicin?".to_string(), 2)]);
    }

    #[test]
    fn callbacks_are_due_once_the_retention_has_passed_since_close() {
        let closed = time::macros::datetime!(2026-11-23 14:00 UTC);
        let due_at = |now: OffsetDateTime| closed <= purge_cutoff(now, 30);
        assert!(!due_at(closed), "not at close");
        assert!(!due_at(closed + Duration::days(29)));
        assert!(!due_at(closed + Duration::days(30) - Duration::microseconds(1)), "not a moment early");
        assert!(due_at(closed + Duration::days(30)), "exactly 30 days after close");
        assert!(due_at(closed + Duration::days(31)));
        // Days of 24 hours, whatever Copenhagen's clocks do (they go back on 25 October 2026):
        // 30 days after 14:00 UTC is 14:00 UTC.
        let october = time::macros::datetime!(2026-10-01 14:00 UTC);
        assert_eq!(purge_cutoff(october + Duration::days(30), 30), october);
        // A retention longer than time itself leaves nothing due; nothing panics.
        assert!(closed > purge_cutoff(closed, i64::MAX));
        assert!(closed <= purge_cutoff(closed, 0), "no retention: due at close");
    }
}
