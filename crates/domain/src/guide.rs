//! The crisis guide (beredskabsguide): the single source every agent, the public page and the
//! bots speak from. A draft may be incomplete; publishing requires every section, and each
//! publish is a new immutable version.

use crate::error::{Problems, code};
use crate::incident::IncidentKind;
use crate::{DomainError, text};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub const BANNER_MAX: usize = 160;
pub const SECTION_MAX: usize = 4000;
pub const STATUS_MAX: usize = 1000;
pub const ROW_MAX: usize = 600;
pub const MAX_SITUATIONS: usize = 50;
pub const MAX_CONTACTS: usize = 30;
/// Example questions per situation row, and the length of one.
pub const MAX_CITIZEN_QUESTIONS: usize = 20;
pub const QUESTION_MAX: usize = 200;
/// The affected area in citizens' words: towns, parishes, postcodes.
pub const AREA_MAX: usize = 500;

/// A row of "what agents can help with": the citizen's situation, what the agent does, and
/// what the public page and the bots may say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Situation {
    /// The citizen's question this row answers, as a citizen would ask it ("Kan jeg drikke
    /// vandet?"): the heading of its answer on the public page. Required with a citizen text.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub question: String,
    #[schema(max_length = 200)]
    pub situation: String,
    #[schema(max_length = 600)]
    pub action: String,
    #[serde(default)]
    #[schema(max_length = 600)]
    pub citizen_text: String,
    /// How citizens ask about this situation, in their own words: the chatbot matches messages
    /// against them. Never shown to citizens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 20)]
    pub citizen_questions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[schema(max_length = 120)]
    pub name: String,
    #[schema(max_length = 40)]
    pub phone: String,
    #[serde(default)]
    #[schema(max_length = 300)]
    pub note: String,
    /// Emergency numbers are shown first and read out first.
    #[serde(default)]
    pub urgent: bool,
}

/// The guide's content, as a draft and as every published version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Guide {
    /// One line every agent sees.
    #[schema(max_length = 160)]
    pub banner: String,
    /// Internal note for whoever fills the guide; never shown to agents or citizens.
    #[schema(max_length = 4000)]
    pub purpose: String,
    /// What happened, since when, who is affected, which channels are set up.
    #[schema(max_length = 4000)]
    pub scope: String,
    /// Where the crisis applies, in words citizens know ("Jægerspris og Skibby, postnumre 3630
    /// og 3670"), shown on the public page so that a reader can tell whether it concerns them.
    #[schema(max_length = 500)]
    pub affected_area: String,
    #[schema(max_length = 1000)]
    pub short_status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(format = DateTime)]
    pub started_at: Option<OffsetDateTime>,
    /// In words: "2–3 dage", "ukendt".
    #[schema(max_length = 200)]
    pub expected_duration: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(format = DateTime)]
    pub next_update_at: Option<OffsetDateTime>,
    #[schema(max_items = 50)]
    pub situations: Vec<Situation>,
    #[schema(max_items = 30)]
    pub contacts: Vec<Contact>,
    /// Non-urgent cases are referred here for a callback.
    #[schema(format = Email)]
    pub callback_email: String,
    /// What the public page, the chatbot and the voicebot may say.
    #[schema(max_length = 1000)]
    pub citizen_summary: String,
}

/// A Danish phone number in one written form, or `None`: eight digits (optionally with +45 or
/// 0045), or one of the short national numbers.
pub fn normalise_phone(raw: &str) -> Option<String> {
    const SHORT: &[&str] = &["112", "114", "1813", "1850"];
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let national = digits.strip_prefix("+45").or_else(|| digits.strip_prefix("0045")).unwrap_or(&digits);
    if SHORT.contains(&national) {
        return Some(national.to_string());
    }
    if national.len() == 8 && national.chars().all(|c| c.is_ascii_digit()) && !national.starts_with('0') {
        let d = national.as_bytes();
        return Some(format!(
            "{}{} {}{} {}{} {}{}",
            d[0] as char, d[1] as char, d[2] as char, d[3] as char, d[4] as char, d[5] as char, d[6] as char, d[7] as char
        ));
    }
    None
}

impl Guide {
    fn normalise(mut self) -> Guide {
        self.banner = text::one_line(&self.banner);
        for s in [&mut self.purpose, &mut self.scope, &mut self.short_status, &mut self.citizen_summary] {
            *s = text::multi_line(s);
        }
        self.expected_duration = text::one_line(&self.expected_duration);
        self.affected_area = text::one_line(&self.affected_area);
        self.callback_email = self.callback_email.trim().to_lowercase();
        for s in &mut self.situations {
            s.question = text::one_line(&s.question);
            s.situation = text::one_line(&s.situation);
            s.action = text::multi_line(&s.action);
            s.citizen_text = text::multi_line(&s.citizen_text);
            s.citizen_questions = citizen_questions(&s.citizen_questions);
        }
        for c in &mut self.contacts {
            c.name = text::one_line(&c.name);
            c.note = text::one_line(&c.note);
            if let Some(p) = normalise_phone(&c.phone) {
                c.phone = p;
            }
        }
        self
    }

    /// Limits that hold even for a draft: lengths, control characters, phone numbers as written.
    fn check_limits(&self, p: &mut Problems) {
        p.text("banner", &self.banner, 0, BANNER_MAX);
        p.text("purpose", &self.purpose, 0, SECTION_MAX);
        p.text("scope", &self.scope, 0, SECTION_MAX);
        p.text("short_status", &self.short_status, 0, STATUS_MAX);
        p.text("expected_duration", &self.expected_duration, 0, 200);
        p.text("affected_area", &self.affected_area, 0, AREA_MAX);
        p.text("citizen_summary", &self.citizen_summary, 0, STATUS_MAX);
        if self.situations.len() > MAX_SITUATIONS {
            p.add_limit("situations", code::TOO_MANY, MAX_SITUATIONS, format!("at most {MAX_SITUATIONS} rows"));
        }
        if self.contacts.len() > MAX_CONTACTS {
            p.add_limit("contacts", code::TOO_MANY, MAX_CONTACTS, format!("at most {MAX_CONTACTS} contacts"));
        }
        for (i, s) in self.situations.iter().enumerate() {
            p.text(&format!("situations[{i}].question"), &s.question, 0, QUESTION_MAX);
            p.text(&format!("situations[{i}].situation"), &s.situation, 0, 200);
            p.text(&format!("situations[{i}].action"), &s.action, 0, ROW_MAX);
            p.text(&format!("situations[{i}].citizen_text"), &s.citizen_text, 0, ROW_MAX);
            let field = format!("situations[{i}].citizen_questions");
            if s.citizen_questions.len() > MAX_CITIZEN_QUESTIONS {
                p.add_limit(&field, code::TOO_MANY, MAX_CITIZEN_QUESTIONS, format!("at most {MAX_CITIZEN_QUESTIONS} questions"));
            }
            for q in &s.citizen_questions {
                p.text(&field, q, 0, QUESTION_MAX);
            }
        }
        for (i, c) in self.contacts.iter().enumerate() {
            p.text(&format!("contacts[{i}].name"), &c.name, 0, 120);
            p.text(&format!("contacts[{i}].note"), &c.note, 0, 300);
            p.text(&format!("contacts[{i}].phone"), &c.phone, 0, 40);
        }
    }

    /// Formats that a half-typed draft may still miss, but a published guide may not.
    fn check_formats(&self, p: &mut Problems) {
        for (i, c) in self.contacts.iter().enumerate() {
            if !c.phone.trim().is_empty() && normalise_phone(&c.phone).is_none() {
                p.add_coded(
                    &format!("contacts[{i}].phone"),
                    code::PHONE,
                    format!("'{}' is not a Danish phone number (8 digits, or 112, 114, 1813)", c.phone),
                );
            }
        }
        if !self.callback_email.is_empty() && !text::is_email(&self.callback_email) {
            p.add_coded("callback_email", code::EMAIL, "is not a valid e-mail address");
        }
    }

    /// A draft may be saved incomplete, but never over the limits.
    pub fn validate_draft(self) -> Result<Guide, DomainError> {
        let g = self.normalise();
        let mut p = Problems::default();
        g.check_limits(&mut p);
        p.into_result()?;
        Ok(g)
    }

    /// Everything a published version needs, every problem listed by field.
    pub fn validate_for_publish(self, now: OffsetDateTime) -> Result<Guide, DomainError> {
        let g = self.normalise();
        let mut p = Problems::default();
        g.check_limits(&mut p);
        g.check_formats(&mut p);
        for (field, value) in [
            ("banner", &g.banner),
            ("scope", &g.scope),
            ("affected_area", &g.affected_area),
            ("short_status", &g.short_status),
            ("expected_duration", &g.expected_duration),
            ("callback_email", &g.callback_email),
            ("citizen_summary", &g.citizen_summary),
        ] {
            if value.is_empty() {
                p.add_coded(field, code::REQUIRED, "is required before publishing");
            }
        }
        if g.started_at.is_none() {
            p.add_coded("started_at", code::REQUIRED, "is required before publishing");
        }
        match g.next_update_at {
            None => p.add_coded("next_update_at", code::REQUIRED, "is required before publishing: when will the guide be updated next?"),
            Some(t) if t <= now => p.add_coded("next_update_at", code::IN_FUTURE, "must be in the future"),
            Some(_) => {}
        }
        if g.situations.is_empty() {
            p.add_coded("situations", code::REQUIRED, "add at least one situation and what agents do");
        }
        for (i, s) in g.situations.iter().enumerate() {
            if s.situation.is_empty() || s.action.is_empty() {
                p.add_coded(&format!("situations[{i}]"), code::ROW_INCOMPLETE, "both the situation and the action are required");
            }
            if is_placeholder(&s.citizen_text) {
                p.add_coded(&format!("situations[{i}].citizen_text"), crate::error::code::PLACEHOLDER, PLACEHOLDER_PROBLEM);
            }
            if !s.citizen_text.is_empty() && s.question.is_empty() {
                p.add_coded(
                    &format!("situations[{i}].question"),
                    crate::error::code::QUESTION_NEEDED,
                    "a citizen text needs the question it answers, as a citizen would ask it",
                );
            }
        }
        if g.contacts.is_empty() {
            p.add_coded("contacts", code::REQUIRED, "add at least one contact, e.g. the emergency number 112");
        }
        for (i, c) in g.contacts.iter().enumerate() {
            if c.name.is_empty() || c.phone.trim().is_empty() {
                p.add_coded(&format!("contacts[{i}]"), code::ROW_INCOMPLETE, "both the name and the phone number are required");
            }
        }
        p.into_result()?;
        Ok(g)
    }
}

impl Guide {
    /// What agents and citizens may see: everything but the internal purpose.
    pub fn published_view(mut self) -> Guide {
        self.purpose.clear();
        self
    }
}

/// Example questions as one line each, without blanks or repeats (the form gives one per line).
fn citizen_questions(raw: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<String> = Vec::new();
    // One past the limit is enough for the check to refuse the rest.
    for q in raw.iter().flat_map(|q| q.lines()).map(text::one_line).filter(|q| !q.is_empty()) {
        if out.len() > MAX_CITIZEN_QUESTIONS {
            break;
        }
        if seen.insert(q.to_lowercase()) {
            out.push(q);
        }
    }
    out
}

/// A published, immutable version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Version {
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    pub published_by: String,
    pub guide: Guide,
}

/// How current the published guide is: a new version re-arms it; when `next_update_at` passes
/// without one, the server marks it overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Freshness {
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub next_update_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub overdue_since: Option<OffsetDateTime>,
}

impl Freshness {
    pub fn is_overdue(&self) -> bool {
        self.overdue_since.is_some()
    }
}

/// Where a crisis's guide stands, for the crisis list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuideState {
    NotPublished,
    Fresh,
    /// The next update's time has passed without a new version.
    Late,
}

/// A crisis at a glance: enough for a crisis leader to see where to act.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glance {
    pub freshness: Option<Freshness>,
    /// Feedback from agents not yet resolved.
    pub open_feedback: i64,
    /// Questions agents recorded as not covered by the current version.
    pub open_questions: i64,
}

impl Glance {
    pub fn state(&self, now: OffsetDateTime) -> GuideState {
        match &self.freshness {
            None => GuideState::NotPublished,
            // The overdue mark comes within seconds; the clock says it first.
            Some(f) if f.is_overdue() || f.next_update_at <= now => GuideState::Late,
            Some(_) => GuideState::Fresh,
        }
    }
}

/// Publishing what is already published changes nothing and is refused.
pub fn check_changed(latest: Option<&Version>, next: &Guide) -> Result<(), DomainError> {
    match latest {
        Some(v) if v.guide == *next => {
            Err(DomainError::Conflict(format!("the draft is the same as version {}: change something before publishing", v.version)))
        }
        _ => Ok(()),
    }
}

/// A change between two versions, in words agents read ("nyt siden sidst").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Change {
    /// The field or row that changed, e.g. `short_status` or `situations`.
    pub section: &'static str,
    pub what: String,
}

/// What agents should notice between an older and a newer version. The internal purpose is left out.
pub fn changes(old: &Guide, new: &Guide) -> Vec<Change> {
    let mut out = Vec::new();
    let mut field = |section: &'static str, a: &str, b: &str| {
        if a != b {
            out.push(Change { section, what: b.to_string() });
        }
    };
    field("banner", &old.banner, &new.banner);
    field("short_status", &old.short_status, &new.short_status);
    field("scope", &old.scope, &new.scope);
    field("expected_duration", &old.expected_duration, &new.expected_duration);
    field("affected_area", &old.affected_area, &new.affected_area);
    field("callback_email", &old.callback_email, &new.callback_email);
    field("citizen_summary", &old.citizen_summary, &new.citizen_summary);
    if old.next_update_at != new.next_update_at
        && let Some(t) = new.next_update_at
    {
        out.push(Change { section: "next_update_at", what: crate::time::format_danish(t) });
    }
    rows(&mut out, "situations", &old.situations, &new.situations, |s| s.situation.clone(), |s| s.situation.clone());
    rows(&mut out, "contacts", &old.contacts, &new.contacts, |c| c.name.clone(), |c| format!("{} {}", c.name, c.phone));
    out
}

/// Rows matched by `key`: new, changed (shown by `label`) and removed ones.
fn rows<T: PartialEq>(
    out: &mut Vec<Change>,
    section: &'static str,
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> String,
    label: impl Fn(&T) -> String,
) {
    for n in new {
        match old.iter().find(|o| key(o) == key(n)) {
            None => out.push(Change { section, what: format!("Ny: {}", label(n)) }),
            Some(o) if o != n => out.push(Change { section, what: format!("Ændret: {}", label(n)) }),
            Some(_) => {}
        }
    }
    for o in old.iter().filter(|o| !new.iter().any(|n| key(n) == key(o))) {
        out.push(Change { section, what: format!("Fjernet: {}", key(o)) });
    }
}

/// A template row's citizen text: a sensible default that may be published as it is, or a
/// placeholder that must be rewritten for this crisis before the guide can be published.
#[derive(Clone, Copy)]
enum Citizen {
    Default(&'static str),
    Placeholder(&'static str),
}

impl Citizen {
    fn text(self) -> &'static str {
        match self {
            Citizen::Default(t) | Citizen::Placeholder(t) => t,
        }
    }
}

/// A template row: the citizen's question, the situation and action for agents, the citizen text.
type TemplateRow = (&'static str, &'static str, &'static str, Citizen);

/// The rows every crisis needs.
const COMMON_ROWS: &[TemplateRow] = &[
    (
        "Hvad er der sket?",
        "Borgeren spørger, hvad der sker",
        "Giv den korte status og tidsperspektivet. Sig, hvornår der kommer nyt.",
        Citizen::Placeholder("Læs den korte status og hvornår der kommer en opdatering."),
    ),
    (
        "Hvad gør kommunen?",
        "Borgeren er bekymret eller vred",
        "Lyt, anerkend, og fortæl, at kommunen håndterer situationen.",
        Citizen::Default("Kommunen arbejder på at løse situationen."),
    ),
    (
        "Hvad gør jeg, hvis det er akut?",
        "Borgeren har brug for akut hjælp",
        "Henvis straks til 112. Ved ikke-akut sygdom: 1813 (Region Hovedstaden) eller egen læge/vagtlæge.",
        Citizen::Default("Ring 112 ved fare for liv, helbred, miljø eller ejendom."),
    ),
    (
        "Hvad gør jeg, hvis min sag ikke kan vente?",
        "Borgerens sag kan ikke vente, men er ikke akut",
        "Opret en anmodning om opkald; kommunen ringer tilbage.",
        // Only the authority can promise a call back, and say when.
        Citizen::Placeholder("Du kan blive ringet op af kommunen."),
    ),
];

/// The rows of one kind of crisis.
fn kind_rows(kind: IncidentKind) -> &'static [TemplateRow] {
    match kind {
        IncidentKind::ItBreakdown => &[(
            "Kan jeg tale med min sagsbehandler?",
            "Borgeren vil tale med en bestemt medarbejder",
            "Notér navn, nummer og emne i en anmodning om opkald.",
            Citizen::Placeholder("Kommunen ringer tilbage, når systemerne virker igen."),
        )],
        IncidentKind::PowerCut => &[(
            "Hvornår kommer strømmen igen?",
            "Borgeren spørger, hvornår strømmen kommer igen",
            "Giv netselskabets forventede tidspunkt fra den korte status.",
            Citizen::Placeholder("Følg netselskabets driftsinformation."),
        )],
        IncidentKind::HeatSupply => &[(
            "Hvor kan jeg varme mig?",
            "Borgeren har koldt hjem",
            "Oplys varmestuer og råd om opvarmning. Sårbare borgere: anmodning om opkald.",
            Citizen::Placeholder("Se listen over varmestuer."),
        )],
        IncidentKind::Flood => &[(
            "Jeg har vand i kælderen. Hvad gør jeg?",
            "Borgeren har vand i kælderen",
            "Henvis til forsikringsselskabet og beredskabets råd; ved fare 112.",
            Citizen::Default("Kontakt dit forsikringsselskab."),
        )],
        IncidentKind::WaterSupply => &[(
            "Kan jeg drikke vandet?",
            "Borgeren spørger, om vandet kan drikkes",
            "Giv forsyningens aktuelle råd ordret fra den korte status.",
            Citizen::Placeholder("Følg forsyningens råd om drikkevand."),
        )],
        IncidentKind::Evacuation => &[(
            "Hvor skal jeg hen?",
            "Borgeren skal evakueres eller er evakueret",
            "Oplys opsamlingssted og evakueringscenter fra guiden.",
            Citizen::Placeholder("Se opsamlingssted og evakueringscenter."),
        )],
        IncidentKind::CyberAttack => &[(
            "Er mine data lækket?",
            "Borgeren spørger, om deres data er lækket",
            "Sig, at sagen undersøges; spekulér ikke. Henvis til kommunens udmeldinger.",
            Citizen::Default("Kommunen informerer, så snart der er nyt."),
        )],
        IncidentKind::Fire | IncidentKind::Other => &[],
    }
}

const PLACEHOLDER_PROBLEM: &str = "is the template's placeholder: write what citizens need to know in this crisis, or clear it";

/// Whether a citizen text is one of the templates' placeholders, unchanged.
pub fn is_placeholder(citizen_text: &str) -> bool {
    let typed = text::one_line(citizen_text);
    !typed.is_empty()
        && IncidentKind::ALL
            .iter()
            .flat_map(|k| COMMON_ROWS.iter().chain(kind_rows(*k)))
            .any(|(_, _, _, c)| matches!(c, Citizen::Placeholder(t) if *t == typed))
}

fn row(question: &str, situation: &str, action: &str, citizen_text: &str) -> Situation {
    Situation {
        question: question.into(),
        situation: situation.into(),
        action: action.into(),
        citizen_text: citizen_text.into(),
        ..Situation::default()
    }
}

/// A draft pre-filled for an incident kind: the rows every crisis needs, plus the kind's own.
pub fn template(kind: IncidentKind) -> Guide {
    let situations = COMMON_ROWS.iter().chain(kind_rows(kind)).map(|(q, s, a, c)| row(q, s, a, c.text())).collect();
    Guide {
        purpose: "Intern note: udfyldes af den berørte myndighed sammen med procesansvarlig. Vises ikke for agenter eller borgere.".into(),
        expected_duration: "Ukendt".into(),
        situations,
        contacts: vec![
            Contact {
                name: "Alarmcentralen".into(),
                phone: "112".into(),
                note: "Ved fare for liv, helbred, miljø eller ejendom".into(),
                urgent: true,
            },
            Contact { name: "Politiet".into(), phone: "114".into(), note: "Når det ikke haster".into(), urgent: false },
        ],
        ..Guide::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 12:00 UTC);

    fn complete() -> Guide {
        Guide {
            banner: "Omstillingen er nede – brug kriselinjen".into(),
            scope: "Kommunens omstilling kan ikke tage imod opkald siden kl. 7.40.".into(),
            short_status: "Leverandøren arbejder på fejlen.".into(),
            started_at: Some(datetime!(2026-11-23 06:40 UTC)),
            expected_duration: "Resten af dagen".into(),
            next_update_at: Some(datetime!(2026-11-23 14:00 UTC)),
            callback_email: "Callback@Frederikssund.invalid".into(),
            citizen_summary: "Kommunens telefoner virker ikke. Ring til kriselinjen.".into(),
            affected_area: "Hele Frederikssund Kommune".into(),
            ..rewritten(template(IncidentKind::ItBreakdown))
        }
    }

    /// The template with its placeholders written for this crisis.
    fn rewritten(mut g: Guide) -> Guide {
        for s in g.situations.iter_mut().filter(|s| is_placeholder(&s.citizen_text)) {
            s.citizen_text = format!("Om {}: se kommunens hjemmeside.", s.situation.to_lowercase());
        }
        g
    }

    #[test]
    fn publishing_refuses_each_placeholder_left_in_the_template() {
        let mut g = complete();
        g.situations = template(IncidentKind::WaterSupply).situations;
        let DomainError::Invalid(problems) = g.clone().validate_for_publish(NOW).unwrap_err() else { panic!() };
        let rows: Vec<&str> = problems.iter().filter(|p| p.message == PLACEHOLDER_PROBLEM).map(|p| p.field.as_str()).collect();
        // "Læs den korte status …", "Du kan blive ringet op …" and the water supply's own row; the
        // defaults ("Ring 112 …") may stay.
        assert_eq!(rows, ["situations[0].citizen_text", "situations[3].citizen_text", "situations[4].citizen_text"]);
        // Whitespace does not hide a placeholder; a rewritten row publishes.
        g.situations[0].citizen_text = " Læs den korte status og hvornår\n der kommer en opdatering. ".into();
        g.situations[3].citizen_text = "Ring til kriselinjen.".into();
        g.situations[4].citizen_text.clear();
        let DomainError::Invalid(problems) = g.clone().validate_for_publish(NOW).unwrap_err() else { panic!() };
        assert_eq!(problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["situations[0].citizen_text"]);
        g.situations[0].citizen_text = "Vandværket er forurenet; kog vandet.".into();
        assert!(g.validate_for_publish(NOW).is_ok());
    }

    #[test]
    fn publishing_needs_the_area_and_each_answer_its_question() {
        let mut g = complete();
        g.affected_area.clear();
        g.situations[1].question = " ".into();
        let DomainError::Invalid(problems) = g.validate_for_publish(NOW).unwrap_err() else { panic!() };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["affected_area", "situations[1].question"]);
    }

    #[test]
    fn a_glance_tells_a_late_update_by_the_clock_before_the_mark() {
        let due = |next_update_at, overdue_since| Glance {
            freshness: Some(Freshness { version: 1, next_update_at, overdue_since }),
            ..Glance::default()
        };
        assert_eq!(Glance::default().state(NOW), GuideState::NotPublished);
        assert_eq!(due(NOW + time::Duration::minutes(1), None).state(NOW), GuideState::Fresh);
        assert_eq!(due(NOW, None).state(NOW), GuideState::Late);
        assert_eq!(due(NOW - time::Duration::hours(1), Some(NOW)).state(NOW), GuideState::Late);
    }

    #[test]
    fn danish_phone_numbers() {
        assert_eq!(normalise_phone("+45 12345678").as_deref(), Some("12 34 56 78"));
        assert_eq!(normalise_phone("0045-12 34 56 78").as_deref(), Some("12 34 56 78"));
        assert_eq!(normalise_phone("112").as_deref(), Some("112"));
        assert_eq!(normalise_phone("1813").as_deref(), Some("1813"));
        for bad in ["1234567", "123456789", "+46 12345678", "0123 4567", "12a45678", ""] {
            assert_eq!(normalise_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn citizen_questions_are_one_line_each_without_repeats_and_bounded() {
        let mut g = complete();
        g.situations[0].citizen_questions =
            vec!["hvornår  virker\r\ntelefonen igen".into(), " ".into(), "Hvornår virker telefonen igen".into()];
        let g = g.validate_for_publish(NOW).unwrap();
        assert_eq!(g.situations[0].citizen_questions, ["hvornår virker", "telefonen igen", "Hvornår virker telefonen igen"]);
        let mut many = complete();
        many.situations[1].citizen_questions = (0..=MAX_CITIZEN_QUESTIONS).map(|n| format!("spørgsmål {n}")).collect();
        many.situations[2].citizen_questions = vec!["x".repeat(QUESTION_MAX + 1)];
        let DomainError::Invalid(problems) = many.validate_draft().unwrap_err() else { panic!() };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"situations[1].citizen_questions"), "{fields:?}");
        assert!(fields.contains(&"situations[2].citizen_questions"), "{fields:?}");
    }

    #[test]
    fn a_complete_guide_publishes_normalised() {
        let g = complete().validate_for_publish(NOW).unwrap();
        assert_eq!(g.callback_email, "callback@frederikssund.invalid");
        assert_eq!(g.contacts[0].phone, "112");
    }

    #[test]
    fn publishing_lists_every_problem_by_field() {
        let g = Guide {
            next_update_at: Some(NOW - time::Duration::minutes(1)),
            contacts: vec![Contact { name: "Vagt".into(), phone: "12 34".into(), note: String::new(), urgent: false }],
            ..Guide::default()
        };
        let DomainError::Invalid(problems) = g.validate_for_publish(NOW).unwrap_err() else { panic!() };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for f in ["banner", "scope", "short_status", "started_at", "next_update_at", "situations", "contacts[0].phone", "citizen_summary"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        let next = problems.iter().find(|p| p.field == "next_update_at").unwrap();
        assert_eq!(next.message, "must be in the future");
    }

    #[test]
    fn a_draft_may_be_incomplete_but_not_over_the_limits() {
        assert!(Guide::default().validate_draft().is_ok());
        let long = Guide { banner: "x".repeat(BANNER_MAX + 1), ..Guide::default() };
        let DomainError::Invalid(p) = long.validate_draft().unwrap_err() else { panic!() };
        assert_eq!(p[0].field, "banner");
        let script = Guide { short_status: "før\u{0}efter".into(), ..Guide::default() };
        assert!(script.validate_draft().is_err());
        let half_typed = Guide {
            contacts: vec![Contact { name: "Vagt".into(), phone: "12 34".into(), note: String::new(), urgent: false }],
            ..Guide::default()
        };
        assert!(half_typed.validate_draft().is_ok(), "a half-typed number is checked at publishing");
    }

    #[test]
    fn every_kind_has_a_template_with_the_common_rows() {
        for kind in IncidentKind::ALL {
            let t = template(*kind);
            assert!(t.situations.len() >= 4, "{kind}");
            assert!(t.contacts.iter().any(|c| c.phone == "112" && c.urgent));
            assert!(t.clone().validate_draft().is_ok(), "{kind}");
            assert!(t.situations.iter().all(|s| !s.question.is_empty()), "{kind}: every row has its citizen question");
            assert!(t.situations.iter().any(|s| is_placeholder(&s.citizen_text)), "{kind}: the status row must be rewritten");
            let words = t.situations.iter().flat_map(|s| [&s.situation, &s.action, &s.citizen_text]);
            assert!(words.clone().all(|w| !w.to_lowercase().contains("callback")), "{kind}: Danish, not \"callback\"");
        }
    }

    #[test]
    fn changes_name_what_agents_must_notice() {
        let old = complete();
        let mut new = old.clone();
        new.short_status = "Fejlen er fundet.".into();
        new.situations.remove(0);
        new.situations.push(row("", "Borgeren spørger om betaling", "Henvis til selvbetjening.", ""));
        new.contacts[1].phone = "87 65 43 21".into();
        new.purpose = "intern ændring".into();
        let c = changes(&old, &new);
        let whats: Vec<String> = c.iter().map(|c| format!("{}: {}", c.section, c.what)).collect();
        assert_eq!(
            whats,
            [
                "short_status: Fejlen er fundet.",
                "situations: Ny: Borgeren spørger om betaling",
                "situations: Fjernet: Borgeren spørger, hvad der sker",
                "contacts: Ændret: Politiet 87 65 43 21",
            ]
        );
        assert!(changes(&old, &old).is_empty());
    }
}
