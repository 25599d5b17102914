//! A scenario as the secretariat keeps it: objectives, a guide template, injects and a load curve.

use crate::error::{Problems, code};
use crate::guide::Guide;
use crate::incident::IncidentKind;
use crate::org::Organisation;
use crate::role::StaffRole;
use crate::{DomainError, text, word_enum};
use serde::{Deserialize, Serialize};

word_enum!(
    /// Where an inject reaches its recipient: the exercise view, a call-out channel, or the official log.
    InjectChannel, "inject channel" {
        App = "app",
        Mail = "mail",
        Sms = "sms",
        Teams = "teams",
        Log = "log",
    }
);

/// The longest exercise: a fortnight of scenario time.
pub const DURATION_MAX_S: i64 = 14 * 24 * 3600;
pub const INJECTS_MAX: usize = 300;
pub const OBJECTIVES_MAX: usize = 30;
pub const QUESTIONS_MAX: usize = 300;
pub const MESSAGE_MAX: usize = 1000;
pub const ACTION_MAX: usize = 600;
pub const FROM_MAX: usize = 100;
pub const SUMMARY_MAX: usize = 2000;
/// The call curve may be given in intervals of these many minutes.
pub const INTERVALS: &[u32] = &[5, 10, 15, 30, 60];

/// When an inject is due: an offset from the exercise's start, or when the controller says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum At {
    /// Seconds of scenario time after T+0.
    Offset(i64),
    Manual,
}

impl At {
    pub fn offset(self) -> Option<i64> {
        match self {
            At::Offset(s) => Some(s),
            At::Manual => None,
        }
    }
}

/// "T+02:30" (or "T+02:30:15"), as an MSEL writes times.
pub fn format_offset(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if s == 0 { format!("T+{h:02}:{m:02}") } else { format!("T+{h:02}:{m:02}:{s:02}") }
}

/// Reads "T+HH:MM" or "T+HH:MM:SS" ("T+0" and "+02:00" too) as seconds.
pub fn parse_offset(raw: &str) -> Option<i64> {
    let t = raw.trim();
    let t = t.strip_prefix("T+").or_else(|| t.strip_prefix("t+")).or_else(|| t.strip_prefix('+')).unwrap_or(t);
    let parts: Vec<&str> = t.split(':').collect();
    let num = |s: &str| (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<i64>().ok()).flatten();
    let (h, m, s) = match parts[..] {
        [h] => (num(h)?, 0, 0),
        [h, m] => (num(h)?, num(m)?, 0),
        [h, m, s] => (num(h)?, num(m)?, num(s)?),
        _ => return None,
    };
    (m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Offset(s) => f.write_str(&format_offset(*s)),
            At::Manual => f.write_str("manual"),
        }
    }
}

impl std::str::FromStr for At {
    type Err = ();
    fn from_str(s: &str) -> Result<At, ()> {
        match s.trim().to_lowercase().as_str() {
            "manual" | "manuel" | "manuelt" => Ok(At::Manual),
            _ => parse_offset(s).map(At::Offset).ok_or(()),
        }
    }
}

impl Serialize for At {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<At, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(|()| serde::de::Error::custom(format!("'{s}' is not a time: write T+HH:MM or manual")))
    }
}

/// A scenario's length as "T+HH:MM", the way its injects' times are written.
mod duration_words {
    pub fn serialize<S: serde::Serializer>(s: &i64, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(&super::format_offset(*s))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        super::parse_offset(&s).ok_or_else(|| serde::de::Error::custom(format!("'{s}' is not a duration: write T+HH:MM")))
    }
}

/// Who an inject is for: a crisis role, the exercise's agents, or an affected authority.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Recipient {
    Role(StaffRole),
    Agents,
    /// The players from the authority with this code.
    Authority(String),
}

impl std::fmt::Display for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recipient::Role(r) => f.write_str(r.as_str()),
            Recipient::Agents => f.write_str("agents"),
            Recipient::Authority(c) => write!(f, "authority:{c}"),
        }
    }
}

impl Recipient {
    /// Reads "crisis_leader", "agents" or "authority:0851"; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Recipient> {
        let raw = raw.trim();
        if raw == "agents" {
            return Some(Recipient::Agents);
        }
        if let Some(code) = raw.strip_prefix("authority:") {
            return crate::org::valid_code(code.trim()).then(|| Recipient::Authority(code.trim().to_string()));
        }
        raw.parse().ok().map(Recipient::Role)
    }
}

impl Serialize for Recipient {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Recipient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Recipient, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Recipient::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("'{s}' is no recipient")))
    }
}

/// What the exercise tests ("M1: the crisis staff is called out within 30 minutes").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    #[schema(max_length = 20)]
    pub id: String,
    #[schema(max_length = 600)]
    pub text: String,
}

/// One checked inject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Inject {
    pub number: u32,
    /// "T+HH:MM" from the start, or "manual".
    #[schema(value_type = String, example = "T+02:00")]
    pub at: At,
    pub from: String,
    /// A crisis role, "agents", or "authority:<code>".
    #[schema(value_type = String, example = "crisis_leader")]
    pub to: Recipient,
    pub channel: InjectChannel,
    pub message: String,
    pub expected_action: String,
    /// The id of the objective it tests.
    pub objective: String,
}

/// One inject as it is written, in a file or a form: its words are checked by [`NewScenario::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInject {
    /// From 1; an edit takes it from its address.
    #[serde(default)]
    pub number: u32,
    #[schema(example = "T+02:00", max_length = 20)]
    pub at: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub from: String,
    #[schema(example = "crisis_leader", max_length = 30)]
    pub to: String,
    #[schema(example = "mail", max_length = 10)]
    pub channel: String,
    #[schema(max_length = 1000)]
    pub message: String,
    #[serde(default)]
    #[schema(max_length = 600)]
    pub expected_action: String,
    #[serde(default)]
    #[schema(max_length = 20)]
    pub objective: String,
}

/// The synthetic citizens of an exercise: calls per interval along a named curve, chatbot
/// questions, and recorded inquiries and callback requests at a rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Load {
    /// The curve's name in words ("a spike after the event, a second after the masts go down").
    #[serde(default)]
    #[schema(max_length = 200)]
    pub curve: String,
    pub interval_min: u32,
    /// Calls offered per interval from T+0.
    pub calls: Vec<u32>,
    pub avg_handle_s: u32,
    #[serde(default)]
    pub questions: Vec<String>,
    #[serde(default)]
    pub questions_per_hour: u32,
    #[serde(default)]
    pub inquiries_per_hour: u32,
    #[serde(default)]
    pub callbacks_per_hour: u32,
}

impl Default for Load {
    fn default() -> Load {
        Load {
            curve: String::new(),
            interval_min: 15,
            calls: Vec::new(),
            avg_handle_s: 240,
            questions: Vec::new(),
            questions_per_hour: 0,
            inquiries_per_hour: 0,
            callbacks_per_hour: 0,
        }
    }
}

impl Load {
    /// The calls offered in the interval that holds scenario second `at`.
    pub fn calls_at(&self, at: i64) -> u32 {
        let i = at.max(0) / (i64::from(self.interval_min.max(1)) * 60);
        usize::try_from(i).ok().and_then(|i| self.calls.get(i)).copied().unwrap_or(0)
    }
}

/// A scenario as it is written: `POST /api/v1/scenarios`, a JSON file, or the editor's form.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewScenario {
    /// Lower-case letters, digits and '-': `energinet-cyberangreb`.
    #[schema(pattern = "^[a-z][a-z0-9-]{2,59}$", max_length = 60)]
    pub id: String,
    #[schema(min_length = 3, max_length = 200)]
    pub title: String,
    #[schema(example = "power_cut", max_length = 30)]
    pub kind: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub summary: String,
    #[schema(min_items = 1)]
    pub affected: Vec<String>,
    /// How long the exercise runs, "T+06:00".
    #[schema(example = "T+06:00", max_length = 20)]
    pub duration: String,
    #[serde(default)]
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub guide: Guide,
    #[serde(default)]
    pub injects: Vec<NewInject>,
    #[serde(default)]
    pub load: Load,
}

/// A checked scenario. Its JSON is the same as [`NewScenario`]'s: an export imports as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub kind: IncidentKind,
    pub summary: String,
    pub affected: Vec<String>,
    /// Seconds of scenario time, written "T+06:00".
    #[serde(rename = "duration", with = "duration_words")]
    #[schema(value_type = String, example = "T+06:00")]
    pub duration_s: i64,
    pub objectives: Vec<Objective>,
    pub guide: Guide,
    /// In the order they are due: timed by their offset, manual ones last, each by number.
    pub injects: Vec<Inject>,
    pub load: Load,
}

/// Whether `id` may name a scenario (it is part of its address).
pub fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    (3..=60).contains(&b.len()) && b[0].is_ascii_lowercase() && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

impl NewScenario {
    /// Checks everything and lists every problem by field (`injects[3].to`, `guide.banner`).
    pub fn validate(self, orgs: &[Organisation]) -> Result<Scenario, DomainError> {
        let mut p = Problems::default();
        let id = self.id.trim().to_string();
        if !valid_id(&id) {
            p.add_coded(
                "id",
                code::SCENARIO_ID,
                "3–60 lower-case letters, digits and '-', starting with a letter, e.g. energinet-cyberangreb",
            );
        }
        let title = text::one_line(&self.title);
        p.text("title", &title, 3, crate::incident::TITLE_MAX);
        let summary = text::multi_line(&self.summary);
        p.text("summary", &summary, 0, SUMMARY_MAX);
        let kind = self.kind.parse::<IncidentKind>().map_err(|e| p.extend(e)).ok();
        let mut affected = Vec::new();
        for (i, named) in self.affected.iter().enumerate() {
            match crate::org::resolve(named, orgs) {
                Ok(c) => affected.push(c),
                Err(e) => renamed(&mut p, e, &format!("affected[{i}]"))?,
            }
        }
        if self.affected.is_empty() {
            p.add_coded("affected", code::REQUIRED, "name at least one affected organisation by its code, e.g. \"0851\"");
        }
        affected.sort();
        affected.dedup();
        let duration_s = match parse_offset(&self.duration) {
            Some(s) if s > 0 && s <= DURATION_MAX_S => s,
            _ => {
                p.add_coded(
                    "duration",
                    code::OFFSET,
                    "how long the exercise runs, as T+HH:MM (more than zero, at most 14 days), e.g. T+06:00",
                );
                DURATION_MAX_S
            }
        };
        let objectives = check_objectives(&mut p, self.objectives);
        let guide = match self.guide.validate_draft() {
            Ok(g) => g,
            Err(e) => {
                renamed(&mut p, e, "guide")?;
                Guide::default()
            }
        };
        let injects = check_injects(&mut p, self.injects, &objectives, &affected, duration_s);
        let load = check_load(&mut p, self.load, duration_s);
        p.into_result()?;
        let kind = kind.unwrap_or(IncidentKind::Other);
        Ok(Scenario { id, title, kind, summary, affected, duration_s, objectives, guide, injects, load })
    }
}

/// Takes in a part's problems under the part's field name (`affected` → `affected[2]`,
/// `banner` → `guide.banner`).
fn renamed(p: &mut Problems, e: DomainError, prefix: &str) -> Result<(), DomainError> {
    match e {
        DomainError::Invalid(mut fields) => {
            for f in &mut fields {
                f.field = if f.field == "affected" || f.field.is_empty() { prefix.to_string() } else { format!("{prefix}.{}", f.field) };
            }
            p.extend(DomainError::Invalid(fields))
        }
        other => Err(other),
    }
}

fn check_objectives(p: &mut Problems, objectives: Vec<Objective>) -> Vec<Objective> {
    if objectives.len() > OBJECTIVES_MAX {
        p.add_limit("objectives", code::TOO_MANY, OBJECTIVES_MAX, format!("at most {OBJECTIVES_MAX} objectives"));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, o) in objectives.into_iter().enumerate() {
        let (id, text) = (text::one_line(&o.id), text::multi_line(&o.text));
        p.text(&format!("objectives[{i}].id"), &id, 1, 20);
        p.text(&format!("objectives[{i}].text"), &text, 1, ACTION_MAX);
        if !id.is_empty() && !seen.insert(id.clone()) {
            p.add_about(&format!("objectives[{i}].id"), code::DUPLICATE, &id, format!("objective '{id}' is given twice"));
        }
        out.push(Objective { id, text });
    }
    out
}

fn check_injects(p: &mut Problems, injects: Vec<NewInject>, objectives: &[Objective], affected: &[String], duration_s: i64) -> Vec<Inject> {
    if injects.len() > INJECTS_MAX {
        p.add_limit("injects", code::TOO_MANY, INJECTS_MAX, format!("at most {INJECTS_MAX} injects"));
    }
    let mut numbers = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, n) in injects.into_iter().enumerate() {
        let field = |f: &str| format!("injects[{i}].{f}");
        if n.number == 0 {
            p.add_coded(&field("number"), code::NUMBER, "number the injects from 1");
        } else if !numbers.insert(n.number) {
            p.add_about(&field("number"), code::DUPLICATE, &n.number.to_string(), format!("inject number {} is given twice", n.number));
        }
        let at = match n.at.parse::<At>() {
            Ok(At::Offset(s)) if s > duration_s => {
                p.add_coded(
                    &field("at"),
                    code::OFFSET,
                    format!("{} is after the exercise ends ({})", format_offset(s), format_offset(duration_s)),
                );
                At::Offset(s)
            }
            Ok(at) => at,
            Err(()) => {
                p.add_coded(&field("at"), code::OFFSET, format!("'{}' is not a time: write T+HH:MM (e.g. T+02:00) or manual", n.at.trim()));
                At::Manual
            }
        };
        let to = match Recipient::parse(&n.to) {
            Some(Recipient::Authority(c)) if !affected.contains(&c) => {
                p.add_about(&field("to"), code::RECIPIENT, &c, format!("authority {c} is not among the scenario's affected organisations"));
                Recipient::Agents
            }
            Some(r) => r,
            None => {
                let roles = StaffRole::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
                p.add_coded(
                    &field("to"),
                    code::RECIPIENT,
                    format!("'{}' is no recipient: one of {roles}, agents, or authority:<code>", n.to.trim()),
                );
                Recipient::Agents
            }
        };
        let channel = n.channel.trim().to_lowercase().parse::<InjectChannel>().unwrap_or_else(|e| {
            p.add_coded(&field("channel"), code::CHOOSE_ONE, e.to_string());
            InjectChannel::App
        });
        let (from, message, expected_action) =
            (text::one_line(&n.from), text::multi_line(&n.message), text::multi_line(&n.expected_action));
        p.text(&field("from"), &from, 0, FROM_MAX);
        p.text(&field("message"), &message, 1, MESSAGE_MAX);
        p.text(&field("expected_action"), &expected_action, 0, ACTION_MAX);
        let objective = text::one_line(&n.objective);
        if !objective.is_empty() && !objectives.iter().any(|o| o.id == objective) {
            p.add_about(&field("objective"), code::OBJECTIVE, &objective, format!("no objective has the id '{objective}'"));
        }
        out.push(Inject { number: n.number, at, from, to, channel, message, expected_action, objective });
    }
    out.sort_by_key(|i| (i.at, i.number));
    out
}

fn check_load(p: &mut Problems, mut load: Load, duration_s: i64) -> Load {
    load.curve = text::one_line(&load.curve);
    p.text("load.curve", &load.curve, 0, 200);
    if !INTERVALS.contains(&load.interval_min) {
        p.add_coded("load.interval_min", code::CHOOSE_ONE, "the call curve's interval in minutes: 5, 10, 15, 30 or 60");
    }
    let intervals = (duration_s / (i64::from(load.interval_min.max(1)) * 60) + 1) as usize;
    if load.calls.len() > intervals {
        p.add_limit(
            "load.calls",
            code::TOO_MANY,
            intervals,
            format!("the curve has {} intervals; the exercise has {intervals}", load.calls.len()),
        );
    }
    if let Some(i) = load.calls.iter().position(|c| *c > 5000) {
        p.add_coded(&format!("load.calls[{i}]"), code::CALLS_COUNT, "at most 5000 calls per interval");
    }
    if !(10..=3600).contains(&load.avg_handle_s) {
        p.add_coded("load.avg_handle_s", code::NUMBER, "the average handling time in seconds, 10–3600");
    }
    if load.questions.len() > QUESTIONS_MAX {
        p.add_limit("load.questions", code::TOO_MANY, QUESTIONS_MAX, format!("at most {QUESTIONS_MAX} questions"));
    }
    for (i, q) in load.questions.iter_mut().enumerate() {
        *q = text::one_line(q);
        p.text(&format!("load.questions[{i}]"), q, 1, crate::chat::MESSAGE_MAX);
    }
    for (field, rate, max) in [
        ("load.questions_per_hour", load.questions_per_hour, 20_000),
        ("load.inquiries_per_hour", load.inquiries_per_hour, 10_000),
        ("load.callbacks_per_hour", load.callbacks_per_hour, 1_000),
    ] {
        if rate > max {
            p.add_limit(field, code::NUMBER, max as usize, format!("at most {max} per hour"));
        }
    }
    if load.questions_per_hour > 0 && load.questions.is_empty() {
        p.add_coded("load.questions", code::REQUIRED, "give the questions the synthetic citizens ask the chatbot");
    }
    load
}

impl Inject {
    pub fn to_new(&self) -> NewInject {
        NewInject {
            number: self.number,
            at: self.at.to_string(),
            from: self.from.clone(),
            to: self.to.to_string(),
            channel: self.channel.to_string(),
            message: self.message.clone(),
            expected_action: self.expected_action.clone(),
            objective: self.objective.clone(),
        }
    }
}

impl Scenario {
    /// The scenario as it is written: what export gives and import takes.
    pub fn to_new(&self) -> NewScenario {
        NewScenario {
            id: self.id.clone(),
            title: self.title.clone(),
            kind: self.kind.to_string(),
            summary: self.summary.clone(),
            affected: self.affected.clone(),
            duration: format_offset(self.duration_s),
            objectives: self.objectives.clone(),
            guide: self.guide.clone(),
            injects: self.injects.iter().map(Inject::to_new).collect(),
            load: self.load.clone(),
        }
    }

    pub fn inject(&self, number: u32) -> Option<&Inject> {
        self.injects.iter().find(|i| i.number == number)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn orgs() -> Vec<Organisation> {
        crate::org::reference()
    }

    fn inject(number: u32, at: &str, to: &str) -> NewInject {
        NewInject {
            number,
            at: at.into(),
            from: "Vagthavende, Nord Energinet".into(),
            to: to.into(),
            channel: "mail".into(),
            message: "Strømmen er væk i hele Nordjylland.".into(),
            expected_action: "Kriselederen aktiverer Kriseservice.".into(),
            objective: "M1".into(),
        }
    }

    pub(crate) fn small() -> NewScenario {
        NewScenario {
            id: "test-scenarie".into(),
            title: "Strømsvigt i Nordjylland".into(),
            kind: "power_cut".into(),
            summary: "Et øvelsesscenarie.".into(),
            affected: vec!["0851".into(), "Frederikshavn".into()],
            duration: "T+03:00".into(),
            objectives: vec![Objective { id: "M1".into(), text: "Krisestaben aktiveres.".into() }],
            guide: Guide { banner: "Strømsvigt".into(), ..Guide::default() },
            injects: vec![inject(2, "T+02:00", "authority:0851"), inject(1, "T+00:00", "crisis_leader"), inject(3, "manual", "agents")],
            load: Load { calls: vec![10, 40, 80], ..Load::default() },
        }
    }

    #[test]
    fn offsets_read_and_write_as_an_msel_does() {
        assert_eq!(parse_offset("T+02:30"), Some(9000));
        assert_eq!(parse_offset("T+00:00:45"), Some(45));
        assert_eq!(parse_offset("+1"), Some(3600));
        assert_eq!(parse_offset("T+01:60"), None);
        assert_eq!(parse_offset("to timer"), None);
        assert_eq!(format_offset(9000), "T+02:30");
        assert_eq!(format_offset(45), "T+00:00:45");
        assert_eq!("manual".parse::<At>(), Ok(At::Manual));
        assert_eq!(Recipient::parse("authority:0851"), Some(Recipient::Authority("0851".into())));
        assert_eq!(Recipient::parse("process_lead"), Some(Recipient::Role(StaffRole::ProcessLead)));
        assert_eq!(Recipient::parse("borgere"), None);
    }

    #[test]
    fn a_good_scenario_is_checked_and_its_injects_put_in_order() {
        let s = small().validate(&orgs()).unwrap();
        assert_eq!(s.affected, vec!["0813", "0851"]);
        assert_eq!(s.duration_s, 3 * 3600);
        let order: Vec<u32> = s.injects.iter().map(|i| i.number).collect();
        assert_eq!(order, vec![1, 2, 3], "timed by offset, manual last");
        assert_eq!(s.injects[1].to, Recipient::Authority("0851".into()));
        // What is exported is read back to the same scenario.
        assert_eq!(s.to_new().validate(&orgs()).unwrap(), s);
        assert_eq!(s.load.calls_at(0), 10);
        assert_eq!(s.load.calls_at(15 * 60 + 1), 40);
        assert_eq!(s.load.calls_at(10 * 3600), 0);
    }

    #[test]
    fn every_problem_is_listed_by_field() {
        let mut s = small();
        s.id = "Med Mellemrum".into();
        s.kind = "meteor".into();
        s.affected.push("Atlantis".into());
        s.duration = "lang".into();
        s.injects[0].to = "authority:0101".into();
        s.injects[1].at = "kl. 14".into();
        s.injects[2].number = 1;
        s.injects[2].channel = "fax".into();
        s.injects[2].objective = "M9".into();
        s.guide.banner = "x".repeat(500);
        s.load.interval_min = 7;
        let Err(DomainError::Invalid(fields)) = s.validate(&orgs()) else { panic!("accepted") };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        for want in [
            "id",
            "kind",
            "affected[2]",
            "duration",
            "guide.banner",
            "injects[0].to",
            "injects[1].at",
            "injects[2].number",
            "injects[2].channel",
            "injects[2].objective",
            "load.interval_min",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
    }

    #[test]
    fn an_inject_after_the_end_is_refused() {
        let mut s = small();
        s.injects[0].at = "T+04:00".into();
        let Err(DomainError::Invalid(fields)) = s.validate(&orgs()) else { panic!("accepted") };
        assert_eq!(fields[0].field, "injects[0].at");
        assert!(fields[0].message.contains("after the exercise ends"), "{}", fields[0].message);
    }
}
