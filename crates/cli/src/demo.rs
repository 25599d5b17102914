//! A fresh, realistic demo: the collaboration's members, a standing crisis staff, agents,
//! an authority editor, one prepared exercise and one active crisis. Every person is fictitious;
//! e-mail addresses use the reserved `.invalid` domain.

use anyhow::{Context, Result, bail};
use app::exercises::ClockAction;
use app::{App, Store};
use domain::callout::{ContactChannel, ContactMethod};
use domain::incident::{Channel, IncidentKind, NewIncident, Status, Transition};
use domain::log::{LogCategory, NewLogEntry};
use domain::role::StaffRole;
use domain::user::NewUser;
use domain::{Actor, Role};
use std::net::SocketAddr;
use std::path::Path;

pub const PASSWORD: &str = "demo-blaa-cykel-ved-havnen";
const MARKER: &str = "KRISESERVICE-DEMO";
/// The one person whose contact method is stale.
const STALE_DEPUTY: &str = "logfoerer2";

/// (e-mail local part, name, organisation, role)
const PEOPLE: &[(&str, &str, &str, Role)] = &[
    ("sekretariat", "Sanne Sekretariat", "DDH", Role::Secretariat),
    ("styregruppe", "Stig Styregruppe", "DDH", Role::SteeringGroup),
    ("kriseleder", "Karen Kriseleder", "DDH", Role::CrisisLeader),
    ("kriseleder2", "Kasper Krisestedfortræder", "DDH", Role::CrisisLeader),
    ("logfoerer", "Lise Logfører", "DDH", Role::LogKeeper),
    ("logfoerer2", "Lars Logstedfortræder", "DDH", Role::LogKeeper),
    ("proces", "Pia Procesansvarlig", "DDH", Role::ProcessLead),
    ("proces2", "Palle Processtedfortræder", "DDH", Role::ProcessLead),
    ("bemanding", "Bente Bemandingsansvarlig", "DDH", Role::StaffingLead),
    ("bemanding2", "Bo Bemandingsstedfortræder", "DDH", Role::StaffingLead),
    ("redaktoer", "Rikke Redaktør", "0250", Role::AuthorityEditor),
    ("agent1", "Anders Agent", "0253", Role::Agent),
    ("agent2", "Anne Agent", "0330", Role::Agent),
    ("agent3", "Ali Agent", "0840", Role::Agent),
    ("vagter", "Vibeke Vagtkontakt", "0253", Role::ShiftContact),
];

pub fn email(local: &str) -> String {
    format!("{local}@demo.kriseservice.invalid")
}

/// Wipes a previous demo in `dir` (never anything else) and builds a new one.
pub async fn prepare(dir: &Path) -> Result<Store> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let db = dir.join("kriseservice.db");
    if db.exists() {
        if !dir.join(MARKER).exists() {
            bail!("{} holds a database that is not a demo; choose an empty directory for the demo", dir.display());
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("kriseservice.db{suffix}")));
        }
    }
    std::fs::write(dir.join(MARKER), "This directory holds a Kriseservice demo; `kriseservice demo` recreates it.\n")?;
    let store = app::console::open(None, &db).await.context("cannot create the demo database")?;
    seed(&store).await?;
    Ok(store)
}

/// The demo's everyday guides: (municipality, file name, contents).
const EVERYDAY: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/everyday.rs"));

/// The knowledge base's everyday guides for several municipalities, as `import guides` reads them.
async fn import_everyday(store: &Store) -> Result<()> {
    let mut codes: Vec<&str> = EVERYDAY.iter().map(|(code, _, _)| *code).collect();
    codes.dedup();
    for code in codes {
        let guides = EVERYDAY
            .iter()
            .filter(|(c, _, _)| *c == code)
            .map(|(c, file, text)| {
                domain::everyday::EverydayGuide::from_file(c, file, text).map_err(|e| anyhow::anyhow!("demo guide {c}/{file}: {e}"))
            })
            .collect::<Result<Vec<_>>>()?;
        app::console::import_everyday(store, code, guides).await?;
    }
    Ok(())
}

/// Builds the demo through the use cases, each step as the person whose job it is, so the demo
/// holds only what the permission table and the domain rules allow.
/// Where the demo's exercise stands: T+02:00, the masts down.
const MID_RUN_S: i64 = 2 * 3600;

pub async fn seed(store: &Store) -> Result<()> {
    import_everyday(store).await?;
    let mut actors = std::collections::HashMap::new();
    for (local, name, org, role) in PEOPLE {
        let new = NewUser { email: email(local), name: name.to_string(), org: org.to_string(), role: *role };
        let user = app::console::add_user(store, new, PASSWORD.into(), "demo").await?;
        actors.insert(*local, user.actor());
        // Every e-mail is a verified contact method, checked within the last month; the log
        // keeper's deputy last verified 120 days ago, so the readiness view shows a stale deputy.
        let days = if *local == STALE_DEPUTY { 120 } else { 1 + (actors.len() as i64 * 3) % 30 };
        let at = domain::time::now();
        let method =
            ContactMethod { channel: ContactChannel::Email, address: email(local), verified_at: Some(at - time::Duration::days(days)) };
        store.add_contact_method(user.id, &method, at).await?;
    }
    let app = App::new(store.clone(), app::Config::default());
    let secretariat: &Actor = &actors["sekretariat"];
    for org in domain::org::reference().iter().filter(|o| o.member) {
        app.set_member(secretariat, &org.code, true).await?;
    }
    for (role, p, d) in [
        (StaffRole::CrisisLeader, "kriseleder", "kriseleder2"),
        (StaffRole::LogKeeper, "logfoerer", "logfoerer2"),
        (StaffRole::ProcessLead, "proces", "proces2"),
        (StaffRole::StaffingLead, "bemanding", "bemanding2"),
    ] {
        app.set_roster(secretariat, role, Some(&email(p)), Some(&email(d))).await?;
    }
    let leader: &Actor = &actors["kriseleder"];
    let keeper: &Actor = &actors["logfoerer"];

    // The collaboration's table-top exercise, mid-run: played at real time from T+02:00, when
    // the masts lose power, with the injects until then delivered.
    let ex = app.run_scenario(secretariat, domain::exercise::builtin::TABLE_TOP, 1).await?;
    app.control_exercise(secretariat, ex.id, ClockAction::Play, None).await?;
    loop {
        let e = app.exercise(secretariat, ex.id).await?;
        match e.next_due().and_then(|i| i.at_s) {
            Some(next) if next <= MID_RUN_S => app.control_exercise(secretariat, ex.id, ClockAction::Next, None).await?,
            _ => break,
        };
    }
    let script = "Øvelsen er i gang: mobilmasterne har mistet strøm, kommunernes omstillinger er faldet ud.";
    app.append_log(keeper, ex.id, entry(LogCategory::Information, script)).await?;

    let active = NewIncident {
        title: "IT-nedbrud: Frederikssund Kommunes omstillingsbord kan ikke tage imod opkald".into(),
        kind: IncidentKind::ItBreakdown,
        affected: vec!["0250".into()],
        channels: vec![Channel::Phone, Channel::Chat],
        exercise: false,
    };
    let act = app.create_incident(leader, active).await?;
    let request = "Frederikssund Kommune anmoder om kriseservice: omstillingen afviser alle opkald siden kl. 07.40.";
    app.append_log(keeper, act.id, entry(LogCategory::Contact, request)).await?;
    let note = "Kriseservice aktiveret efter aftale med kommunens beredskabschef.";
    app.change_status(leader, act.id, &Transition::new(Status::Active, note)).await?;
    let shifts = entry(LogCategory::Staffing, "Ekstra vagter bestilt hos medlemskommunerne fra kl. 10.");
    app.append_log(&actors["bemanding"], act.id, shifts).await?;
    app.append_log(keeper, act.id, entry(LogCategory::Information, "Kommunen forventer status på fejlretning kl. 12.")).await?;
    if let Some((card_id, _)) = app.action_cards(leader).await?.into_iter().find(|(_, c)| c.kind == IncidentKind::ItBreakdown) {
        app.attach_card(leader, act.id, card_id).await?;
    }
    if let Some(first) = app.checklist(leader, act.id).await?.into_iter().find(|i| i.side == domain::checklist::Side::CrisisStaff) {
        app.complete_item(&actors[responsible_local(first.responsible)], act.id, first.id, true).await?;
    }
    demo_calls(&app, &actors["bemanding"], act.id).await?;
    demo_contact_lists(&app, secretariat).await?;
    publish_demo_guide(&app, act.id, &actors["redaktoer"], &actors["agent1"]).await
}

/// The contact lists the secretariat keeps: the affected authority's crisis contacts, a member
/// municipality's shift contact, the phone vendor's helpdesk and the knowledge-base contact. All
/// are checked today except the knowledge-base contact, never checked, so the list shows a stale one.
async fn demo_contact_lists(app: &App, secretariat: &Actor) -> Result<()> {
    use domain::contact_list::{EntryKind as K, NewEntry};
    let entries: &[(&str, K, &str, &str, &str, &str, &str)] = &[
        (
            "0250",
            K::AuthorityCrisis,
            "Mette Holm Sørensen",
            "Beredskabschef",
            "47 35 10 00",
            "beredskab@frederikssund.invalid",
            "Uden for kontortid: vagtcentralen; sig, at det gælder Kriseservice.",
        ),
        ("0250", K::AuthorityCrisis, "Jonas Friis", "Kommunikationschef", "47 35 10 20", "kommunikation@frederikssund.invalid", ""),
        (
            "0253",
            K::ShiftContact,
            "Vibeke Vagtkontakt",
            "Teamleder, Borgerservice",
            "43 35 20 00",
            "vagter@broendby.invalid",
            "Svarer på bemandingskald hverdage 8–16.",
        ),
        (
            "DDH",
            K::VendorHelpdesk,
            "Telefoniens helpdesk",
            "Døgnåben support",
            "70 20 30 40",
            "support@telefoni.invalid",
            "Oplys aftalenummer 4711; omstillinger tager 4–5 dage uden kriseaftale.",
        ),
        ("DDH", K::KnowledgeBase, "Vidensbasens redaktion", "Redaktør", "", "redaktion@videnbase.invalid", ""),
    ];
    for (org, kind, name, function, phone, email, note) in entries {
        let new = NewEntry {
            kind: *kind,
            name: name.to_string(),
            function: function.to_string(),
            phone: phone.to_string(),
            email: email.to_string(),
            note: note.to_string(),
        };
        let e = app.add_contact_entry(secretariat, org, new).await?;
        if *kind != K::KnowledgeBase {
            app.mark_contact_verified(secretariat, org, e.id).await?;
        }
    }
    Ok(())
}

/// The crisis line's last six hours, as the contact centre would report them: a steep rise in
/// the morning when the switchboard failed, then a slow fall, so the staffing page has a curve.
async fn demo_calls(app: &App, staffing_lead: &Actor, id: uuid::Uuid) -> Result<()> {
    let start = domain::calls::interval_start(domain::time::now(), 1800) - time::Duration::hours(6);
    let offered = [40, 95, 170, 230, 260, 250, 235, 215, 200, 190, 175, 160];
    let intervals = offered
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let abandoned = n / 12 + i64::from(n > 200) * n / 15;
            domain::calls::CallInterval {
                start: start + time::Duration::minutes(30 * i as i64),
                length_s: 1800,
                offered: n,
                answered: n - abandoned,
                abandoned,
                answered_within_target: (n - abandoned) * if n > 200 { 55 } else { 80 } / 100,
                avg_handle_s: 200.0 + (i % 3) as f64 * 10.0,
                avg_wait_s: if n > 200 { 48.0 } else { 14.0 },
            }
        })
        .collect();
    app.record_calls(staffing_lead, id, intervals).await?;
    Ok(())
}

/// The active crisis gets a published guide, a few recorded questions and one piece of feedback,
/// so the agent console, the public page and the authority's pages have something to show.
async fn publish_demo_guide(app: &App, id: uuid::Uuid, editor: &Actor, agent: &Actor) -> Result<()> {
    let now = domain::time::now;
    let mut g = domain::guide::template(IncidentKind::ItBreakdown);
    let started = now() - time::Duration::hours(2);
    g.banner = "Frederikssund: omstillingen er nede – giv den korte status og henvis akutte sager til 112".into();
    g.purpose = "Udfyldes af Borgerservice sammen med procesansvarlig. Opdateres hver anden time.".into();
    g.scope = "Frederikssund Kommunes omstillingsbord afviser alle opkald siden kl. 07.40. Borgerne stilles om til kriselinjen.".into();
    g.short_status = "Leverandøren har fundet fejlen i telefoniplatformen og arbejder på at rette den.".into();
    g.started_at = Some(started);
    g.expected_duration = "Resten af dagen".into();
    g.next_update_at = Some(now() + time::Duration::hours(2));
    g.affected_area = "Hele Frederikssund Kommune".into();
    // The template's placeholders, written for this crisis.
    for s in &mut g.situations {
        if s.situation.contains("hvad der sker") {
            s.citizen_text = "Kommunens telefoner er nede på grund af en fejl hos leverandøren. Vi opdaterer siden hver anden time.".into();
        } else if s.situation.contains("kan ikke vente") {
            s.citizen_text = "Ring til kriselinjen. Vi skriver din sag ned, og en medarbejder fra kommunen ringer dig op i dag.".into();
        } else if s.situation.contains("bestemt medarbejder") {
            s.citizen_text =
                "Ring til kriselinjen og fortæl, hvem du venter på. Medarbejderen ringer dig op, når telefonerne virker igen.".into();
        }
    }
    g.callback_email = "borgerservice@frederikssund.demo.invalid".into();
    g.citizen_summary = "Frederikssund Kommunes telefoner virker ikke lige nu. Ring til kriselinjen, hvis du har brug for kommunen. \
        Er det akut, så ring **112**."
        .into();
    // How citizens ask, in their own words: the demo's chatbot recognises them.
    if let Some(s) = g.situations.iter_mut().find(|s| s.situation.contains("bestemt medarbejder")) {
        s.citizen_questions =
            ["min sagsbehandler skulle ringe mig op i dag", "kan jeg få fat i min sagsbehandler", "jeg venter på et opkald fra jobcentret"]
                .map(String::from)
                .to_vec();
    }
    app.save_guide_draft(editor, id, g).await?;
    let v = app.publish_guide(editor, id).await?;
    for (situation, text) in
        [(Some(0), ""), (Some(0), ""), (Some(1), ""), (None, "Kan jeg stadig hente pas i dag?"), (None, "Kan jeg hente pas i dag?")]
    {
        let new = domain::inquiry::NewInquiry { version: v.version, situation, text: text.into(), municipality: "0250".into() };
        app.record_inquiry(agent, id, new).await?;
    }
    let feedback = domain::feedback::NewFeedback {
        version: v.version,
        section: domain::feedback::GuideSection::Contacts,
        category: domain::feedback::FeedbackCategory::InformationMissing,
        text: "Borgere spørger, om Borgerservice holder åbent for personligt fremmøde.".into(),
    };
    app.send_feedback(agent, id, feedback).await?;
    Ok(())
}

fn responsible_local(role: Role) -> &'static str {
    match role {
        Role::StaffingLead => "bemanding",
        Role::LogKeeper => "logfoerer",
        Role::ProcessLead => "proces",
        _ => "kriseleder",
    }
}

fn entry(category: LogCategory, text: &str) -> NewLogEntry {
    NewLogEntry { category, text: text.into(), corrects: None }
}

/// A placeholder for the collaboration's crisis line in the demo.
pub const CRISIS_LINE: &str = "70 00 00 00";

pub fn print_logins(listen: SocketAddr) {
    println!("Kriseservice demo: http://{listen}/");
    println!("Every demo login has the password: {PASSWORD}");
    for (local, name, org, role) in PEOPLE {
        println!("  {:<44} {:<30} {:<17} {org}", email(local), name, role.as_str());
    }
    println!("Stop with Ctrl+C.");
}
