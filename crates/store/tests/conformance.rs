//! The store's contract: every scenario runs against SQLite and against PostgreSQL.
//! PostgreSQL tests need `KRISESERVICE_TEST_POSTGRES_URL` (the README's test command sets it);
//! they fail, rather than skip, without it.

use domain::checklist::Side;
use domain::event::EventKind;
use domain::incident::{Channel, IncidentKind, NewIncident, Status};
use domain::log::{LogCategory, NewLogEntry, verify};
use domain::role::StaffRole;
use domain::user::NewUser;
use domain::{Actor, DomainError, Role};
use store::{Store, StoreError};
use time::Duration;

struct Fixture {
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(&dir.path().join("test.db")).await.unwrap();
    store.seed_defaults().await.unwrap();
    Fixture { store, _dir: Some(dir) }
}

async fn postgres() -> Fixture {
    let url = std::env::var("KRISESERVICE_TEST_POSTGRES_URL")
        .expect("KRISESERVICE_TEST_POSTGRES_URL is not set: run the README's test command, or point it at a PostgreSQL database");
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let store = Store::open_postgres(&url, Some(&schema)).await.unwrap();
    store.seed_defaults().await.unwrap();
    Fixture { store, _dir: None }
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(&super::sqlite().await.store).await })*
        }
        mod on_postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(&super::postgres().await.store).await })*
        }
    };
}

conformance!(
    reference_data_is_seeded,
    guide_drafts_publish_as_immutable_versions,
    truncation_and_unreadable_rows_are_caught,
    administration_leaves_a_trail,
    authority_items_are_per_affected_organisation,
    users_tokens_and_sessions,
    incident_is_created_prepared_staffed_and_logged,
    lifecycle_is_enforced_inside_the_transaction,
    concurrent_appends_keep_one_unbroken_chain,
    tampering_is_refused_and_detected,
    checklist_and_action_cards,
    refused_writes_leave_nothing_behind,
    events_are_ordered_and_relayed,
);

async fn user(store: &Store, email: &str, role: Role, org: &str) -> Actor {
    let u = NewUser { email: email.into(), name: format!("Test {role}"), org: org.into(), role }
        .validate("et langt kodeord", |_| true)
        .unwrap();
    store.create_user(&u, "not-a-real-hash", "test", domain::time::now()).await.unwrap().actor()
}

fn new_incident(affected: &[&str]) -> NewIncident {
    NewIncident {
        title: "IT-nedbrud: omstillingen kan ikke tage imod opkald".into(),
        kind: IncidentKind::ItBreakdown,
        affected: affected.iter().map(|s| s.to_string()).collect(),
        channels: vec![Channel::Phone, Channel::Chat],
        exercise: false,
    }
}

fn entry(text: &str) -> NewLogEntry {
    NewLogEntry { category: LogCategory::Information, text: text.into(), corrects: None }
}

fn is_conflict(e: &StoreError) -> bool {
    matches!(e, StoreError::Domain(DomainError::Conflict(_)))
}

async fn reference_data_is_seeded(store: &Store) {
    let orgs = store.organisations().await.unwrap();
    assert_eq!(orgs.len(), 98 + 5 + 1);
    assert!(orgs.iter().all(|o| !o.member), "a fresh installation has no members until configured");
    store.set_member("0250", true, "test", domain::time::now()).await.unwrap();
    assert!(store.organisation("0250").await.unwrap().unwrap().member);
    assert!(matches!(store.set_member("9999", true, "test", domain::time::now()).await, Err(StoreError::Domain(DomainError::NotFound(_)))));
    // Seeding again changes nothing that was configured.
    store.seed_defaults().await.unwrap();
    assert!(store.organisation("0250").await.unwrap().unwrap().member);
    assert_eq!(store.checklist_templates().await.unwrap().len(), domain::checklist::default_checklist().len());
}

async fn users_tokens_and_sessions(store: &Store) {
    let a = user(store, "agent@demo.invalid", Role::Agent, "0253").await;
    let dup = NewUser { email: "agent@demo.invalid".into(), name: "Another".into(), org: "0253".into(), role: Role::Agent };
    let err = store.create_user(&dup, "x", "test", domain::time::now()).await.unwrap_err();
    assert!(is_conflict(&err), "{err:?}");

    let (found, hash) = store.user_by_email("agent@demo.invalid").await.unwrap().unwrap();
    assert_eq!((found.id, hash.as_str()), (a.user_id, "not-a-real-hash"));

    store.create_token(a.user_id, "tokenhash", domain::time::now()).await.unwrap();
    assert_eq!(store.user_by_token("tokenhash").await.unwrap().unwrap().id, a.user_id);
    assert!(store.user_by_token("other").await.unwrap().is_none());

    let now = domain::time::now();
    store.create_session("s1", a.user_id, "csrf1", now + Duration::hours(8)).await.unwrap();
    store.create_session("s2", a.user_id, "csrf2", now - Duration::seconds(1)).await.unwrap();
    assert_eq!(store.session("s1", now).await.unwrap().unwrap().1, "csrf1");
    assert!(store.session("s2", now).await.unwrap().is_none(), "expired sessions are not valid");
    assert_eq!(store.purge_sessions(now).await.unwrap(), 1);

    store.set_user_active(a.user_id, false, "test", domain::time::now()).await.unwrap();
    assert!(store.session("s1", now).await.unwrap().is_none(), "deactivation ends sessions");
    assert!(store.user_by_token("tokenhash").await.unwrap().is_none(), "deactivation revokes tokens");
}

async fn incident_is_created_prepared_staffed_and_logged(store: &Store) {
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let deputy = user(store, "leder2@demo.invalid", Role::CrisisLeader, "DDH").await;
    store.set_roster(StaffRole::CrisisLeader, Some(leader.user_id), Some(deputy.user_id), "test", domain::time::now()).await.unwrap();

    let i = store.create_incident(&new_incident(&["0250", "0253"]), &leader, domain::time::now()).await.unwrap();
    assert_eq!(i.status, Status::Prepared);
    let loaded = store.incident(i.id).await.unwrap().unwrap();
    assert_eq!(loaded, i, "what is read back is what was written (timestamps included)");

    let roles = store.roles(i.id).await.unwrap();
    assert_eq!(roles.len(), 4);
    let cl = roles.iter().find(|a| a.role == StaffRole::CrisisLeader).unwrap();
    assert_eq!(cl.primary.as_ref().unwrap().id, leader.user_id, "pre-filled from the standing roster");
    assert_eq!(cl.deputy.as_ref().unwrap().id, deputy.user_id);

    let log = store.log(i.id).await.unwrap();
    assert_eq!(log.len(), 1);
    assert!(log[0].text.starts_with("Krise oprettet"));

    assert_eq!(store.incidents(Some(Status::Prepared)).await.unwrap().len(), 1);
    assert!(store.incidents(Some(Status::Active)).await.unwrap().is_empty());

    let all = store.assign_role(i.id, StaffRole::CrisisLeader, Some(deputy.user_id), None, &leader, domain::time::now()).await.unwrap();
    let cl = all.iter().find(|a| a.role == StaffRole::CrisisLeader).unwrap();
    assert_eq!(cl.primary.as_ref().unwrap().id, deputy.user_id);
    assert!(cl.deputy.is_none());
    assert_eq!(store.log(i.id).await.unwrap().last().unwrap().category, LogCategory::Staffing);
}

async fn lifecycle_is_enforced_inside_the_transaction(store: &Store) {
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &leader, domain::time::now()).await.unwrap();
    let now = domain::time::now;

    let err = store.change_status(i.id, Status::Closed, Some("slut"), &leader, now()).await.unwrap_err();
    assert!(is_conflict(&err));
    let active = store.change_status(i.id, Status::Active, None, &leader, now()).await.unwrap();
    assert_eq!(active.status, Status::Active);
    assert!(active.activated_at.is_some());
    assert_eq!(store.checklist(i.id).await.unwrap().len(), domain::checklist::default_checklist().len(), "activation raises the checklist");

    store.change_status(i.id, Status::StandingDown, None, &leader, now()).await.unwrap();
    let err = store.change_status(i.id, Status::Closed, None, &leader, now()).await.unwrap_err();
    assert!(matches!(err, StoreError::Domain(DomainError::Invalid(_))), "closing needs a closing entry");
    let closed = store.change_status(i.id, Status::Closed, Some("Strømmen er tilbage; krisen er slut."), &leader, now()).await.unwrap();
    assert_eq!(closed.status, Status::Closed);
    assert!(store.change_status(i.id, Status::Active, None, &leader, now()).await.is_err());

    let log = store.log(i.id).await.unwrap();
    let texts: Vec<&str> = log.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts.len(), 4, "{texts:?}");
    assert!(texts[3].contains("til lukket") && texts[3].contains("Strømmen er tilbage"));
    assert!(verify(&log).valid);
}

async fn concurrent_appends_keep_one_unbroken_chain(store: &Store) {
    let keeper = user(store, "log@demo.invalid", Role::LogKeeper, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &keeper, domain::time::now()).await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..8 {
        let (store, keeper) = (store.clone(), keeper.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0..15 {
                store.append_log(i.id, entry(&format!("klient {t} besked {n}")), &keeper, domain::time::now()).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let log = store.log(i.id).await.unwrap();
    assert_eq!(log.len(), 1 + 8 * 15);
    let v = verify(&log);
    assert!(v.valid, "{v:?}");

    let err = store.append_log(i.id, NewLogEntry { corrects: Some(500), ..entry("ret") }, &keeper, domain::time::now()).await.unwrap_err();
    assert!(matches!(err, StoreError::Domain(DomainError::Invalid(_))));
    let fixed =
        store.append_log(i.id, NewLogEntry { corrects: Some(2), ..entry("Rettelse til 2") }, &keeper, domain::time::now()).await.unwrap();
    assert_eq!(fixed.corrects, Some(2));
}

async fn tampering_is_refused_and_detected(store: &Store) {
    let keeper = user(store, "log@demo.invalid", Role::LogKeeper, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &keeper, domain::time::now()).await.unwrap();
    for n in 0..4 {
        store.append_log(i.id, entry(&format!("besked {n}")), &keeper, domain::time::now()).await.unwrap();
    }
    // The append-only rule refuses an edit through SQL...
    let refused = store::raw_execute_for_tests(store, "UPDATE log_entries SET text = 'ændret' WHERE seq = 3").await;
    assert!(refused.is_err(), "the database itself refuses to edit the log");
    // ...and whoever removes that guard is still caught by the chain.
    let drop_guard = match store.backend() {
        "sqlite" => "DROP TRIGGER log_entries_no_update",
        _ => "DROP TRIGGER log_entries_no_change ON log_entries",
    };
    store::raw_execute_for_tests(store, drop_guard).await.unwrap();
    let changed = store::raw_execute_for_tests(store, "UPDATE log_entries SET text = 'Intet at bemærke' WHERE seq = 3").await.unwrap();
    assert_eq!(changed, 1);
    let v = verify(&store.log(i.id).await.unwrap());
    assert!(!v.valid);
    assert_eq!(v.first_invalid, Some(3));
}

async fn checklist_and_action_cards(store: &Store) {
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let editor = user(store, "redaktor@demo.invalid", Role::AuthorityEditor, "0250").await;
    let i = store.create_incident(&new_incident(&["0250"]), &leader, domain::time::now()).await.unwrap();
    store.change_status(i.id, Status::Active, None, &leader, domain::time::now()).await.unwrap();
    let items = store.checklist(i.id).await.unwrap();
    let auth_item = items.iter().find(|x| x.side == Side::Authority).unwrap();
    let staff_item = items.iter().find(|x| x.side == Side::CrisisStaff).unwrap();

    let done = store.complete_item(i.id, auth_item.id, true, &editor, domain::time::now()).await.unwrap();
    assert_eq!(done.done_by.as_deref(), Some(editor.name.as_str()));
    assert!(is_conflict(&store.complete_item(i.id, auth_item.id, true, &editor, domain::time::now()).await.unwrap_err()));
    let err = store.complete_item(i.id, staff_item.id, true, &editor, domain::time::now()).await.unwrap_err();
    assert!(matches!(err, StoreError::Domain(DomainError::Forbidden(_))));
    let (d, t) = domain::checklist::progress(&store.checklist(i.id).await.unwrap());
    assert_eq!((d, t), (1, items.len()));

    let cards = store.action_cards().await.unwrap();
    let (card_id, card) = cards.iter().find(|(_, c)| !c.steps.is_empty()).unwrap();
    store.attach_card(i.id, *card_id, &leader, domain::time::now()).await.unwrap();
    assert!(is_conflict(&store.attach_card(i.id, *card_id, &leader, domain::time::now()).await.unwrap_err()));
    assert_eq!(store.checklist(i.id).await.unwrap().len(), items.len() + card.steps.len());
    assert_eq!(store.incident_cards(i.id).await.unwrap().len(), 1);
    assert!(verify(&store.log(i.id).await.unwrap()).valid);
}

async fn refused_writes_leave_nothing_behind(store: &Store) {
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &leader, domain::time::now()).await.unwrap();
    let events_before = store.last_event_seq().await.unwrap();
    let log_before = store.log(i.id).await.unwrap().len();
    assert!(store.change_status(i.id, Status::Closed, Some("x"), &leader, domain::time::now()).await.is_err());
    assert!(store.append_log(i.id, entry("   "), &leader, domain::time::now()).await.is_err());
    let ghost = uuid::Uuid::new_v4();
    assert!(matches!(
        store.append_log(ghost, entry("hej"), &leader, domain::time::now()).await,
        Err(StoreError::Domain(DomainError::NotFound(_)))
    ));
    // An incident naming an unknown organisation is refused by the database as a whole.
    assert!(store.create_incident(&new_incident(&["0250", "9999"]), &leader, domain::time::now()).await.is_err());
    assert_eq!(store.incidents(None).await.unwrap().len(), 1);
    assert_eq!(store.log(i.id).await.unwrap().len(), log_before);
    assert_eq!(store.last_event_seq().await.unwrap(), events_before);
}

async fn events_are_ordered_and_relayed(store: &Store) {
    store.start_relay().await.unwrap();
    let mut rx = store.subscribe();
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &leader, domain::time::now()).await.unwrap();
    store.change_status(i.id, Status::Active, None, &leader, domain::time::now()).await.unwrap();
    store.append_log(i.id, entry("hej"), &leader, domain::time::now()).await.unwrap();

    let mut kinds = Vec::new();
    let mut last = 0;
    while kinds.len() < 5 {
        let e = tokio::time::timeout(std::time::Duration::from_secs(3), rx.recv()).await.expect("event within 3 s").unwrap();
        assert!(e.seq > last, "events arrive in sequence order");
        last = e.seq;
        if e.kind == EventKind::AdminChanged {
            continue; // creating the test user leaves its own trail
        }
        assert_eq!(e.affected, vec!["0250".to_string()]);
        kinds.push(e.kind);
    }
    use EventKind::*;
    assert_eq!(kinds, [LogAppended, IncidentCreated, LogAppended, IncidentStatus, LogAppended]);
    let replay = store.events_since(0, 100).await.unwrap();
    assert_eq!(replay.iter().filter(|e| e.kind != EventKind::AdminChanged).count(), 5);
}

async fn truncation_and_unreadable_rows_are_caught(store: &Store) {
    let keeper = user(store, "log@demo.invalid", Role::LogKeeper, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &keeper, domain::time::now()).await.unwrap();
    for n in 0..4 {
        store.append_log(i.id, entry(&format!("besked {n}")), &keeper, domain::time::now()).await.unwrap();
    }
    assert!(store.verify_log(i.id).await.unwrap().unwrap().valid);
    assert!(store.verify_log(uuid::Uuid::new_v4()).await.unwrap().is_none());
    let (drop_update, drop_delete) = match store.backend() {
        "sqlite" => ("DROP TRIGGER log_entries_no_update", "DROP TRIGGER log_entries_no_delete"),
        _ => ("DROP TRIGGER log_entries_no_change ON log_entries", "SELECT 1"),
    };
    store::raw_execute_for_tests(store, drop_update).await.unwrap();
    store::raw_execute_for_tests(store, drop_delete).await.unwrap();

    // Cutting off the last entries leaves a chain that holds, but not up to the recorded head.
    store::raw_execute_for_tests(store, "DELETE FROM log_entries WHERE seq >= 4").await.unwrap();
    let v = store.verify_log(i.id).await.unwrap().unwrap();
    assert!(!v.valid);
    assert_eq!(v.first_invalid, Some(4));
    assert!(v.reason.unwrap().contains("missing"));

    // A row edited into something that no longer parses is broken at that entry, not an outage.
    store::raw_execute_for_tests(store, "UPDATE log_entries SET category = 'gossip' WHERE seq = 2").await.unwrap();
    let v = store.verify_log(i.id).await.unwrap().unwrap();
    assert_eq!((v.valid, v.first_invalid), (false, Some(2)), "{v:?}");
}

async fn administration_leaves_a_trail(store: &Store) {
    let before = store.last_event_seq().await.unwrap();
    let a = user(store, "a@demo.invalid", Role::Agent, "0253").await;
    store.set_member("0253", true, "Sanne", domain::time::now()).await.unwrap();
    store.set_user_active(a.user_id, false, "Sanne", domain::time::now()).await.unwrap();
    let events = store.events_since(before, 100).await.unwrap();
    let what: Vec<&str> = events.iter().map(|e| e.payload["what"].as_str().unwrap()).collect();
    assert_eq!(what, ["user.created", "organisation.member", "user.active"]);
    assert!(events.iter().all(|e| e.kind == EventKind::AdminChanged && e.incident_id.is_none()));
    assert_eq!(events[1].payload["by"], "Sanne");

    // A card in use stays part of that incident's record.
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &leader, domain::time::now()).await.unwrap();
    let (card, _) = store.action_cards().await.unwrap()[0].clone();
    store.attach_card(i.id, card, &leader, domain::time::now()).await.unwrap();
    assert!(is_conflict(&store.delete_action_card(card, "Sanne", domain::time::now()).await.unwrap_err()));
    let (unused, _) = store.action_cards().await.unwrap()[1].clone();
    store.delete_action_card(unused, "Sanne", domain::time::now()).await.unwrap();
}

async fn authority_items_are_per_affected_organisation(store: &Store) {
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let greve = user(store, "greve@demo.invalid", Role::AuthorityEditor, "0253").await;
    let i = store.create_incident(&new_incident(&["0250", "0253"]), &leader, domain::time::now()).await.unwrap();
    store.change_status(i.id, Status::Active, None, &leader, domain::time::now()).await.unwrap();
    let items = store.checklist(i.id).await.unwrap();
    let authority = domain::checklist::default_checklist().iter().filter(|t| t.side == Side::Authority).count();
    assert_eq!(items.iter().filter(|x| x.org.as_deref() == Some("0250")).count(), authority);
    assert_eq!(items.iter().filter(|x| x.org.as_deref() == Some("0253")).count(), authority);
    let theirs = items.iter().find(|x| x.org.as_deref() == Some("0250")).unwrap();
    let own = items.iter().find(|x| x.org.as_deref() == Some("0253")).unwrap();
    let refused = store.complete_item(i.id, theirs.id, true, &greve, domain::time::now()).await;
    assert!(matches!(refused, Err(StoreError::Domain(DomainError::Forbidden(_)))));
    store.complete_item(i.id, own.id, true, &greve, domain::time::now()).await.unwrap();
}

#[tokio::test]
async fn a_mistyped_database_url_is_refused_not_turned_into_a_file() {
    let err = Store::open("postgress://postgres@127.0.0.1/ks").await.err().expect("refused");
    assert!(err.to_string().contains("unsupported database URL scheme 'postgress'"), "{err}");
    assert!(!std::path::Path::new("postgress:").exists());
}

async fn guide_drafts_publish_as_immutable_versions(store: &Store) {
    let lead = user(store, "proces@demo.invalid", Role::ProcessLead, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &lead, domain::time::now()).await.unwrap();
    let now = domain::time::now();
    assert!(is_conflict(&store.publish_guide(i.id, &lead, now).await.unwrap_err()), "nothing saved yet");

    let mut g = domain::guide::template(IncidentKind::ItBreakdown);
    store.save_guide_draft(i.id, &g, &lead, now).await.unwrap();
    let refused = store.publish_guide(i.id, &lead, now).await.unwrap_err();
    assert!(matches!(refused, StoreError::Domain(DomainError::Invalid(_))), "an incomplete draft is refused: {refused:?}");
    assert!(store.guide_version(i.id, None).await.unwrap().is_none());

    g.banner = "Omstillingen er nede".into();
    g.scope = "Omstillingen afviser opkald.".into();
    g.short_status = "Leverandøren arbejder på fejlen.".into();
    g.started_at = Some(now);
    g.next_update_at = Some(now + Duration::hours(2));
    g.callback_email = "callback@frederikssund.invalid".into();
    g.citizen_summary = "Ring til kriselinjen.".into();
    store.save_guide_draft(i.id, &g, &lead, now).await.unwrap();
    let before = store.log(i.id).await.unwrap().len();
    let v1 = store.publish_guide(i.id, &lead, now).await.unwrap();
    assert_eq!(v1.version, 1);
    assert!(is_conflict(&store.publish_guide(i.id, &lead, now).await.unwrap_err()), "an unchanged draft is refused");

    g.short_status = "Fejlen er fundet.".into();
    store.save_guide_draft(i.id, &g, &lead, now).await.unwrap();
    let v2 = store.publish_guide(i.id, &lead, now).await.unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(store.guide_version(i.id, None).await.unwrap().unwrap().guide.short_status, "Fejlen er fundet.");
    assert_eq!(store.guide_version(i.id, Some(1)).await.unwrap().unwrap().guide.short_status, "Leverandøren arbejder på fejlen.");
    assert!(store.guide_version(i.id, Some(3)).await.unwrap().is_none());

    let log = store.log(i.id).await.unwrap();
    assert_eq!(log.len(), before + 2, "each publish is logged");
    assert!(log.last().unwrap().text.contains("version 2"));
    let published = store.events_since(0, 1000).await.unwrap().into_iter().filter(|e| e.kind == EventKind::GuidePublished).count();
    assert_eq!(published, 2);
    assert!(store::raw_execute_for_tests(store, "UPDATE guide_versions SET content = '{}'").await.is_err(), "versions are immutable");
}
