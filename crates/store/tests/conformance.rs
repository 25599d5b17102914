//! The store's contract: every scenario runs against SQLite and against PostgreSQL.
//! PostgreSQL tests need `KRISESERVICE_TEST_POSTGRES_URL` (the README's test command sets it);
//! they fail, rather than skip, without it.

use domain::checklist::Side;
use domain::event::EventKind;
use domain::incident::{Channel, IncidentKind, NewIncident, Status, Transition};
use domain::log::{LogCategory, NewLogEntry, verify};
use domain::role::StaffRole;
use domain::user::NewUser;
use domain::{Actor, DomainError, Role};
use store::{Store, StoreError};
use time::Duration;
use uuid::Uuid;

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
    group_commit_answers_each_append_alone_and_chains_every_incident,
    a_failed_group_commit_acknowledges_nothing_it_held,
    idempotent_appends_write_once_and_keep_the_answer,
    idempotency_keys_are_claimed_once_and_expire,
    tampering_is_refused_and_detected,
    checklist_and_action_cards,
    refused_writes_leave_nothing_behind,
    events_are_ordered_and_relayed,
    overdue_guides_are_marked_once_and_rearmed_by_publishing,
    feedback_is_routed_and_resolved_by_a_newer_version,
    inquiries_need_a_live_incident_and_a_published_guide,
    held_chatbot_questions_are_stored_in_one_go_and_once,
    chat_answers_add_up_per_situation,
    callbacks_are_mailed_access_logged_and_purged,
    everyday_import_is_idempotent_and_follows_the_folder,
    integration_tokens_name_their_integration,
    call_statistics_replace_by_interval_and_import_row_by_row,
    staffing_settings_and_overrides_are_logged_decisions,
    shift_plans_keep_bids_and_awards,
    second_factor_enrolment_steps_and_requirement,
    contact_methods_are_verified_by_code_or_link_once,
    a_callout_follows_its_frozen_chain_until_acknowledged,
    contact_lists_keep_entries_and_a_trail_of_checks,
    scenarios_are_kept_whole_with_a_trail,
    an_exercise_delivers_each_inject_once_to_its_players_marked_and_logged,
    the_kpi_record_reads_the_incident_as_it_happened,
    statements_are_issued_from_the_plan_once_and_corrected_by_a_new_one,
    evaluation_forms_go_once_on_close_and_keep_answers_apart_from_people,
    the_report_keeps_pins_notes_and_an_improvement_plan,
);

async fn user(store: &Store, email: &str, role: Role, org: &str) -> Actor {
    let u = NewUser { email: email.into(), name: format!("Test {role}"), org: org.into(), role }
        .validate("gule roser i vindueskarmen", |_| true)
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

    let now = domain::time::now();
    store.create_token(a.user_id, "tokenhash", now, now + Duration::days(90)).await.unwrap();
    assert_eq!(store.user_by_token("tokenhash", now).await.unwrap().unwrap().id, a.user_id);
    assert!(store.user_by_token("tokenhash", now + Duration::days(90)).await.unwrap().is_none(), "a token expires");
    assert!(store.user_by_token("other", now).await.unwrap().is_none());

    store.create_session("s1", a.user_id, "csrf1", now + Duration::hours(8), now + Duration::hours(1)).await.unwrap();
    store.create_session("s2", a.user_id, "csrf2", now - Duration::seconds(1), now + Duration::hours(1)).await.unwrap();
    store.create_session("s3", a.user_id, "csrf3", now + Duration::hours(8), now - Duration::seconds(1)).await.unwrap();
    let (_, csrf, must_enrol, _) = store.session("s1", now).await.unwrap().unwrap();
    assert_eq!((csrf.as_str(), must_enrol), ("csrf1", false));
    assert!(store.session("s2", now).await.unwrap().is_none(), "expired sessions are not valid");
    assert!(store.session("s3", now).await.unwrap().is_none(), "nor sessions idle too long");
    assert!(store.session("s1", now + Duration::hours(2)).await.unwrap().is_none(), "idle for two hours");
    store.touch_session("s1", now + Duration::hours(3)).await.unwrap();
    assert!(store.session("s1", now + Duration::hours(2)).await.unwrap().is_some(), "used, so alive");
    assert_eq!(store.purge_sessions(now).await.unwrap(), 2);

    store.set_user_active(a.user_id, false, "test", domain::time::now()).await.unwrap();
    assert!(store.session("s1", now).await.unwrap().is_none(), "deactivation ends sessions");
    assert!(store.user_by_token("tokenhash", now).await.unwrap().is_none(), "deactivation revokes tokens");
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

/// A closing with its reason and its all-clear.
fn closing(note: &str, all_clear: &str) -> Transition {
    Transition { all_clear: Some(all_clear.to_string()), ..Transition::new(Status::Closed, note) }
}

async fn lifecycle_is_enforced_inside_the_transaction(store: &Store) {
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &leader, domain::time::now()).await.unwrap();
    let now = domain::time::now;

    let err = store.change_status(i.id, &Transition::new(Status::Closed, "slut"), &leader, now()).await.unwrap_err();
    assert!(is_conflict(&err));
    let active = store.change_status(i.id, &Transition::new(Status::Active, "Skift"), &leader, now()).await.unwrap();
    assert_eq!(active.status, Status::Active);
    assert!(active.activated_at.is_some());
    assert_eq!(store.checklist(i.id).await.unwrap().len(), domain::checklist::default_checklist().len(), "activation raises the checklist");

    store.change_status(i.id, &Transition::new(Status::StandingDown, "Skift"), &leader, now()).await.unwrap();
    let err = store.change_status(i.id, &Transition::new(Status::Closed, "Strømmen er tilbage."), &leader, now()).await.unwrap_err();
    assert!(matches!(err, StoreError::Domain(DomainError::Invalid(_))), "closing needs an all-clear");
    let close = closing("Strømmen er tilbage; krisen er slut.", "Krisen er ovre. Strømmen er tilbage i hele kommunen.");
    let closed = store.change_status(i.id, &close, &leader, now()).await.unwrap();
    assert_eq!(closed.status, Status::Closed);
    let stored = store.incident(i.id).await.unwrap().unwrap();
    assert_eq!(stored.all_clear.as_deref(), Some("Krisen er ovre. Strømmen er tilbage i hele kommunen."), "the all-clear is kept");
    assert!(store.change_status(i.id, &Transition::new(Status::Active, "Skift"), &leader, now()).await.is_err());

    let log = store.log(i.id).await.unwrap();
    let texts: Vec<&str> = log.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts.len(), 6, "{texts:?}");
    assert!(texts[2].starts_with("Krisestaben kaldes ud"), "activation calls the crisis staff out: {texts:?}");
    assert!(texts[4].contains("til lukket") && texts[4].contains("Strømmen er tilbage"));
    assert!(texts[5].contains("Afblæsning") && texts[5].contains("Krisen er ovre."), "the all-clear is logged with the closing: {texts:?}");
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

/// Appends to two incidents at once, with refused ones among them: each refusal is its caller's
/// alone, everything else is acknowledged and chained, on both incidents.
async fn group_commit_answers_each_append_alone_and_chains_every_incident(store: &Store) {
    let keeper = user(store, "log@demo.invalid", Role::LogKeeper, "DDH").await;
    let a = store.create_incident(&new_incident(&["0250"]), &keeper, domain::time::now()).await.unwrap();
    let b = store.create_incident(&new_incident(&["0751"]), &keeper, domain::time::now()).await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..12 {
        let (store, keeper) = (store.clone(), keeper.clone());
        let (id, e) = match t % 4 {
            0 => (a.id, entry(&format!("a {t}"))),
            1 => (b.id, entry(&format!("b {t}"))),
            2 => (a.id, NewLogEntry { corrects: Some(900), ..entry("ret noget der ikke findes") }),
            _ => (uuid::Uuid::new_v4(), entry("ingen krise")),
        };
        tasks.push(tokio::spawn(async move { (t % 4, store.append_log(id, e, &keeper, domain::time::now()).await) }));
    }
    for task in tasks {
        match task.await.unwrap() {
            (0 | 1, r) => assert!(r.is_ok(), "{r:?}"),
            (2, r) => assert!(matches!(r, Err(StoreError::Domain(DomainError::Invalid(_)))), "{r:?}"),
            (_, r) => assert!(matches!(r, Err(StoreError::Domain(DomainError::NotFound(_)))), "{r:?}"),
        }
    }
    for (i, prefix) in [(&a, "a "), (&b, "b ")] {
        let log = store.log(i.id).await.unwrap();
        assert_eq!(log.len(), 1 + 3, "{log:?}");
        assert!(log[1..].iter().all(|e| e.text.starts_with(prefix)));
        assert!(verify(&log).valid);
        assert!(store.verify_log(i.id).await.unwrap().unwrap().valid, "the recorded head moved with the batch");
    }
}

/// A commit that fails fails every append it held: an append is acknowledged exactly when it is
/// in the log.
async fn a_failed_group_commit_acknowledges_nothing_it_held(store: &Store) {
    let keeper = user(store, "log@demo.invalid", Role::LogKeeper, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &keeper, domain::time::now()).await.unwrap();
    let poison = match store.backend() {
        "sqlite" => "CREATE TRIGGER poison BEFORE INSERT ON log_entries WHEN NEW.text = 'gift' BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
        _ => {
            "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW.text = 'gift' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
             CREATE TRIGGER poison BEFORE INSERT ON log_entries FOR EACH ROW EXECUTE FUNCTION poison()"
        }
    };
    store::raw_execute_for_tests(store, poison).await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..40 {
        let (store, keeper) = (store.clone(), keeper.clone());
        let text = if t % 10 == 5 { "gift".to_string() } else { format!("besked {t}") };
        tasks.push(tokio::spawn(async move { (text.clone(), store.append_log(i.id, entry(&text), &keeper, domain::time::now()).await) }));
    }
    let mut acknowledged = Vec::new();
    for task in tasks {
        let (text, r) = task.await.unwrap();
        match r {
            Ok(e) => acknowledged.push((e.seq, text)),
            Err(e) => assert!(matches!(e, StoreError::Database(_) | StoreError::CommitFailed(_)), "{e:?}"),
        }
    }
    assert!(acknowledged.iter().all(|(_, t)| t != "gift"));
    acknowledged.sort();
    let log = store.log(i.id).await.unwrap();
    let stored: Vec<(i64, String)> = log[1..].iter().map(|e| (e.seq, e.text.clone())).collect();
    assert_eq!(stored, acknowledged, "acknowledged exactly when stored");
    assert!(store.verify_log(i.id).await.unwrap().unwrap().valid);
}

fn kept(e: &domain::log::LogEntry) -> store::StoredReply {
    store::StoredReply { status: 201, body: format!("entry {}", e.seq) }
}

fn key(user: &Actor, key: &str, hash: &str) -> store::IdempotencyKey {
    store::IdempotencyKey { user_id: user.user_id, key: key.into(), request: "POST /log".into(), request_hash: hash.into() }
}

async fn idempotent_appends_write_once_and_keep_the_answer(store: &Store) {
    use store::{Appended, Once};
    let keeper = user(store, "log@demo.invalid", Role::LogKeeper, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &keeper, domain::time::now()).await.unwrap();
    let once = |k: &str, hash: &str| Once { key: key(&keeper, k, hash), render: kept };
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (store, keeper, once) = (store.clone(), keeper.clone(), once("k1", "h1"));
        tasks.push(tokio::spawn(async move { store.append_log_once(i.id, entry("én gang"), &keeper, domain::time::now(), once).await }));
    }
    let mut fresh = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(Appended::Fresh(e)) => {
                fresh += 1;
                assert_eq!(e.seq, 2);
            }
            Ok(Appended::Replayed(r)) => assert_eq!(r, store::StoredReply { status: 201, body: "entry 2".into() }),
            Err(e) => assert!(matches!(e, StoreError::KeyInFlight), "{e:?}"),
        }
    }
    assert_eq!(fresh, 1, "one of six tries under one key appends");
    assert_eq!(store.log(i.id).await.unwrap().len(), 2);
    let reused = store.append_log_once(i.id, entry("noget andet"), &keeper, domain::time::now(), once("k1", "h2")).await;
    assert!(matches!(reused, Err(StoreError::KeyReused(ref r)) if r == "POST /log"), "{reused:?}");
    // A refused append keeps nothing: the key may be used again once the request is right.
    let refused = store.append_log_once(i.id, entry("  "), &keeper, domain::time::now(), once("k2", "h3")).await;
    assert!(matches!(refused, Err(StoreError::Domain(DomainError::Invalid(_)))));
    assert!(matches!(
        store.append_log_once(i.id, entry("nu"), &keeper, domain::time::now(), once("k2", "h3")).await,
        Ok(Appended::Fresh(_))
    ));
    // Keys are the caller's own.
    let other = user(store, "log2@demo.invalid", Role::LogKeeper, "DDH").await;
    let theirs = Once { key: key(&other, "k1", "h1"), render: kept };
    assert!(matches!(store.append_log_once(i.id, entry("én gang"), &other, domain::time::now(), theirs).await, Ok(Appended::Fresh(_))));
    assert_eq!(store.log(i.id).await.unwrap().len(), 4);
    assert!(store.verify_log(i.id).await.unwrap().unwrap().valid);
}

async fn idempotency_keys_are_claimed_once_and_expire(store: &Store) {
    use store::Claim;
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let now = domain::time::now();
    let k = key(&leader, "opret-1", "h1");
    assert_eq!(store.claim_key(&k, now).await.unwrap(), Claim::Claimed);
    assert_eq!(store.claim_key(&k, now).await.unwrap(), Claim::InFlight);
    assert_eq!(store.claim_key(&key(&leader, "opret-1", "h2"), now).await.unwrap(), Claim::Reused("POST /log".into()));
    store.release_key(&k).await.unwrap();
    assert_eq!(store.claim_key(&k, now).await.unwrap(), Claim::Claimed, "a key given up is claimed afresh");
    let reply = store::StoredReply { status: 201, body: r#"{"id":"x"}"#.into() };
    store.finish_key(&k, &reply).await.unwrap();
    store.release_key(&k).await.unwrap(); // too late: the answer is kept
    assert_eq!(store.claim_key(&k, now).await.unwrap(), Claim::Replay(reply.clone()));
    // A day later the key is gone, whether purged or not.
    let later = now + store::KEY_LIFETIME + Duration::seconds(1);
    assert_eq!(store.claim_key(&k, later).await.unwrap(), Claim::Claimed);
    let k2 = key(&leader, "opret-2", "h1");
    assert_eq!(store.claim_key(&k2, now).await.unwrap(), Claim::Claimed);
    assert_eq!(store.purge_keys(later - store::KEY_LIFETIME).await.unwrap(), 1, "only the key claimed a day earlier");
    assert_eq!(store.claim_key(&k2, later).await.unwrap(), Claim::Claimed);
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
    store.change_status(i.id, &Transition::new(Status::Active, "Skift"), &leader, domain::time::now()).await.unwrap();
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

    // Detached: its open steps leave the checklist, a done one stays on the record.
    let first_step = store.checklist(i.id).await.unwrap().into_iter().find(|x| x.card_id == Some(*card_id)).unwrap();
    store.complete_item(i.id, first_step.id, true, &leader, domain::time::now()).await.unwrap();
    store.detach_card(i.id, *card_id, &leader, domain::time::now()).await.unwrap();
    assert!(store.incident_cards(i.id).await.unwrap().is_empty());
    let left: Vec<_> = store.checklist(i.id).await.unwrap().into_iter().filter(|x| x.card_id == Some(*card_id)).map(|x| x.id).collect();
    assert_eq!(left, [first_step.id], "the done step stays");
    assert!(store.log(i.id).await.unwrap().last().unwrap().text.starts_with("Aktionskort fjernet"));
    assert!(matches!(
        store.detach_card(i.id, *card_id, &leader, domain::time::now()).await,
        Err(StoreError::Domain(DomainError::NotFound(_)))
    ));
    store.attach_card(i.id, *card_id, &leader, domain::time::now()).await.unwrap();
    assert!(verify(&store.log(i.id).await.unwrap()).valid);
}

async fn refused_writes_leave_nothing_behind(store: &Store) {
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &leader, domain::time::now()).await.unwrap();
    let events_before = store.last_event_seq().await.unwrap();
    let log_before = store.log(i.id).await.unwrap().len();
    assert!(store.change_status(i.id, &Transition::new(Status::Closed, "x"), &leader, domain::time::now()).await.is_err());
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
    store.change_status(i.id, &Transition::new(Status::Active, "Skift"), &leader, domain::time::now()).await.unwrap();
    store.append_log(i.id, entry("hej"), &leader, domain::time::now()).await.unwrap();

    let mut kinds = Vec::new();
    let mut last = 0;
    while kinds.len() < 7 {
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
    // Activation logs the step and the call-out it starts, in the same transaction.
    assert_eq!(kinds, [LogAppended, IncidentCreated, LogAppended, LogAppended, CalloutChanged, IncidentStatus, LogAppended]);
    let replay = store.events_since(0, 100).await.unwrap();
    assert_eq!(replay.iter().filter(|e| e.kind != EventKind::AdminChanged).count(), 7);
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
    store.change_status(i.id, &Transition::new(Status::Active, "Skift"), &leader, domain::time::now()).await.unwrap();
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

/// Two nodes on one PostgreSQL database, each with its own group committer, append to one
/// incident at once: every acknowledged entry is there once, with no sequence number twice, in
/// one chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_postgres_append_to_one_incident_with_nothing_lost_or_doubled() {
    let url = std::env::var("KRISESERVICE_TEST_POSTGRES_URL").expect("KRISESERVICE_TEST_POSTGRES_URL is not set");
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let a = Store::open_postgres(&url, Some(&schema)).await.unwrap();
    let b = Store::open_postgres(&url, Some(&schema)).await.unwrap();
    a.seed_defaults().await.unwrap();
    let keeper = user(&a, "log@demo.invalid", Role::LogKeeper, "DDH").await;
    let i = a.create_incident(&new_incident(&["0250"]), &keeper, domain::time::now()).await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..16 {
        let (node, keeper) = (if t % 2 == 0 { a.clone() } else { b.clone() }, keeper.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0..25 {
                node.append_log(i.id, entry(&format!("node {} klient {t} besked {n}", t % 2)), &keeper, domain::time::now()).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let log = b.log(i.id).await.unwrap();
    assert_eq!(log.len(), 1 + 16 * 25, "0 lost");
    let seqs: std::collections::BTreeSet<i64> = log.iter().map(|e| e.seq).collect();
    assert_eq!(seqs.len(), log.len(), "0 duplicate sequence numbers");
    assert!(a.verify_log(i.id).await.unwrap().unwrap().valid);
}

#[tokio::test]
async fn a_mistyped_database_url_is_refused_not_turned_into_a_file() {
    let err = Store::open("postgress://postgres@127.0.0.1/ks").await.err().expect("refused");
    assert!(err.to_string().contains("unsupported database URL scheme 'postgress'"), "{err}");
    assert!(!std::path::Path::new("postgress:").exists());
}

/// A complete guide, ready to publish at `at`.
fn complete_guide(at: time::OffsetDateTime) -> domain::guide::Guide {
    let mut g = domain::guide::template(IncidentKind::ItBreakdown);
    g.banner = "Omstillingen er nede".into();
    g.scope = "Omstillingen afviser opkald.".into();
    g.short_status = "Leverandøren arbejder på fejlen.".into();
    g.started_at = Some(at);
    g.next_update_at = Some(at + Duration::hours(1));
    g.callback_email = "callback@frederikssund.invalid".into();
    g.citizen_summary = "Ring til kriselinjen.".into();
    g.affected_area = "Hele Frederikssund Kommune".into();
    for s in g.situations.iter_mut().filter(|s| domain::guide::is_placeholder(&s.citizen_text)) {
        s.citizen_text = "Ring til kriselinjen, hvis du har spørgsmål.".into();
    }
    g
}

/// An active incident affecting 0250 with version 1 of its guide published at `at`.
async fn live_with_guide(store: &Store, lead: &Actor, at: time::OffsetDateTime) -> domain::incident::Incident {
    let i = store.create_incident(&new_incident(&["0250"]), lead, at).await.unwrap();
    store.change_status(i.id, &Transition::new(Status::Active, "Skift"), lead, at).await.unwrap();
    store.save_guide_draft(i.id, &complete_guide(at), lead, at).await.unwrap();
    store.publish_guide(i.id, lead, at).await.unwrap();
    i
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

    g = complete_guide(now);
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
    let history = store.guide_history(i.id).await.unwrap();
    assert_eq!(history, [(1, v1.published_at), (2, v2.published_at)]);

    let log = store.log(i.id).await.unwrap();
    assert_eq!(log.len(), before + 2, "each publish is logged");
    assert!(log.last().unwrap().text.contains("version 2"));
    let published = store.events_since(0, 1000).await.unwrap().into_iter().filter(|e| e.kind == EventKind::GuidePublished).count();
    assert_eq!(published, 2);
    assert!(store::raw_execute_for_tests(store, "UPDATE guide_versions SET content = '{}'").await.is_err(), "versions are immutable");
}

async fn overdue_guides_are_marked_once_and_rearmed_by_publishing(store: &Store) {
    let lead = user(store, "proces@demo.invalid", Role::ProcessLead, "DDH").await;
    let t0 = domain::time::now();
    let live = live_with_guide(store, &lead, t0).await;
    // A prepared incident's guide is not watched: nobody answers citizens from it yet.
    let prepared = store.create_incident(&new_incident(&["0250"]), &lead, t0).await.unwrap();
    store.save_guide_draft(prepared.id, &complete_guide(t0), &lead, t0).await.unwrap();
    store.publish_guide(prepared.id, &lead, t0).await.unwrap();

    assert!(store.mark_overdue(t0 + Duration::minutes(59)).await.unwrap().is_empty(), "not yet due");
    let late = t0 + Duration::minutes(61);
    assert_eq!(store.mark_overdue(late).await.unwrap(), vec![live.id]);
    assert!(store.mark_overdue(late + Duration::seconds(5)).await.unwrap().is_empty(), "marked once");
    let f = store.guide_freshness(live.id).await.unwrap().unwrap();
    assert_eq!((f.version, f.overdue_since), (1, Some(late)));
    assert!(store.guide_freshness(prepared.id).await.unwrap().unwrap().overdue_since.is_none());

    let log = store.log(live.id).await.unwrap();
    let last = log.last().unwrap();
    assert!(last.text.contains("forsinket") && last.text.contains("version 1"), "{}", last.text);
    assert_eq!(last.author.name, Actor::system().name);
    assert!(store.verify_log(live.id).await.unwrap().unwrap().valid);
    let overdue: Vec<_> = store.events_since(0, 1000).await.unwrap().into_iter().filter(|e| e.kind == EventKind::GuideOverdue).collect();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].incident_id, Some(live.id));

    // Publishing re-arms the alarm with the new time.
    let mut g = complete_guide(late);
    g.short_status = "Fejlen er fundet.".into();
    store.save_guide_draft(live.id, &g, &lead, late).await.unwrap();
    store.publish_guide(live.id, &lead, late).await.unwrap();
    let f = store.guide_freshness(live.id).await.unwrap().unwrap();
    assert_eq!((f.version, f.overdue_since, f.next_update_at), (2, None, late + Duration::hours(1)));
    assert!(store.mark_overdue(late + Duration::minutes(30)).await.unwrap().is_empty());
    assert_eq!(store.mark_overdue(late + Duration::minutes(61)).await.unwrap(), vec![live.id], "and it fires again when missed");
}

async fn feedback_is_routed_and_resolved_by_a_newer_version(store: &Store) {
    use domain::feedback::{FeedbackCategory, FeedbackState, GuideSection, NewFeedback};
    let lead = user(store, "proces@demo.invalid", Role::ProcessLead, "DDH").await;
    let agent = user(store, "agent@demo.invalid", Role::Agent, "0253").await;
    let t0 = domain::time::now();
    let i = live_with_guide(store, &lead, t0).await;
    let new = |category, version| NewFeedback {
        version,
        section: GuideSection::Contacts,
        category,
        text: "Nummeret til vagten er forkert".into(),
    };
    let contact = store.create_feedback(i.id, new(FeedbackCategory::ContactDetails, 1), &agent, t0).await.unwrap();
    assert_eq!((contact.routed_to, contact.state), (Role::AuthorityEditor, FeedbackState::New));
    let other = store.create_feedback(i.id, new(FeedbackCategory::InformationMissing, 1), &agent, t0).await.unwrap();
    assert_eq!(other.routed_to, Role::ProcessLead);
    let refused = store.create_feedback(i.id, new(FeedbackCategory::Other, 2), &agent, t0).await.unwrap_err();
    assert!(matches!(refused, StoreError::Domain(DomainError::Invalid(_))), "no version 2 yet: {refused:?}");

    let acked = store.update_feedback(i.id, contact.id, FeedbackState::Acknowledged, None, &lead, t0).await.unwrap();
    assert_eq!((acked.state, acked.handled_by.as_deref()), (FeedbackState::Acknowledged, Some(lead.name.as_str())));
    let early = store.update_feedback(i.id, contact.id, FeedbackState::Resolved, Some(2), &lead, t0).await.unwrap_err();
    assert!(matches!(early, StoreError::Domain(DomainError::Invalid(_))), "version 2 is not published: {early:?}");

    let mut g = complete_guide(t0);
    g.contacts[0].note = "Rettet nummer".into();
    store.save_guide_draft(i.id, &g, &lead, t0).await.unwrap();
    store.publish_guide(i.id, &lead, t0).await.unwrap();
    let done = store.update_feedback(i.id, contact.id, FeedbackState::Resolved, Some(2), &lead, t0).await.unwrap();
    assert_eq!((done.state, done.resolved_by_version), (FeedbackState::Resolved, Some(2)));
    assert!(is_conflict(&store.update_feedback(i.id, contact.id, FeedbackState::Acknowledged, None, &lead, t0).await.unwrap_err()));

    let c = store.feedback_counts(i.id).await.unwrap();
    assert_eq!((c.new, c.acknowledged, c.resolved), (1, 0, 1));
    assert_eq!(store.feedback(i.id).await.unwrap().len(), 2);
    let kinds: Vec<_> = store.events_since(0, 1000).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == EventKind::FeedbackCreated).count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == EventKind::FeedbackUpdated).count(), 2);
}

async fn inquiries_need_a_live_incident_and_a_published_guide(store: &Store) {
    use domain::inquiry::NewInquiry;
    let lead = user(store, "proces@demo.invalid", Role::ProcessLead, "DDH").await;
    let t0 = domain::time::now();
    let ask = |situation, text: &str| NewInquiry { version: 1, situation, text: text.into(), municipality: "0250".into() };
    let prepared = store.create_incident(&new_incident(&["0250"]), &lead, t0).await.unwrap();
    assert!(is_conflict(&store.record_inquiry(Uuid::new_v4(), prepared.id, ask(Some(0), ""), t0).await.unwrap_err()), "not live");
    store.change_status(prepared.id, &Transition::new(Status::Active, "Skift"), &lead, t0).await.unwrap();
    assert!(is_conflict(&store.record_inquiry(Uuid::new_v4(), prepared.id, ask(Some(0), ""), t0).await.unwrap_err()), "no guide yet");

    let i = live_with_guide(store, &lead, t0).await;
    let row = store.record_inquiry(Uuid::new_v4(), i.id, ask(Some(1), ""), t0).await.unwrap();
    assert_eq!(row.situation.as_deref(), Some(complete_guide(t0).situations[1].situation.as_str()));
    // Stored once per id: a spool drained a second time (after a crash) adds nothing.
    let spooled = Uuid::new_v4();
    let first =
        store.record_inquiry(spooled, i.id, ask(None, "Kan jeg hente medicin på apoteket?"), t0 + Duration::hours(1)).await.unwrap();
    let again =
        store.record_inquiry(spooled, i.id, ask(None, "Kan jeg hente medicin på apoteket?"), t0 + Duration::hours(2)).await.unwrap();
    assert_eq!((first.id, again.at), (spooled, first.at), "the second is the first");
    let bad = store.record_inquiry(Uuid::new_v4(), i.id, ask(Some(42), ""), t0).await.unwrap_err();
    assert!(matches!(bad, StoreError::Domain(DomainError::Invalid(_))));
    let all = store.inquiries(i.id).await.unwrap();
    assert_eq!(all.len(), 2);
    let a = domain::inquiry::aggregate(&all, 10);
    assert_eq!(a.top_not_covered, vec![("Kan jeg hente medicin på apoteket?".to_string(), 1)]);
    let created = store.events_since(0, 1000).await.unwrap().into_iter().filter(|e| e.kind == EventKind::InquiryCreated).count();
    assert_eq!(created, 2);
}

async fn held_chatbot_questions_are_stored_in_one_go_and_once(store: &Store) {
    use domain::inquiry::NewInquiry;
    let lead = user(store, "proces@demo.invalid", Role::ProcessLead, "DDH").await;
    let t0 = domain::time::now();
    let ask = |situation, text: &str| NewInquiry { version: 1, situation, text: text.into(), municipality: "0250".into() };
    let i = live_with_guide(store, &lead, t0).await;
    let closed = store.create_incident(&new_incident(&["0250"]), &lead, t0).await.unwrap();
    assert!(store.record_inquiries(Vec::new()).await.unwrap().is_empty());
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let held = vec![
        (a, i.id, ask(Some(0), "Chatbot (usikkert svar): kan vi drikke vandet"), t0),
        (b, i.id, ask(None, "Chatbot (usikkert svar): hvornår er der nyt"), t0),
        (Uuid::new_v4(), i.id, ask(Some(42), "no such row: left out"), t0),
        (Uuid::new_v4(), closed.id, ask(None, "a crisis not live: left out"), t0),
    ];
    assert_eq!(store.record_inquiries(held.clone()).await.unwrap(), vec![a, b], "the valid ones, the rest left out");
    assert!(store.record_inquiries(held).await.unwrap().is_empty(), "written again (a retry): nothing new");
    let mut ids: Vec<Uuid> = store.inquiries(i.id).await.unwrap().iter().map(|x| x.id).collect();
    ids.sort();
    let mut want = vec![a, b];
    want.sort();
    assert_eq!(ids, want);
    assert!(store.inquiries(closed.id).await.unwrap().is_empty());
    let created = store.events_since(0, 1000).await.unwrap().into_iter().filter(|e| e.kind == EventKind::InquiryCreated).count();
    assert_eq!(created, 2, "one event per question stored");
}

async fn chat_answers_add_up_per_situation(store: &Store) {
    use domain::inquiry::{Answered, AnsweredSection::*};
    let lead = user(store, "proces@demo.invalid", Role::ProcessLead, "DDH").await;
    let i = live_with_guide(store, &lead, domain::time::now()).await;
    let row = "Borgeren spørger, hvad der sker".to_string();
    store.add_chat_answers(vec![(i.id, Situation, row.clone(), 2), (i.id, Contacts, String::new(), 1)]).await.unwrap();
    store.add_chat_answers(vec![(i.id, Situation, row.clone(), 3), (Uuid::new_v4(), Situation, row.clone(), 9)]).await.unwrap();
    store.add_chat_answers(Vec::new()).await.unwrap();
    assert_eq!(
        store.chat_answers(i.id).await.unwrap(),
        [Answered { section: Situation, situation: Some(row), count: 5 }, Answered { section: Contacts, situation: None, count: 1 }],
        "added up, most first; an incident that is not there is skipped"
    );
}

async fn callbacks_are_mailed_access_logged_and_purged(store: &Store) {
    use domain::inquiry::NewCallback;
    let lead = user(store, "proces@demo.invalid", Role::ProcessLead, "DDH").await;
    let agent = user(store, "agent@demo.invalid", Role::Agent, "0253").await;
    let editor = user(store, "redaktoer@demo.invalid", Role::AuthorityEditor, "0250").await;
    let t0 = domain::time::now();
    let i = live_with_guide(store, &lead, t0).await;
    let new = NewCallback {
        name: "Birthe Borger".into(),
        phone: "20 30 40 50".into(),
        email: "".into(),
        reason: "Hjemmeplejen er ikke kommet".into(),
        municipality: "0250".into(),
    };
    let c = store.create_callback(Uuid::new_v4(), i.id, new.clone().validate().unwrap(), &agent, t0).await.unwrap();
    let twice = store.create_callback(c.id, i.id, new.validate().unwrap(), &agent, t0 + Duration::minutes(5)).await.unwrap();
    assert_eq!((twice.id, twice.created_at), (c.id, c.created_at), "stored once per id");
    let event = store.events_since(0, 1000).await.unwrap().into_iter().find(|e| e.kind == EventKind::CallbackCreated).unwrap();
    assert!(!event.payload.to_string().contains("Birthe"), "events carry no personal data");

    // The outbox: one mail to the guide's callback mailbox, leased to one sender at a time.
    let mail = [domain::callout::ContactChannel::Email];
    assert!(store.claim_message(&[domain::callout::ContactChannel::Sms], t0, t0).await.unwrap().is_none(), "only the channels asked for");
    let m = store.claim_message(&mail, t0, t0 + Duration::minutes(1)).await.unwrap().expect("a mail is queued");
    assert_eq!((m.channel, m.address.as_str()), (mail[0], "callback@frederikssund.invalid"));
    assert!(m.body.contains("Birthe Borger") && m.body.contains("20 30 40 50"));
    assert!(store.claim_message(&mail, t0, t0 + Duration::minutes(1)).await.unwrap().is_none(), "leased");
    store.message_failed(m.id, "connection refused", Some(t0 + Duration::seconds(30)), false).await.unwrap();
    let again = store.claim_message(&mail, t0 + Duration::seconds(31), t0 + Duration::minutes(2)).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (m.id, 2));
    store.message_sent(again.id, t0, None).await.unwrap();
    assert!(store.claim_message(&mail, t0 + Duration::hours(1), t0 + Duration::hours(2)).await.unwrap().is_none());

    let seen = store.callbacks(i.id, &editor, "view", t0).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].id, seen[0].mailed), (c.id, true));
    store.callbacks(i.id, &editor, "export", t0).await.unwrap();
    let access = store.personal_data_access(i.id).await.unwrap();
    let trail: Vec<_> = access.iter().map(|a| (a.user_name.as_str(), a.what.as_str(), a.records)).collect();
    let e = editor.name.as_str();
    assert_eq!(trail, [(e, "export", 1), (e, "view", 1), (agent.name.as_str(), "create", 1)]);

    // Purged 30 days after close, not before; logged by the service itself.
    store.change_status(i.id, &Transition::new(Status::StandingDown, "Skift"), &lead, t0).await.unwrap();
    let closed = t0 + Duration::hours(1);
    store.change_status(i.id, &closing("Afsluttet", "Krisen er ovre."), &lead, closed).await.unwrap();
    assert!(store.purge_callbacks(closed + Duration::days(29), 30).await.unwrap().is_empty());
    assert_eq!(store.purge_callbacks(closed + Duration::days(30), 30).await.unwrap(), vec![(i.id, 1)]);
    assert!(store.callbacks(i.id, &editor, "view", closed + Duration::days(30)).await.unwrap().is_empty());
    let last = store.log(i.id).await.unwrap().pop().unwrap();
    assert!(last.text.contains("1 anmodninger om opkald slettet"), "{}", last.text);
    assert!(store.verify_log(i.id).await.unwrap().unwrap().valid);
    assert!(store.purge_callbacks(closed + Duration::days(31), 30).await.unwrap().is_empty(), "nothing left to purge");
}

fn everyday(code: &str, file: &str, text: &str) -> domain::everyday::EverydayGuide {
    domain::everyday::EverydayGuide::from_file(code, file, text).unwrap()
}

async fn everyday_import_is_idempotent_and_follows_the_folder(store: &Store) {
    let now = domain::time::now();
    let first = vec![everyday("0250", "pas.md", "# Pas\nBestil tid."), everyday("0250", "affald.md", "# Affald\nTømning mandag.")];
    let r = store.import_everyday("0250", first.clone(), now).await.unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.removed), (2, 0, 0, 0));
    let last = store.last_event_seq().await.unwrap();
    // The same folder again writes nothing and tells nobody.
    let r = store.import_everyday("0250", first, now).await.unwrap();
    assert_eq!((r.added, r.unchanged, r.changed()), (0, 2, false));
    assert_eq!(store.last_event_seq().await.unwrap(), last);
    // A changed file is updated, a removed file disappears, another municipality is untouched.
    store.import_everyday("0101", vec![everyday("0101", "pas.md", "# Pas i København\nRing.")], now).await.unwrap();
    let r = store.import_everyday("0250", vec![everyday("0250", "pas.md", "# Pas\nBestil tid på borger.dk.")], now).await.unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.removed), (0, 1, 0, 1));
    let all = store.everyday_guides().await.unwrap();
    let keys: Vec<(&str, &str)> = all.iter().map(|g| (g.municipality.as_str(), g.slug.as_str())).collect();
    assert_eq!(keys, [("0101", "pas"), ("0250", "pas")]);
    assert_eq!(store.everyday_guide("0250", "pas").await.unwrap().unwrap().body, "Bestil tid på borger.dk.");
    let events = store.events_since(last, 10).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == EventKind::EverydayImported).count(), 2);
}

async fn integration_tokens_name_their_integration(store: &Store) {
    let now = domain::time::now();
    let year = now + Duration::days(365);
    store.create_integration_token("Telefoniplatform", "hash-1", now, year).await.unwrap();
    assert_eq!(store.integration_by_token("hash-1", now).await.unwrap().as_deref(), Some("Telefoniplatform"));
    assert_eq!(store.integration_by_token("hash-1", year).await.unwrap(), None, "expired");
    assert_eq!(store.integration_by_token("hash-2", now).await.unwrap(), None);
    // A person's token is not an integration's and the other way round.
    assert!(store.user_by_token("hash-1", now).await.unwrap().is_none());
    assert_eq!(store.revoke_integration_tokens("Telefoniplatform", "test", now).await.unwrap(), 1);
    assert_eq!(store.integration_by_token("hash-1", now).await.unwrap(), None, "revoked");
    assert_eq!(store.revoke_integration_tokens("Telefoniplatform", "test", now).await.unwrap(), 0);

    // One token at a time, by its public id, with an event every node acts on.
    let person = user(store, "it@demo.invalid", Role::Secretariat, "DDH").await;
    let (a, b) = ("a1b2c3d4e5f6".to_string() + &"0".repeat(52), "0f1e2d3c4b5a".to_string() + &"1".repeat(52));
    store.create_token(person.user_id, &a, now, year).await.unwrap();
    store.create_integration_token("Telefoniplatform", &b, now, year).await.unwrap();
    let listed: Vec<(String, bool)> = store.tokens().await.unwrap().into_iter().map(|t| (t.id, t.integration)).collect();
    assert!(listed.contains(&("a1b2c3d4e5f6".into(), false)) && listed.contains(&("0f1e2d3c4b5a".into(), true)), "{listed:?}");
    let before = store.last_event_seq().await.unwrap();
    assert!(store.revoke_token("a1b2c3d4e5f6", "test", now).await.unwrap());
    assert!(store.user_by_token(&a, now).await.unwrap().is_none(), "revoked");
    assert!(store.integration_by_token(&b, now).await.unwrap().is_some(), "only that one");
    assert!(store.revoke_token("0f1e2d3c4b5a", "test", now).await.unwrap());
    assert!(!store.revoke_token("0f1e2d3c4b5a", "test", now).await.unwrap(), "already gone");
    let revoked = store.events_since(before, 10).await.unwrap();
    assert_eq!(revoked.iter().filter(|e| e.kind == EventKind::AdminChanged).count(), 2);
}

fn call(start: time::OffsetDateTime, offered: i64) -> domain::calls::CallInterval {
    domain::calls::CallInterval {
        start,
        length_s: 1800,
        offered,
        answered: offered - 5,
        abandoned: 5,
        answered_within_target: offered / 2,
        avg_handle_s: 187.25,
        avg_wait_s: 21.5,
    }
}

async fn call_statistics_replace_by_interval_and_import_row_by_row(store: &Store) {
    let lead = user(store, "bemanding@demo.invalid", Role::StaffingLead, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &lead, domain::time::now()).await.unwrap();
    let t = time::macros::datetime!(2026-11-23 13:00 UTC);
    let half = Duration::minutes(30);
    let r = store.record_calls(i.id, vec![call(t, 100), call(t + half, 140)], domain::time::now()).await.unwrap();
    assert_eq!((r.recorded, r.replaced), (2, 0));
    // Re-sending an interval replaces it.
    let r = store.record_calls(i.id, vec![call(t + half, 150)], domain::time::now()).await.unwrap();
    assert_eq!((r.recorded, r.replaced), (0, 1));
    let got = store.call_intervals(i.id).await.unwrap();
    assert_eq!(got, vec![call(t, 100), call(t + half, 150)], "read back exactly, oldest first");
    // A request with one bad interval writes nothing.
    let e = store.record_calls(i.id, vec![call(t + 2 * half, 90), call(t + half + Duration::minutes(10), 90)], domain::time::now()).await;
    assert!(matches!(e, Err(StoreError::Domain(DomainError::Invalid(_)))), "{e:?}");
    assert_eq!(store.call_intervals(i.id).await.unwrap().len(), 2);
    // A file keeps its good rows and reports the others.
    let rows = vec![(2, call(t + 2 * half, 80)), (3, call(t + Duration::minutes(15), 80)), (4, call(t, 120))];
    let parse = vec![domain::calls::Rejected { line: 5, reason: "offered: 'x' is not a whole number".into() }];
    let r = store.import_calls(i.id, rows, parse, domain::time::now()).await.unwrap();
    assert_eq!((r.recorded, r.replaced), (1, 1), "{r:?}");
    assert_eq!(r.rejected.iter().map(|x| x.line).collect::<Vec<_>>(), [3, 5]);
    assert_eq!(store.call_intervals(i.id).await.unwrap().iter().map(|c| c.offered).collect::<Vec<_>>(), [120, 150, 80]);
    let events = store.events_since(0, 1000).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == EventKind::CallsRecorded && e.incident_id == Some(i.id)).count(), 3);
}

async fn staffing_settings_and_overrides_are_logged_decisions(store: &Store) {
    let lead = user(store, "bemanding2@demo.invalid", Role::StaffingLead, "DDH").await;
    let i = store.create_incident(&new_incident(&["0250"]), &lead, domain::time::now()).await.unwrap();
    assert_eq!(store.staffing_settings(i.id).await.unwrap(), domain::calls::StaffingSettings::default());
    let s = domain::calls::StaffingSettings {
        target_service_level: 0.9,
        patience_s: Some(90.0),
        max_abandon: Some(0.05),
        ..Default::default()
    };
    store.set_staffing_settings(i.id, &s, &lead, domain::time::now()).await.unwrap();
    assert_eq!(store.staffing_settings(i.id).await.unwrap(), s);
    let t = time::macros::datetime!(2026-11-23 15:00 UTC);
    store.set_forecast_override(i.id, t, Some(320.0), &lead, domain::time::now()).await.unwrap();
    store.set_forecast_override(i.id, t, Some(300.0), &lead, domain::time::now()).await.unwrap();
    assert_eq!(store.forecast_overrides(i.id).await.unwrap(), vec![domain::calls::ForecastOverride { start: t, calls: 300.0 }]);
    store.set_forecast_override(i.id, t, None, &lead, domain::time::now()).await.unwrap();
    assert!(store.forecast_overrides(i.id).await.unwrap().is_empty());
    assert!(store.set_forecast_override(i.id, t, Some(-1.0), &lead, domain::time::now()).await.is_err());
    let log = store.log(i.id).await.unwrap();
    let staffing: Vec<&str> = log.iter().filter(|e| e.category == LogCategory::Staffing).map(|e| e.text.as_str()).collect();
    assert_eq!(staffing.len(), 4, "{staffing:?}");
    assert!(staffing[0].contains("90 % besvaret inden for 20 s") && staffing[0].contains("højst 5 % opgivne"), "{staffing:?}");
    assert!(staffing[1].contains("23.11.2026 kl. 16.00") && staffing[1].contains("320 opkald"), "{staffing:?}");
    assert!(verify(&log).valid, "the chain holds");
}

async fn shift_plans_keep_bids_and_awards(store: &Store) {
    use domain::shifts::{Bid, Commitment, Shift};
    let lead = user(store, "bemanding3@demo.invalid", Role::StaffingLead, "DDH").await;
    let contact = user(store, "vagter@demo.invalid", Role::ShiftContact, "0253").await;
    let i = store.create_incident(&new_incident(&["0250"]), &lead, domain::time::now()).await.unwrap();
    let t = time::macros::datetime!(2026-11-23 06:00 UTC);
    let commit = |org: &str, base| Commitment { org: org.into(), base, bid: 0, awarded: 0 };
    let shift = Shift {
        id: uuid::Uuid::new_v4(),
        start: t,
        end: t + Duration::hours(8),
        agents: 10,
        base: 7,
        open: 3,
        members: vec![commit("0250", 3), commit("0253", 4)],
    };
    store.set_shift_plan(i.id, std::slice::from_ref(&shift), 0.65, &lead, domain::time::now()).await.unwrap();
    assert_eq!(store.shifts(i.id).await.unwrap(), vec![shift.clone()], "read back exactly");
    let too_many = store.bid(i.id, &Bid { shift: shift.id, agents: 4 }, "0253", &contact, domain::time::now()).await;
    assert!(matches!(too_many, Err(StoreError::Domain(DomainError::Invalid(_)))), "{too_many:?}");
    let after = store.bid(i.id, &Bid { shift: shift.id, agents: 2 }, "0253", &contact, domain::time::now()).await.unwrap();
    assert_eq!(after.members.iter().find(|m| m.org == "0253").unwrap().bid, 2);
    let unknown = store.bid(i.id, &Bid { shift: uuid::Uuid::new_v4(), agents: 1 }, "0253", &contact, domain::time::now()).await;
    assert!(matches!(unknown, Err(StoreError::Domain(DomainError::NotFound(_)))), "{unknown:?}");
    // The awards are computed from what was read; a stale read is refused.
    let read = store.shifts(i.id).await.unwrap();
    let stale = store.award_shifts(i.id, std::slice::from_ref(&shift), &[(shift.id, "0253".into(), 2)], &lead, domain::time::now()).await;
    assert!(stale.as_ref().is_err_and(is_conflict), "{stale:?}");
    let awarded = store.award_shifts(i.id, &read, &[(shift.id, "0253".into(), 2)], &lead, domain::time::now()).await.unwrap();
    assert_eq!((awarded[0].awarded(), awarded[0].rostered()), (2, 9));
    let replace = store.set_shift_plan(i.id, std::slice::from_ref(&shift), 0.65, &lead, domain::time::now()).await;
    assert!(replace.as_ref().is_err_and(is_conflict), "bids are never dropped: {replace:?}");
    let log = store.log(i.id).await.unwrap();
    assert!(log.iter().any(|e| e.text.starts_with("Vagtplan lagt")) && log.iter().any(|e| e.text.starts_with("Udbudte vagter tildelt: 2")));
}

async fn second_factor_enrolment_steps_and_requirement(store: &Store) {
    let lead = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let now = domain::time::now();
    store.create_session("s1", lead.user_id, "csrf1", now + Duration::hours(8), now + Duration::hours(1)).await.unwrap();
    assert_eq!(store.totp(lead.user_id).await.unwrap(), None);
    assert!(!store.use_totp_step(lead.user_id, 5).await.unwrap(), "no secret, no step");

    // Required of crisis leaders: the session may only enrol until a secret is confirmed.
    let before = store.last_event_seq().await.unwrap();
    store.set_totp_required(&[Role::CrisisLeader, Role::Secretariat], "Sanne", now).await.unwrap();
    store.set_totp_required(&[Role::CrisisLeader], "Sanne", now).await.unwrap();
    assert_eq!(store.totp_required().await.unwrap(), [Role::CrisisLeader]);
    assert!(store.session("s1", now).await.unwrap().unwrap().2, "must enrol");

    store.set_totp_pending(lead.user_id, "FIRSTSECRET").await.unwrap();
    store.set_totp_pending(lead.user_id, "NEWSECRET").await.unwrap();
    let e = store.totp(lead.user_id).await.unwrap().unwrap();
    assert_eq!((e.secret, e.pending.as_deref()), (None, Some("NEWSECRET")));
    assert!(store.session("s1", now).await.unwrap().unwrap().2, "a pending secret is not enough");
    let stale = store.confirm_totp(lead.user_id, "FIRSTSECRET", 100, "Lone", now).await.unwrap_err();
    assert!(is_conflict(&stale), "{stale:?}");
    store.confirm_totp(lead.user_id, "NEWSECRET", 100, "Lone", now).await.unwrap();
    let e = store.totp(lead.user_id).await.unwrap().unwrap();
    assert_eq!((e.secret.as_deref(), e.pending, e.last_step), (Some("NEWSECRET"), None, Some(100)));
    assert!(!store.session("s1", now).await.unwrap().unwrap().2);
    assert_eq!(store.totp_enrolled().await.unwrap(), [lead.user_id]);

    // Each step is taken once, also by two logins at once.
    assert!(!store.use_totp_step(lead.user_id, 100).await.unwrap(), "the enrolment's own code");
    let (a, b) = tokio::join!(store.use_totp_step(lead.user_id, 101), store.use_totp_step(lead.user_id, 101));
    assert!(a.unwrap() ^ b.unwrap(), "exactly one of two logins with the same code");
    assert!(!store.use_totp_step(lead.user_id, 99).await.unwrap(), "an older code");

    // Starting again keeps the confirmed secret until the new one is confirmed.
    store.set_totp_pending(lead.user_id, "THIRD").await.unwrap();
    assert_eq!(store.totp(lead.user_id).await.unwrap().unwrap().secret.as_deref(), Some("NEWSECRET"));

    store.remove_totp(lead.user_id, "Sanne", now).await.unwrap();
    assert_eq!(store.totp(lead.user_id).await.unwrap(), None);
    assert!(matches!(
        store.remove_totp(lead.user_id, "Sanne", now).await.unwrap_err(),
        StoreError::Domain(domain::DomainError::NotFound(_))
    ));
    assert!(store.session("s1", now).await.unwrap().unwrap().2, "must enrol again");

    let events = store.events_since(before, 100).await.unwrap();
    let what: Vec<String> = events.iter().map(|e| format!("{} {}", e.payload["what"].as_str().unwrap(), e.payload["detail"])).collect();
    let id = lead.user_id;
    assert_eq!(
        what,
        [
            r#"security.totp_required {"required":true,"role":"crisis_leader"}"#.to_string(),
            r#"security.totp_required {"required":true,"role":"secretariat"}"#.to_string(),
            r#"security.totp_required {"required":false,"role":"secretariat"}"#.to_string(),
            format!(r#"user.totp_enrolled {{"id":"{id}"}}"#),
            format!(r#"user.totp_removed {{"id":"{id}"}}"#),
        ]
    );
}

fn email_method(address: &str, verified_at: Option<time::OffsetDateTime>) -> domain::callout::ContactMethod {
    domain::callout::ContactMethod { channel: domain::callout::ContactChannel::Email, address: address.into(), verified_at }
}

async fn contact_methods_are_verified_by_code_or_link_once(store: &Store) {
    use domain::callout::{CODE_TRIES, ContactChannel, verification_message};
    use store::CodeCheck;
    let person = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let t0 = domain::time::now();
    let m = store.add_contact_method(person.user_id, &email_method("leder@demo.invalid", None), t0).await.unwrap();
    let err = store.add_contact_method(person.user_id, &email_method("leder@demo.invalid", None), t0).await.unwrap_err();
    assert!(is_conflict(&err), "the same method twice: {err:?}");
    assert_eq!(store.verify_by_code(m.id, "123456", t0).await.unwrap(), CodeCheck::NotAsked);

    // The code: queued with the message in one transaction; wrong tries are counted.
    let message = verification_message(&m.method, "123456", "a".repeat(32).as_str(), None);
    store.request_verification(m.id, "123456", &"a".repeat(32), &message, false, t0).await.unwrap();
    let queued = store.claim_message(&[ContactChannel::Email], t0, t0 + Duration::minutes(1)).await.unwrap().expect("the code is queued");
    assert!(queued.body.contains("123456") && queued.address == "leder@demo.invalid");
    assert_eq!(store.verify_by_code(m.id, "000000", t0).await.unwrap(), CodeCheck::Wrong { tries_left: CODE_TRIES - 1 });
    assert_eq!(store.verify_by_code(m.id, "123456", t0 + Duration::minutes(31)).await.unwrap(), CodeCheck::Expired, "30 minutes");
    assert_eq!(store.verify_by_code(m.id, "123456", t0 + Duration::minutes(1)).await.unwrap(), CodeCheck::Verified);
    assert_eq!(store.contact_method(m.id).await.unwrap().method.verified_at, Some(t0 + Duration::minutes(1)));
    assert_eq!(store.verify_by_code(m.id, "123456", t0 + Duration::minutes(2)).await.unwrap(), CodeCheck::NotAsked, "a code is spent");

    // Too many wrong tries spend the code even if the right one comes after.
    store.request_verification(m.id, "654321", &"b".repeat(32), &message, false, t0).await.unwrap();
    for _ in 0..CODE_TRIES {
        store.verify_by_code(m.id, "000000", t0).await.unwrap();
    }
    assert_eq!(store.verify_by_code(m.id, "654321", t0).await.unwrap(), CodeCheck::Expired);

    // The link: works once, within its 7 days, and a new request replaces the old link.
    let (old, link) = ("c".repeat(32), "d".repeat(32));
    store.request_verification(m.id, "111111", &old, &message, true, t0).await.unwrap();
    store.request_verification(m.id, "222222", &link, &message, false, t0).await.unwrap();
    assert!(matches!(store.verify_by_link(&old, t0).await, Err(StoreError::Domain(DomainError::NotFound(_)))), "replaced");
    assert!(
        matches!(store.verification_link(&link, t0 + Duration::days(8)).await, Err(StoreError::Domain(DomainError::NotFound(_)))),
        "expired"
    );
    assert_eq!(store.verification_link(&link, t0).await.unwrap().id, m.id);
    let later = t0 + Duration::days(2);
    assert_eq!(store.verify_by_link(&link, later).await.unwrap().method.verified_at, Some(later));
    assert!(store.verify_by_link(&link, later).await.is_err(), "a link works once");

    // The reminder job's list: verified methods with when each was last reminded.
    let listed = store.verified_methods().await.unwrap();
    let (mine, reminded) = listed.iter().find(|(x, _)| x.id == m.id).unwrap();
    assert_eq!((mine.method.verified_at, *reminded), (Some(later), Some(t0)), "the reminder request was recorded");
    assert!(store.request_verification(Uuid::new_v4(), "1", &"e".repeat(32), &message, false, t0).await.is_err(), "no such method");
    store.remove_contact_method(m.id).await.unwrap();
    assert!(store.contact_methods(person.user_id).await.unwrap().is_empty());
}

async fn a_callout_follows_its_frozen_chain_until_acknowledged(store: &Store) {
    use domain::callout::{ContactChannel, DeliveryState, Policy};
    let t0 = domain::time::now();
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let deputy = user(store, "leder2@demo.invalid", Role::CrisisLeader, "DDH").await;
    let keeper = user(store, "log@demo.invalid", Role::LogKeeper, "DDH").await;
    let other = user(store, "log2@demo.invalid", Role::LogKeeper, "DDH").await;
    for (a, email) in
        [(&leader, "leder@demo.invalid"), (&deputy, "leder2@demo.invalid"), (&keeper, "log@demo.invalid"), (&other, "log2@demo.invalid")]
    {
        store.add_contact_method(a.user_id, &email_method(email, Some(t0 - Duration::days(1))), t0).await.unwrap();
    }
    store.set_roster(StaffRole::CrisisLeader, Some(leader.user_id), Some(deputy.user_id), "test", t0).await.unwrap();
    store.set_roster(StaffRole::LogKeeper, Some(keeper.user_id), None, "test", t0).await.unwrap();
    store.set_callout_policy(StaffRole::LogKeeper, Policy { wait: Duration::seconds(60), rounds: 1 }).await.unwrap();
    // A primary with no verified method: the chain does not wait for them.
    let unreachable = user(store, "proces@demo.invalid", Role::ProcessLead, "DDH").await;
    store.set_roster(StaffRole::ProcessLead, Some(unreachable.user_id), None, "test", t0).await.unwrap();
    let i = store.create_incident(&new_incident(&["0250"]), &leader, t0).await.unwrap();
    store.change_status(i.id, &Transition::new(Status::Active, "Aktiveret"), &leader, t0).await.unwrap();

    // Activation calls the primaries out in the same transaction.
    let status = store.callouts(i.id).await.unwrap();
    assert_eq!(status.len(), 1);
    let c = &status[0];
    let keeper_chain = c.roles.iter().find(|r| r.role == Some(StaffRole::LogKeeper)).unwrap();
    let notified: Vec<Uuid> = keeper_chain.steps.iter().filter(|s| s.notified_at.is_some()).map(|s| s.user_id).collect();
    assert_eq!(notified, [keeper.user_id]);
    assert_eq!(keeper_chain.steps[0].messages[0].state, DeliveryState::Queued);
    let mut mails = Vec::new();
    while let Some(m) = store.claim_message(&[ContactChannel::Email], t0, t0 + Duration::minutes(2)).await.unwrap() {
        mails.push(m);
    }
    let to: Vec<&str> = mails.iter().map(|m| m.address.as_str()).collect();
    assert!(to.contains(&"leder@demo.invalid") && to.contains(&"log@demo.invalid") && !to.contains(&"leder2@demo.invalid"), "{to:?}");

    store.notify_due_steps(t0 + Duration::seconds(1)).await.unwrap();
    let process = store.callouts(i.id).await.unwrap().remove(0).roles.into_iter().find(|r| r.role == Some(StaffRole::ProcessLead)).unwrap();
    let notified: Vec<(Uuid, usize)> =
        process.steps.iter().filter(|s| s.notified_at.is_some()).map(|s| (s.user_id, s.messages.len())).collect();
    assert_eq!(notified, [(unreachable.user_id, 0), (leader.user_id, 1)], "the next step is due at once when nobody could be told");

    // A roster change mid-way does not reroute the frozen chain.
    store.set_roster(StaffRole::LogKeeper, Some(other.user_id), None, "test", t0).await.unwrap();
    assert_eq!(store.notify_due_steps(t0 + Duration::seconds(30)).await.unwrap(), 0, "nobody is due before the wait");
    assert!(store.notify_due_steps(t0 + Duration::seconds(61)).await.unwrap() >= 1);
    let keeper_chain =
        store.callouts(i.id).await.unwrap().remove(0).roles.into_iter().find(|r| r.role == Some(StaffRole::LogKeeper)).unwrap();
    let notified: Vec<Uuid> = keeper_chain.steps.iter().filter(|s| s.notified_at.is_some()).map(|s| s.user_id).collect();
    assert_eq!(notified, [keeper.user_id, leader.user_id], "no deputy: the crisis leader is next, as frozen");

    // The link acknowledges its own role, once; the chain stops.
    let mail = mails.iter().find(|m| m.address == "log@demo.invalid").unwrap();
    let token = mail.link.as_ref().unwrap().1.rsplit('/').next().unwrap().to_string();
    let done = store.acknowledge_by_token(&token, t0 + Duration::seconds(70)).await.unwrap();
    assert_eq!((done.role, done.before), (StaffRole::LogKeeper, false));
    assert!(store.acknowledge_by_token(&token, t0 + Duration::seconds(71)).await.unwrap().before, "the second click changes nothing");
    assert!(store.acknowledge_by_token(&"0".repeat(32), t0).await.is_err());
    let before = store.callouts(i.id).await.unwrap();
    store.notify_due_steps(t0 + Duration::hours(1)).await.unwrap();
    let after = store.callouts(i.id).await.unwrap();
    let steps = |s: &[domain::callout::CalloutStatus]| {
        s[0].roles.iter().find(|r| r.role == Some(StaffRole::LogKeeper)).unwrap().steps.iter().filter(|x| x.notified_at.is_some()).count()
    };
    assert_eq!(steps(&before), steps(&after), "an acknowledged role is not notified again");
    let ack = after[0].roles.iter().find(|r| r.role == Some(StaffRole::LogKeeper)).unwrap().acknowledged.clone().unwrap();
    assert_eq!((ack.user_id, ack.via), (keeper.user_id, domain::callout::AckVia::Link));

    // The log says who was called and who acknowledged, in order.
    let log: Vec<String> = store.log(i.id).await.unwrap().into_iter().map(|e| e.text).collect();
    let started = log.iter().position(|t| t.starts_with("Krisestaben kaldes ud")).expect("logged");
    let acked = log.iter().position(|t| t.contains("kvitterede for udkaldet med linket")).unwrap_or_else(|| panic!("{log:?}"));
    assert!(started < acked, "{log:?}");
    assert!(store.verify_log(i.id).await.unwrap().unwrap().valid);
}

fn contact(name: &str, phone: &str) -> domain::contact_list::NewEntry {
    domain::contact_list::NewEntry {
        kind: domain::contact_list::EntryKind::AuthorityCrisis,
        name: name.into(),
        function: "Beredskabschef".into(),
        phone: phone.into(),
        email: String::new(),
        note: String::new(),
    }
    .validate()
    .unwrap()
}

async fn contact_lists_keep_entries_and_a_trail_of_checks(store: &Store) {
    let t = time::macros::datetime!(2026-12-03 09:00 UTC);
    let before = store.last_event_seq().await.unwrap();
    let a = store.add_contact_entry("0250", &contact("Mette Holm", "12345678"), "Sanne", t).await.unwrap();
    assert_eq!((a.org.as_str(), a.phone.as_str(), a.last_verified_at, a.created_at), ("0250", "12 34 56 78", None, t));
    let b = store.add_contact_entry("0250", &contact("Jens Vagt", "1813"), "Sanne", t + Duration::minutes(1)).await.unwrap();
    store.add_contact_entry("0101", &contact("Anne Aarhus", "87654321"), "Sanne", t).await.unwrap();
    let refused = store.add_contact_entry("9999", &contact("Ingen", "12345678"), "Sanne", t).await.unwrap_err();
    assert!(matches!(refused, StoreError::Domain(DomainError::NotFound(_))), "{refused:?}");

    let list = store.contact_list("0250").await.unwrap();
    assert_eq!(list.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["Mette Holm", "Jens Vagt"]);
    assert_eq!(store.contact_lists().await.unwrap().len(), 3);

    let mut changed = contact("Mette Holm Sørensen", "+45 2222 3333");
    changed.email = "mette@frederiksberg.invalid".into();
    let later = t + Duration::hours(1);
    let u = store.update_contact_entry("0250", a.id, &changed, "Sanne", later).await.unwrap();
    assert_eq!(
        (u.name.as_str(), u.phone.as_str(), u.email.as_str(), u.updated_at, u.created_at),
        ("Mette Holm Sørensen", "22 22 33 33", "mette@frederiksberg.invalid", later, t)
    );

    let checked = t + Duration::hours(2);
    let v = store.mark_contact_verified("0250", a.id, "Sanne Sekretær", checked).await.unwrap();
    assert_eq!((v.last_verified_at, v.last_verified_by.as_deref(), v.updated_at), (Some(checked), Some("Sanne Sekretær"), later));

    // Another organisation's entry is not on this list.
    for e in [
        store.mark_contact_verified("0101", a.id, "Sanne", checked).await.unwrap_err(),
        store.update_contact_entry("0101", a.id, &changed, "Sanne", checked).await.unwrap_err(),
        store.remove_contact_entry("0101", a.id, "Sanne", checked).await.unwrap_err(),
        store.mark_contact_verified("0250", Uuid::new_v4(), "Sanne", checked).await.unwrap_err(),
    ] {
        assert!(matches!(e, StoreError::Domain(DomainError::NotFound(_))), "{e:?}");
    }
    store.remove_contact_entry("0250", b.id, "Sanne", checked).await.unwrap();
    assert_eq!(store.contact_list("0250").await.unwrap().len(), 1);

    // Each change and each check left its trail, naming who, and nothing more.
    let events = store.events_since(before, 100).await.unwrap();
    let what: Vec<&str> = events.iter().map(|e| e.payload["what"].as_str().unwrap()).collect();
    assert_eq!(
        what,
        [
            "contact_list.added",
            "contact_list.added",
            "contact_list.added",
            "contact_list.updated",
            "contact_list.verified",
            "contact_list.removed"
        ]
    );
    assert!(events.iter().all(|e| e.kind == EventKind::AdminChanged && e.incident_id.is_none()));
    assert_eq!(events[4].payload["by"], "Sanne Sekretær");
    assert_eq!(events[4].payload["detail"]["id"], a.id.to_string());
    assert!(!events.iter().any(|e| e.payload.to_string().contains("12 34")), "no contact details in the trail");
}

fn drill(id: &str) -> domain::exercise::Scenario {
    let json = serde_json::json!({
        "id": id, "title": "Strømsvigt i Nordjylland", "kind": "power_cut", "summary": "Øvelse.",
        "affected": ["0851"], "duration": "T+03:00",
        "objectives": [{"id": "M1", "text": "Krisestaben aktiveres."}],
        "guide": {"banner": "Strømsvigt i Nordjylland"},
        "injects": [
            {"number": 1, "at": "T+00:00", "from": "Energinet", "to": "crisis_leader", "channel": "mail", "message": "Strømmen er væk.", "objective": "M1"},
            {"number": 2, "at": "T+02:00", "from": "TDC", "to": "authority:0851", "channel": "sms", "message": "Masterne er nede.", "objective": "M1"},
            {"number": 3, "at": "T+02:30", "from": "Politiet", "to": "log_keeper", "channel": "log", "message": "Politiet melder ro.", "objective": "M1"},
            {"number": 4, "at": "manual", "from": "Journalist", "to": "agents", "channel": "app", "message": "En journalist ringer.", "objective": "M1"}
        ],
        "load": {"interval_min": 15, "calls": [10, 20], "avg_handle_s": 240}
    });
    let n: domain::exercise::NewScenario = serde_json::from_value(json).unwrap();
    n.validate(&domain::org::reference()).unwrap()
}

async fn scenarios_are_kept_whole_with_a_trail(store: &Store) {
    let t0 = domain::time::now();
    let admin_events =
        async || store.events_since(0, 1000).await.unwrap().into_iter().filter(|e| e.kind == EventKind::AdminChanged).count();
    let before = admin_events().await;
    let s = drill("nordjylland-test");
    store.keep_scenario(&s, "Sekretariatet", t0).await.unwrap();
    assert_eq!(store.kept_scenario("nordjylland-test").await.unwrap(), Some(s.clone()), "read back as written");
    let mut changed = s.clone();
    changed.title = "Strømsvigt, anden udgave".into();
    store.keep_scenario(&changed, "Sekretariatet", t0).await.unwrap();
    assert_eq!(store.kept_scenarios().await.unwrap(), vec![changed], "replaced, not added");
    store.remove_scenario("nordjylland-test", "Sekretariatet", t0).await.unwrap();
    assert!(store.kept_scenario("nordjylland-test").await.unwrap().is_none());
    assert!(matches!(store.remove_scenario("nordjylland-test", "S", t0).await, Err(StoreError::Domain(DomainError::NotFound(_)))));
    assert_eq!(admin_events().await - before, 3, "kept, replaced, removed");
}

async fn an_exercise_delivers_each_inject_once_to_its_players_marked_and_logged(store: &Store) {
    use domain::callout::ContactChannel;
    use domain::exercise::{ClockAction, NewObservation, Part, Rating};
    let t0 = domain::time::now();
    let secretariat = user(store, "sekr@demo.invalid", Role::Secretariat, "DDH").await;
    let leader = user(store, "leder@demo.invalid", Role::CrisisLeader, "DDH").await;
    let deputy = user(store, "leder2@demo.invalid", Role::CrisisLeader, "DDH").await;
    let editor = user(store, "redaktor@demo.invalid", Role::AuthorityEditor, "0851").await;
    let outsider = user(store, "anden@demo.invalid", Role::AuthorityEditor, "0851").await;
    for (a, email) in [(&leader, "leder@demo.invalid"), (&deputy, "leder2@demo.invalid"), (&outsider, "anden@demo.invalid")] {
        store.add_contact_method(a.user_id, &email_method(email, Some(t0 - Duration::days(1))), t0).await.unwrap();
    }
    let sms = domain::callout::ContactMethod { channel: ContactChannel::Sms, address: "+4520123456".into(), verified_at: Some(t0) };
    store.add_contact_method(editor.user_id, &sms, t0).await.unwrap();
    store.set_roster(StaffRole::CrisisLeader, Some(leader.user_id), Some(deputy.user_id), "test", t0).await.unwrap();

    let scenario = drill("nordjylland-test");
    let mut n = new_incident(&["0851"]);
    assert!(is_conflict(&store.start_exercise(&n, &scenario, 60, &secretariat, t0).await.unwrap_err()), "a real incident is no exercise");
    assert!(store.incidents(None).await.unwrap().is_empty(), "and nothing was written");
    n.exercise = true;
    let i = store.start_exercise(&n, &scenario, 60, &secretariat, t0).await.unwrap();
    assert!(i.exercise);
    let e = store.exercise(i.id).await.unwrap().unwrap();
    assert_eq!((e.clock.running, e.clock.speed, e.clock.scenario_ms), (false, 60, 0));
    assert_eq!(e.injects.len(), 4);
    assert_eq!(e.part_of(secretariat.user_id), Some(Part::Controller));
    assert_eq!(store.guide_draft(i.id).await.unwrap().unwrap().banner, "Strømsvigt i Nordjylland", "the template is the draft");
    assert!(store.running_exercises().await.unwrap().is_empty(), "paused at T+0");
    store.set_exercise_part(i.id, editor.user_id, "Redaktør", Some(Part::Player), &secretariat, t0).await.unwrap();

    // Played at 60×: two minutes later it is T+02:00.
    store.control_clock(i.id, ClockAction::Play, None, &secretariat, t0).await.unwrap();
    let at = |s: i64| t0 + Duration::milliseconds(s * 1000 / 60);
    let running = store.running_exercises().await.unwrap();
    assert_eq!((running.len(), running[0].next_at_s), (1, Some(0)));

    // Up to T+02:00: the first two, in order, each once.
    let system = Actor::system();
    assert_eq!(store.deliver_injects(i.id, None, &system, at(7200)).await.unwrap(), vec![1, 2]);
    assert!(store.deliver_injects(i.id, None, &system, at(7200)).await.unwrap().is_empty(), "never twice");
    let mut sent = Vec::new();
    while let Some(m) =
        store.claim_message(&[ContactChannel::Email, ContactChannel::Sms], at(7200), at(7200) + Duration::minutes(1)).await.unwrap()
    {
        sent.push(m);
    }
    let mut to: Vec<&str> = sent.iter().map(|m| m.address.as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        ["+4520123456", "leder2@demo.invalid", "leder@demo.invalid"],
        "the role's two people and the authority's player, nobody else"
    );
    assert!(sent.iter().all(|m| m.subject.starts_with("ØVELSE") && m.body.starts_with("ØVELSE")), "marked");
    let e = store.exercise(i.id).await.unwrap().unwrap();
    let delivered: Vec<(u32, Option<i64>)> =
        e.injects.iter().filter(|x| x.delivered_at.is_some()).map(|x| (x.inject.number, x.delivered_s)).collect();
    assert_eq!(delivered, [(1, Some(7200)), (2, Some(7200))]);

    // The manual one by its number; a delivered one is a conflict, an unknown one not found.
    assert_eq!(store.deliver_injects(i.id, Some(4), &secretariat, at(7300)).await.unwrap(), vec![4]);
    assert!(is_conflict(&store.deliver_injects(i.id, Some(4), &secretariat, at(7300)).await.unwrap_err()));
    assert!(matches!(
        store.deliver_injects(i.id, Some(9), &secretariat, at(7300)).await,
        Err(StoreError::Domain(DomainError::NotFound(_)))
    ));

    // Editing: only what has not gone.
    let mut third = e.injects.iter().find(|x| x.inject.number == 3).unwrap().inject.clone();
    third.at = domain::exercise::At::Offset(9000);
    store.edit_inject(i.id, &third, &secretariat, t0).await.unwrap();
    let first = e.injects.iter().find(|x| x.inject.number == 1).unwrap().inject.clone();
    assert!(is_conflict(&store.edit_inject(i.id, &first, &secretariat, t0).await.unwrap_err()));
    assert!(store.deliver_injects(i.id, None, &system, at(8998)).await.unwrap().is_empty(), "moved to T+02:30");
    assert_eq!(store.deliver_injects(i.id, None, &system, at(9000)).await.unwrap(), vec![3]);

    // Every delivery is in the log, marked, and the chain holds.
    let log: Vec<String> = store.log(i.id).await.unwrap().into_iter().map(|e| e.text).collect();
    let injects: Vec<&String> = log.iter().filter(|t| t.starts_with("ØVELSE: inject") && !t.contains("ændret")).collect();
    assert_eq!(injects.len(), 4, "{log:?}");
    assert!(injects[1].contains("Masterne er nede") && injects[1].contains("Test authority_editor"), "{}", injects[1]);
    assert!(store.verify_log(i.id).await.unwrap().unwrap().valid);

    // An observation, read back; a reset makes every inject due again.
    let o = NewObservation { inject: Some(2), objective: "M1".into(), rating: Rating::SomeChallenges, text: "Logføreren var sen.".into() };
    let kept = store.record_observation(i.id, &o, &leader, t0).await.unwrap();
    let e = store.exercise(i.id).await.unwrap().unwrap();
    assert_eq!(e.observations, vec![kept]);
    store.control_clock(i.id, ClockAction::Reset, None, &secretariat, at(9100)).await.unwrap();
    let e = store.exercise(i.id).await.unwrap().unwrap();
    assert!(e.injects.iter().all(|x| x.delivered_at.is_none()) && !e.clock.running);
    // The clock is read under the lock: a tick that saw T+02:30 before the reset delivers only
    // what is due at T+0 now.
    assert_eq!(store.deliver_injects(i.id, None, &system, at(9200)).await.unwrap(), vec![1]);
    // "next" jumps and delivers in one go.
    store.control_clock(i.id, ClockAction::Next, None, &secretariat, at(9300)).await.unwrap();
    let e = store.exercise(i.id).await.unwrap().unwrap();
    assert_eq!(e.clock.seconds(at(9300)), 7200);
    assert!(e.injects.iter().find(|x| x.inject.number == 2).unwrap().delivered_at.is_some());
    let kinds: Vec<EventKind> = store.events_since(0, 500).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert!(kinds.iter().filter(|k| **k == EventKind::ExerciseChanged).count() >= 8, "{kinds:?}");

    // Archived, it stops; what it holds about people goes on the personal-data schedule.
    store.archive_exercise(i.id, &secretariat, t0).await.unwrap();
    assert!(is_conflict(&store.archive_exercise(i.id, &secretariat, t0).await.unwrap_err()));
    assert!(store.deliver_injects(i.id, None, &system, at(20000)).await.unwrap().is_empty(), "an archived exercise sends nothing");
    assert!(is_conflict(&store.deliver_injects(i.id, Some(3), &secretariat, t0).await.unwrap_err()));
    assert!(is_conflict(&store.control_clock(i.id, ClockAction::Play, None, &secretariat, t0).await.unwrap_err()));
    assert_eq!(store.purge_exercises(t0 + Duration::days(29), 30).await.unwrap(), 0, "not yet");
    assert_eq!(store.purge_exercises(t0 + Duration::days(31), 30).await.unwrap(), 3, "the observation, the controller, the player");
    let e = store.exercise(i.id).await.unwrap().unwrap();
    assert!(e.archived_at.is_some() && e.observations.is_empty() && e.parts.is_empty() && !e.clock.running);
}

fn plan_shift(start: time::OffsetDateTime, hours: i64, agents: u32, members: Vec<(&str, u32)>) -> domain::shifts::Shift {
    let members: Vec<domain::shifts::Commitment> =
        members.into_iter().map(|(org, base)| domain::shifts::Commitment { org: org.into(), base, bid: 0, awarded: 0 }).collect();
    let base = members.iter().map(|m| m.base).sum();
    domain::shifts::Shift { id: Uuid::new_v4(), start, end: start + Duration::hours(hours), agents, base, open: agents - base, members }
}

async fn the_kpi_record_reads_the_incident_as_it_happened(store: &Store) {
    use domain::kpi::{KpiKey, Targets};
    let lead = user(store, "kpi@demo.invalid", Role::ProcessLead, "DDH").await;
    let staffing = user(store, "kpibemanding@demo.invalid", Role::StaffingLead, "DDH").await;
    let t0 = domain::time::now() - Duration::hours(3);
    let i = store.create_incident(&new_incident(&["0250"]), &lead, t0).await.unwrap();
    store.change_status(i.id, &Transition::new(Status::Active, "Skift"), &lead, t0 + Duration::minutes(7)).await.unwrap();
    store.save_guide_draft(i.id, &complete_guide(t0 + Duration::minutes(20)), &lead, t0 + Duration::minutes(20)).await.unwrap();
    store.publish_guide(i.id, &lead, t0 + Duration::minutes(20)).await.unwrap();
    store.set_shift_plan(i.id, &[plan_shift(t0, 2, 5, vec![("0250", 3)])], 0.6, &staffing, t0).await.unwrap();
    let r = store.kpi_record(i.id, t0 + Duration::hours(1)).await.unwrap();
    assert_eq!((r.created_at, r.activated_at, r.ended_at), (Some(t0), Some(t0 + Duration::minutes(7)), None));
    assert_eq!(r.guides.len(), 1);
    assert_eq!(r.guides[0].at, t0 + Duration::minutes(20));
    assert!(r.guides[0].next_update_at.is_some(), "the version's next update is read from its content");
    let mut hours = r.agent_seconds.clone();
    hours.sort();
    assert_eq!(hours, vec![("Frederikssund".to_string(), 3 * 7200), ("Kontaktcentret".to_string(), 2 * 7200)]);
    assert_eq!(r.ivr_routed_at, None, "the authority has not ticked its IVR item");
    let kpis = domain::kpi::kpis(&r, &store.kpi_targets().await.unwrap());
    assert_eq!(kpis.iter().find(|k| k.key == KpiKey::TimeToActive).unwrap().value, Some(420.0));
    let mut t = Targets::default();
    t.targets.insert(KpiKey::TimeToActive, 300.0);
    store.set_kpi_targets(&t, "test", domain::time::now()).await.unwrap();
    assert_eq!(store.kpi_targets().await.unwrap(), t);
    assert!(matches!(store.kpi_record(Uuid::new_v4(), t0).await, Err(StoreError::Domain(DomainError::NotFound(_)))));
}

async fn statements_are_issued_from_the_plan_once_and_corrected_by_a_new_one(store: &Store) {
    use domain::economy::{LineKind, OpeningHours, StatementKind, Tariff};
    let sec = user(store, "afregning@demo.invalid", Role::Secretariat, "DDH").await;
    let staffing = user(store, "afregningbemanding@demo.invalid", Role::StaffingLead, "DDH").await;
    let now = domain::time::now();
    let tariff = Tariff {
        valid_from: time::macros::date!(2026 - 01 - 01),
        activation_fee: 2_500_000,
        hour_rate: 45_000,
        outside_surcharge: 22_500,
        bid_compensation: 40_000,
        opening_hours: OpeningHours::default(),
    };
    store.add_tariff(&tariff, "test", now).await.unwrap();
    assert!(store.add_tariff(&tariff, "test", now).await.as_ref().is_err_and(is_conflict), "a valid-from date once");
    assert_eq!(store.tariffs().await.unwrap(), vec![tariff.clone()]);
    store.set_member("0253", true, "test", now).await.unwrap();
    let i = store.create_incident(&new_incident(&["0250", "0253"]), &sec, now).await.unwrap();
    assert!(store.issue_statements(i.id, &sec, now).await.as_ref().is_err_and(is_conflict), "nothing used before activation");
    store.change_status(i.id, &Transition::new(Status::Active, "Skift"), &sec, now).await.unwrap();
    // Saturday 10–14 (all outside the opening hours), 6 agents, 2 base seats for the member.
    let saturday = domain::time::from_local_input("2026-11-28T10:00").unwrap();
    store.set_shift_plan(i.id, &[plan_shift(saturday, 4, 6, vec![("0253", 2)])], 0.3, &staffing, now).await.unwrap();
    let issued = store.issue_statements(i.id, &sec, now).await.unwrap();
    assert_eq!(issued.len(), 2, "{issued:?}");
    // Each of the two authorities has half of 24 agent-hours, all outside at 675 DKK.
    let non_member = issued.iter().find(|s| s.org == "0250").unwrap();
    assert_eq!(
        non_member.lines.iter().map(|l| (l.kind, l.amount_ore)).collect::<Vec<_>>(),
        vec![(LineKind::Activation, 2_500_000), (LineKind::HoursOutside, 810_000)]
    );
    assert_eq!((non_member.total_dkk, non_member.vat_dkk), (33_100.0, 8_275.0));
    let member = issued.iter().find(|s| s.org == "0253").unwrap();
    assert_eq!((member.kind, member.total_ore), (StatementKind::Billing, 810_000), "outside the opening hours nothing is covered");
    assert!(store.issue_statements(i.id, &sec, now).await.unwrap().is_empty(), "nothing changed: nothing new");
    assert!(store.log(i.id).await.unwrap().iter().any(|e| e.text.starts_with("Afregning udstedt")));
    // A bid awarded changes the figures: the member is compensated, and nothing else changed.
    let contact = user(store, "afregningvagter@demo.invalid", Role::ShiftContact, "0253").await;
    let read = store.shifts(i.id).await.unwrap();
    store.bid(i.id, &domain::shifts::Bid { shift: read[0].id, agents: 1 }, "0253", &contact, now).await.unwrap();
    let read = store.shifts(i.id).await.unwrap();
    store.award_shifts(i.id, &read, &[(read[0].id, "0253".into(), 1)], &staffing, now).await.unwrap();
    let more = store.issue_statements(i.id, &sec, now).await.unwrap();
    assert_eq!(
        more.iter().map(|s| (s.org.as_str(), s.kind, s.total_ore)).collect::<Vec<_>>(),
        vec![("0253", StatementKind::Compensation, 160_000)]
    );
    // A changed plan gives corrections that name what they replace.
    let all = store.statements(i.id).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].number < w[1].number));
    // A member whose plan changes so that its base seats cover everything: its statement is
    // replaced by one of nothing, not left standing.
    let m = store.create_incident(&new_incident(&["0253"]), &sec, now).await.unwrap();
    store.change_status(m.id, &Transition::new(Status::Active, "Skift"), &sec, now).await.unwrap();
    store.set_shift_plan(m.id, &[plan_shift(saturday, 4, 6, vec![("0147", 2)])], 0.3, &staffing, now).await.unwrap();
    let first = store.issue_statements(m.id, &sec, now).await.unwrap();
    assert_eq!(first.iter().map(|s| s.total_ore).collect::<Vec<_>>(), vec![24 * 67_500], "Saturday: every hour outside");
    let monday = domain::time::from_local_input("2026-11-30T09:00").unwrap();
    store.set_shift_plan(m.id, &[plan_shift(monday, 4, 6, vec![("0147", 6)])], 1.0, &staffing, now).await.unwrap();
    let withdrawn = store.issue_statements(m.id, &sec, now).await.unwrap();
    assert_eq!(withdrawn.len(), 1, "{withdrawn:?}");
    assert_eq!((withdrawn[0].total_ore, withdrawn[0].lines.len(), withdrawn[0].replaces), (0, 0, Some(first[0].id)));
    assert!(store.issue_statements(m.id, &sec, now).await.unwrap().is_empty(), "withdrawn once");
    let exercise = store.create_incident(&NewIncident { exercise: true, ..new_incident(&["0250"]) }, &sec, now).await.unwrap();
    store.change_status(exercise.id, &Transition::new(Status::Active, "Skift"), &sec, now).await.unwrap();
    let refused = store.issue_statements(exercise.id, &sec, now).await;
    assert!(refused.as_ref().is_err_and(is_conflict), "an exercise is never billed: {refused:?}");
}

async fn evaluation_forms_go_once_on_close_and_keep_answers_apart_from_people(store: &Store) {
    use domain::callout::ContactChannel;
    use domain::evaluation::{Answer, Audience};
    let leader = user(store, "evalleder@demo.invalid", Role::CrisisLeader, "DDH").await;
    for n in 0..6 {
        user(store, &format!("evalagent{n}@demo.invalid"), Role::Agent, "DDH").await;
    }
    user(store, "evalred@demo.invalid", Role::AuthorityEditor, "0250").await;
    user(store, "andenred@demo.invalid", Role::AuthorityEditor, "0253").await;
    let now = domain::time::now();
    let i = store.create_incident(&new_incident(&["0250"]), &leader, now).await.unwrap();
    store.change_status(i.id, &Transition::new(Status::Active, "Skift"), &leader, now).await.unwrap();
    assert!(store.send_evaluation_forms(i.id, now).await.as_ref().is_err_and(is_conflict), "not before it closes");
    store.change_status(i.id, &Transition::new(Status::StandingDown, "Skift"), &leader, now).await.unwrap();
    store.change_status(i.id, &closing("Slut.", "Krisen er ovre."), &leader, now).await.unwrap();
    assert_eq!(store.evaluations_to_send().await.unwrap(), vec![i.id]);
    let sent = store.send_evaluation_forms(i.id, now).await.unwrap();
    let asked = |a: Audience| sent.iter().find(|(x, _)| *x == a).unwrap().1;
    assert_eq!((asked(Audience::Agents), asked(Audience::Authority)), (6, 1), "only the affected authority's editor: {sent:?}");
    assert!(store.send_evaluation_forms(i.id, now).await.unwrap().is_empty(), "once");
    assert!(store.evaluations_to_send().await.unwrap().is_empty());
    let mut links = Vec::new();
    while let Some(m) = store.claim_message(&[ContactChannel::Email], now, now + Duration::minutes(5)).await.unwrap() {
        if let Some((_, link)) = m.link.filter(|(_, l)| l.starts_with("/evaluering/")) {
            links.push((m.address, link.trim_start_matches("/evaluering/").to_string()));
        }
    }
    let agent_links: Vec<&String> = links.iter().filter(|(a, _)| a.starts_with("evalagent")).map(|(_, t)| t).collect();
    assert_eq!(agent_links.len(), 6);
    let form = store.evaluation_by_token(agent_links[0]).await.unwrap().unwrap();
    assert_eq!((form.template.audience, form.answered), (Audience::Agents, false));
    let answers = vec![Some(Answer::Number(4)), None, Some(Answer::Yes(true)), Some(Answer::Text("Mere tid til briefing".into()))];
    store.answer_evaluation(agent_links[0], &answers, now).await.unwrap();
    assert!(store.answer_evaluation(agent_links[0], &answers, now).await.as_ref().is_err_and(is_conflict), "once per person");
    assert!(matches!(store.answer_evaluation("nonsense", &answers, now).await, Err(StoreError::Domain(DomainError::NotFound(_)))));
    // The reminder goes to the five who have not answered, with links of their own.
    assert_eq!(store.remind_evaluations(now).await.unwrap(), 0, "not due yet");
    let later = now + Duration::days(domain::evaluation::REMIND_AFTER_DAYS);
    let reminded = store.remind_evaluations(later).await.unwrap();
    assert_eq!(
        reminded,
        5 + 1 + sent.iter().filter(|(a, _)| !matches!(a, Audience::Agents | Audience::Authority)).map(|(_, n)| n).sum::<usize>()
    );
    assert_eq!(store.remind_evaluations(later).await.unwrap(), 0, "one reminder");
    let forms = store.evaluation(i.id).await.unwrap();
    let agents = forms.iter().find(|f| f.audience == Audience::Agents).unwrap();
    assert_eq!(agents.answers, vec![answers.clone()], "the answers, and nothing of who gave them");
    assert_eq!(agents.response.get("DDH"), Some(&(6, 1)));
    assert!(agents.reminded_at.is_some());
    let closed = store.answer_evaluation(agent_links[1], &answers, now + Duration::days(domain::evaluation::OPEN_DAYS)).await;
    assert!(closed.as_ref().is_err_and(is_conflict), "a closed form takes no answers: {closed:?}");
    // The secretariat's own form replaces the built-in one for forms sent later.
    let mut own = domain::evaluation::builtin().remove(0);
    own.title = "Agenternes egen evaluering".into();
    store.keep_evaluation_template(&own, "test", now).await.unwrap();
    let kept = store.evaluation_templates().await.unwrap();
    assert_eq!((kept.len(), kept[0].title.as_str()), (4, "Agenternes egen evaluering"));
    assert_eq!(store.evaluation(i.id).await.unwrap()[0].template.title, "Evaluering for agenter", "a sent form keeps its own");
}

async fn the_report_keeps_pins_notes_and_an_improvement_plan(store: &Store) {
    use domain::report::{ActionStatus, NewAction, Notes};
    let leader = user(store, "rapport@demo.invalid", Role::CrisisLeader, "DDH").await;
    let now = domain::time::now();
    let i = store.create_incident(&new_incident(&["0250"]), &leader, now).await.unwrap();
    store.pin_log_entry(i.id, 1, true, &leader, now).await.unwrap();
    store.pin_log_entry(i.id, 1, true, &leader, now).await.unwrap();
    assert_eq!(store.log_pins(i.id).await.unwrap(), vec![1]);
    assert!(matches!(store.pin_log_entry(i.id, 999, true, &leader, now).await, Err(StoreError::Domain(DomainError::NotFound(_)))));
    store.pin_log_entry(i.id, 1, false, &leader, now).await.unwrap();
    assert!(store.log_pins(i.id).await.unwrap().is_empty());
    let notes = Notes { strengths: "Hurtig aktivering".into(), improvements: "IVR-omstilling tog for lang tid".into() };
    store.set_report_notes(i.id, &notes, &leader, now).await.unwrap();
    assert_eq!(store.report_notes(i.id).await.unwrap(), notes);
    let a = NewAction {
        text: "Øv IVR-omstilling".into(),
        owner: "Frederikssund Kommune".into(),
        due: time::macros::date!(2027 - 02 - 01),
        status: ActionStatus::Open,
    };
    let saved = store.save_corrective_action(i.id, None, &a, &leader, now).await.unwrap();
    assert_eq!(store.open_actions().await.unwrap().iter().filter(|x| x.id == saved.id).count(), 1);
    let done = NewAction { status: ActionStatus::Done, ..a.clone() };
    store.save_corrective_action(i.id, Some(saved.id), &done, &leader, now).await.unwrap();
    assert_eq!(store.corrective_actions(i.id).await.unwrap()[0].status, ActionStatus::Done);
    assert!(store.open_actions().await.unwrap().iter().all(|x| x.id != saved.id), "done: off the open list");
    assert!(matches!(
        store.save_corrective_action(i.id, Some(Uuid::new_v4()), &a, &leader, now).await,
        Err(StoreError::Domain(DomainError::NotFound(_)))
    ));
    let log = store.log(i.id).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.text.starts_with("Forbedringsplan")).count(), 2);
}
