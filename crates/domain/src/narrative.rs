//! The wording of the log entries the system writes on the staff's behalf. The log is an
//! official Danish record, so these are in Danish whatever language the UI is shown in.

use crate::checklist::ChecklistItem;
use crate::incident::{Incident, Status};
use crate::log::{LogCategory, NewLogEntry};
use crate::role::StaffRole;
use crate::user::Person;

pub fn status_da(s: Status) -> &'static str {
    match s {
        Status::Prepared => "forberedt",
        Status::Active => "aktiv",
        Status::StandingDown => "under afvikling",
        Status::Closed => "lukket",
    }
}

pub fn staff_role_da(r: StaffRole) -> &'static str {
    match r {
        StaffRole::CrisisLeader => "Kriseleder",
        StaffRole::LogKeeper => "Logfører",
        StaffRole::ProcessLead => "Procesansvarlig",
        StaffRole::StaffingLead => "Bemandingsansvarlig",
    }
}

fn entry(category: LogCategory, text: String) -> NewLogEntry {
    NewLogEntry { category, text, corrects: None }
}

pub fn created(i: &Incident) -> NewLogEntry {
    let exercise = if i.exercise { " (ØVELSE)" } else { "" };
    entry(LogCategory::Information, format!("Krise oprettet{exercise}: {}. Berørte: {}.", i.title, i.affected.join(", ")))
}

pub fn status_changed(from: Status, to: Status, note: Option<&str>) -> NewLogEntry {
    let mut text = format!("Status ændret fra {} til {}.", status_da(from), status_da(to));
    if let Some(n) = note.filter(|n| !n.trim().is_empty()) {
        text.push(' ');
        text.push_str(n.trim());
    }
    entry(LogCategory::Decision, text)
}

/// The all-clear as citizens are told it, logged with the closing.
pub fn all_clear(text: &str) -> NewLogEntry {
    entry(LogCategory::Information, format!("Afblæsning offentliggjort for borgerne (vises et døgn): »{}«", text.trim()))
}

pub fn role_assigned(role: StaffRole, primary: Option<&Person>, deputy: Option<&Person>) -> NewLogEntry {
    let name = |p: Option<&Person>| p.map(|p| p.name.clone()).unwrap_or_else(|| "ingen".into());
    entry(LogCategory::Staffing, format!("{}: primær {}, stedfortræder {}.", staff_role_da(role), name(primary), name(deputy)))
}

pub fn checklist_done(item: &ChecklistItem, done: bool) -> NewLogEntry {
    let what = if done { "udført" } else { "genåbnet" };
    entry(LogCategory::Action, format!("Tjekpunkt {what}: {}", item.title))
}

pub fn guide_published(version: i64) -> NewLogEntry {
    entry(LogCategory::Information, format!("Beredskabsguiden offentliggjort som version {version}."))
}

pub fn guide_overdue(version: i64, due: time::OffsetDateTime) -> NewLogEntry {
    entry(
        LogCategory::Information,
        format!(
            "Opdateringen af beredskabsguiden er forsinket: version {version} skulle være afløst senest {}.",
            crate::time::format_danish(due)
        ),
    )
}

pub fn callbacks_purged(n: u64, retention_days: i64) -> NewLogEntry {
    entry(LogCategory::Information, format!("{n} anmodninger om opkald slettet efter opbevaringsperioden på {retention_days} dage."))
}

pub fn card_attached(title: &str) -> NewLogEntry {
    entry(LogCategory::Action, format!("Aktionskort tilknyttet: {title}"))
}

pub fn card_detached(title: &str, open_steps: u64) -> NewLogEntry {
    entry(LogCategory::Action, format!("Aktionskort fjernet: {title} ({open_steps} åbne trin fjernet fra tjeklisten)"))
}

pub fn staffing_settings(s: &crate::calls::StaffingSettings) -> NewLogEntry {
    let aht = s.aht_s.map_or("opkaldenes egen gennemsnitlige samtaletid".to_string(), |a| format!("{a:.0} s samtaletid"));
    let mut text = format!(
        "Bemandingsmål: {:.0} % besvaret inden for {:.0} s, højst {:.0} % belægning, {:.0} % spildtid, {aht}, intervaller på {} min.",
        s.target_service_level * 100.0,
        s.target_answer_s,
        s.max_occupancy * 100.0,
        s.shrinkage * 100.0,
        s.interval_s / 60
    );
    if let Some(p) = s.patience_s {
        text += &format!(" Borgernes tålmodighed {p:.0} s");
        text += &s.max_abandon.map_or(".".to_string(), |m| format!(", højst {:.0} % opgivne opkald.", m * 100.0));
    }
    entry(LogCategory::Staffing, text)
}

pub fn forecast_override(start: time::OffsetDateTime, calls: Option<f64>) -> NewLogEntry {
    let when = crate::time::format_danish(start);
    entry(
        LogCategory::Staffing,
        match calls {
            Some(c) => format!("Prognosen for intervallet fra {when} er sat manuelt til {c:.0} opkald."),
            None => format!("Den manuelle prognose for intervallet fra {when} er fjernet; den beregnede gælder igen."),
        },
    )
}

pub fn shift_plan(shifts: usize, agents: u32, open: u32, base_share: f64) -> NewLogEntry {
    entry(
        LogCategory::Staffing,
        format!(
            "Vagtplan lagt: {shifts} vagter med {agents} agentvagter i alt; basisandel {:.0} % fordelt på medlemskommunerne efter indbyggertal, {open} udbudt.",
            base_share * 100.0
        ),
    )
}

pub fn shifts_awarded(awarded: u32, members: usize, unfilled: u32) -> NewLogEntry {
    let rest =
        if unfilled == 0 { "Alle udbudte vagter er besat.".to_string() } else { format!("{unfilled} udbudte agentvagter er ikke besat.") };
    entry(LogCategory::Staffing, format!("Udbudte vagter tildelt: {awarded} agentvagter til {members} kommuner. {rest}"))
}

/// "Der mangler 8–12 agenter kl. 14.00–16.00 (23.11.2026)." `least` and `agents` are the smallest
/// and largest gap over the hours; negative gaps are agents to spare.
pub fn staffing_advice(from: time::OffsetDateTime, to: time::OffsetDateTime, least: i64, agents: i64) -> String {
    let (f, t) = (crate::time::to_copenhagen(from), crate::time::to_copenhagen(to));
    let clock = |x: time::OffsetDateTime| format!("{:02}.{:02}", x.hour(), x.minute());
    let day = format!("{:02}.{:02}.{}", f.day(), f.month() as u8, f.year());
    let (lo, hi) = (least.abs().min(agents.abs()), least.abs().max(agents.abs()));
    let n = if lo == hi { hi.to_string() } else { format!("{lo}–{hi}") };
    let who = if hi == 1 { "agent" } else { "agenter" };
    if agents > 0 {
        format!("Der mangler {n} {who} kl. {}–{} ({day}).", clock(f), clock(t))
    } else {
        format!("Der er {n} {who} i overskud kl. {}–{} ({day}).", clock(f), clock(t))
    }
}

/// The staffing lead's decision on the plan's advice (from [`staffing_advice`]).
pub fn staffing_recommendation(advice: &[&str]) -> NewLogEntry {
    let text = if advice.is_empty() { "Bemandingen dækker behovet de næste otte timer.".to_string() } else { advice.join(" ") };
    entry(LogCategory::Staffing, format!("Bemandingsanbefaling: {text}"))
}

/// The call-out started: who is called first in each role.
pub fn callout_started(first: &[(StaffRole, String)], note: &str) -> NewLogEntry {
    let who: Vec<String> = first.iter().map(|(r, name)| format!("{} {name}", staff_role_da(*r).to_lowercase())).collect();
    let who = if who.is_empty() { "ingen (krisestaben er ikke bemandet)".to_string() } else { who.join(", ") };
    let mut text = format!("Krisestaben kaldes ud: {who}.");
    if !note.trim().is_empty() {
        text.push_str(&format!(" Besked: »{}«", note.trim()));
    }
    entry(LogCategory::Staffing, text)
}

/// An exercise's inject delivered: its number, time, sender, recipients and text, marked as practice.
pub fn inject_delivered(i: &crate::exercise::Inject, to: &[String], note: &str) -> NewLogEntry {
    let who = if to.is_empty() { "ingen deltagere".to_string() } else { to.join(", ") };
    let mut text =
        format!("{}: inject {} ({}) fra {} til {who} via {}: »{}«", crate::exercise::MARK, i.number, i.at, i.from, i.channel, i.message);
    if !note.is_empty() {
        text.push_str(&format!(" {note}"));
    }
    let max = crate::log::TEXT_MAX;
    if text.chars().count() > max {
        text = text.chars().take(max - 1).collect::<String>() + "…";
    }
    entry(LogCategory::Information, text)
}

/// The controller changed an inject that had not gone yet.
pub fn inject_edited(i: &crate::exercise::Inject) -> NewLogEntry {
    entry(
        LogCategory::Information,
        format!("{}: inject {} ændret af øvelseslederen ({}, til {}).", crate::exercise::MARK, i.number, i.at, i.to),
    )
}

/// The exercise archived at scenario second `at_s`.
pub fn exercise_archived(at_s: i64) -> NewLogEntry {
    let t = crate::exercise::scenario::format_offset(at_s);
    entry(LogCategory::Decision, format!("{}: øvelsen er arkiveret ved {t}.", crate::exercise::MARK))
}

/// A person named to take part in the exercise, or taken out of it.
pub fn exercise_part(name: &str, part: Option<crate::exercise::Part>) -> NewLogEntry {
    let text = match part {
        Some(p) => {
            let as_ = match p {
                crate::exercise::Part::Controller => "øvelsesleder",
                crate::exercise::Part::Evaluator => "evaluator",
                crate::exercise::Part::Player => "spiller",
            };
            format!("{}: {name} deltager som {as_}.", crate::exercise::MARK)
        }
        None => format!("{}: {name} deltager ikke længere.", crate::exercise::MARK),
    };
    entry(LogCategory::Staffing, text)
}

/// The exercise clock started, paused, jumped, reset or changed speed.
pub fn exercise_clock(what: &str, at_s: i64, speed: u32) -> NewLogEntry {
    let t = crate::exercise::scenario::format_offset(at_s);
    entry(LogCategory::Information, format!("{}: øvelsesuret {what} ved {t} ({speed}×).", crate::exercise::MARK))
}

/// No acknowledgement in time: the chain went on to the next person.
pub fn callout_escalated(role: StaffRole, to: &str, reachable: bool) -> NewLogEntry {
    let role = staff_role_da(role);
    let text = if reachable {
        format!("{role}: ingen kvittering i tide, {to} kaldes nu ud.")
    } else {
        format!("{role}: ingen kvittering i tide; {to} står næst, men har ingen bekræftet kontaktmetode.")
    };
    entry(LogCategory::Staffing, text)
}

/// Someone acknowledged their call-out.
pub fn callout_acknowledged(role: StaffRole, name: &str, via: crate::callout::AckVia, at: time::OffsetDateTime) -> NewLogEntry {
    let how = match via {
        crate::callout::AckVia::Link => "med linket i udkaldet",
        crate::callout::AckVia::App => "i Kriseservice",
        crate::callout::AckVia::Sms => "med en sms",
    };
    entry(
        LogCategory::Staffing,
        format!("{}: {name} kvitterede for udkaldet {how} {}.", staff_role_da(role), crate::time::format_danish(at)),
    )
}

/// The staffing lead called the member municipalities' shift contacts.
pub fn staffing_call(recipients: usize, need: &str) -> NewLogEntry {
    entry(LogCategory::Staffing, format!("Bemandingskald sendt til {recipients} vagtkontakter: {need}."))
}

/// The evaluation forms sent when the incident closed, per audience.
pub fn evaluation_sent(sent: &[(crate::evaluation::Audience, usize)]) -> NewLogEntry {
    let parts: Vec<String> = sent.iter().map(|(a, n)| format!("{a}: {n}")).collect();
    entry(LogCategory::Information, format!("Evalueringsskemaer sendt ({}).", parts.join(", ")))
}

/// Statements issued by the secretariat: each by number, organisation and total with VAT.
pub fn statements_issued(issued: &[crate::economy::Statement]) -> NewLogEntry {
    let parts: Vec<String> = issued
        .iter()
        .map(|s| {
            let with_vat = crate::economy::dkk(s.total_ore + s.vat_ore);
            let kind = if s.kind == crate::economy::StatementKind::Compensation { "godtgørelse" } else { "afregning" };
            let replaces = if s.replaces.is_some() { ", retter en tidligere" } else { "" };
            format!("nr. {} til {} ({kind}, {with_vat:.2} kr. inkl. moms{replaces})", s.number, s.org)
        })
        .collect();
    entry(LogCategory::Decision, format!("Afregning udstedt: {}.", parts.join("; ")))
}

/// A corrective action added to the improvement plan, or its status changed.
pub fn corrective_action(text: &str, owner: &str, status: &str) -> NewLogEntry {
    entry(LogCategory::Action, format!("Forbedringsplan: \"{text}\" (ansvarlig {owner}) er {status}."))
}
