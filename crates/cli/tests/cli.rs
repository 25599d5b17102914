//! The binary as an operator uses it: users from stdin, tokens on stdout, and `verify-log`
//! catching a log row edited directly in either database.

use app::testing::Store;
use domain::incident::{Channel, IncidentKind, NewIncident};
use domain::log::{LogCategory, NewLogEntry};
use domain::user::NewUser;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn kriseservice(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kriseservice"))
        .args(args)
        .env_remove("KRISESERVICE_DATABASE_URL")
        .env("KRISESERVICE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn user_add_reads_the_password_from_stdin_and_token_create_prints_only_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = kriseservice(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "Lone@Example.invalid",
            "--name",
            "Lone Logfører",
            "--org",
            "DDH",
            "--role",
            "log_keeper",
        ],
        "gule roser i vindueskarmen\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = kriseservice(&["token", "create", "--data-dir", d, "--email", "lone@example.invalid"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let token = stdout.strip_suffix('\n').expect("one line");
    assert!(token.len() == 64 && token.chars().all(|c| c.is_ascii_hexdigit()), "stdout is the token alone: {stdout:?}");
    // Its id and expiry on standard error; the list shows it; revoking it by the id removes it.
    let told = text(&out.stderr);
    let id = told.split("token id ").nth(1).and_then(|r| r.split(' ').next()).expect("the id is told").to_string();
    assert_eq!(id.len(), 12, "{told}");
    let expires = told.split(" expires ").nth(1).and_then(|r| r.split(';').next()).unwrap();
    let in_days =
        (time::OffsetDateTime::parse(expires, &time::format_description::well_known::Rfc3339).unwrap() - domain::time::now()).whole_days();
    assert_eq!(in_days, domain::user::TOKEN_DAYS - 1, "{told}");
    let list = kriseservice(&["token", "list", "--data-dir", d], "");
    assert!(text(&list.stdout).lines().any(|l| l.starts_with(&id) && l.ends_with("lone@example.invalid")), "{}", text(&list.stdout));
    let out = kriseservice(&["token", "create", "--data-dir", d, "--email", "lone@example.invalid", "--days", "0"], "");
    assert!(!out.status.success() && text(&out.stderr).contains("--days must be from 1 to 730"), "{}", text(&out.stderr));
    let out = kriseservice(&["token", "revoke", "--data-dir", d, "--token-id", "nonsense"], "");
    assert!(!out.status.success() && text(&out.stderr).contains("twelve-character id"), "{}", text(&out.stderr));
    let out = kriseservice(&["token", "revoke", "--data-dir", d, "--token-id", &id], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&kriseservice(&["token", "list", "--data-dir", d], "").stdout).contains(&id), "revoked");
    let out = kriseservice(&["token", "revoke", "--data-dir", d, "--token-id", &id], "");
    assert!(!out.status.success() && text(&out.stderr).contains("no token has the id"), "{}", text(&out.stderr));

    let out = kriseservice(
        &["user", "add", "--data-dir", d, "--email", "x@example.invalid", "--name", "X Y", "--org", "DDH", "--role", "janitor"],
        "gule roser i vindueskarmen\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown role 'janitor'"), "{}", text(&out.stderr));
    let out = kriseservice(
        &["user", "add", "--data-dir", d, "--email", "y@example.invalid", "--name", "Y Z", "--org", "DDH", "--role", "agent"],
        "kort\n",
    );
    assert!(text(&out.stderr).contains("password: must be at least 12 characters"), "{}", text(&out.stderr));
    let out = kriseservice(
        &["user", "add", "--data-dir", d, "--email", "y@example.invalid", "--name", "Y Z", "--org", "DDH", "--role", "agent"],
        "password1234\n",
    );
    assert!(text(&out.stderr).contains("password: is built on a common password"), "{}", text(&out.stderr));
    let out = kriseservice(
        &["user", "add", "--data-dir", d, "--email", "lone@example.invalid", "--name", "Lone", "--org", "DDH", "--role", "agent"],
        "gule roser i vindueskarmen\n",
    );
    assert!(text(&out.stderr).contains("already exists"), "{}", text(&out.stderr));
    let out = kriseservice(&["user", "remove-totp", "--data-dir", d, "--email", "lone@example.invalid"], "");
    assert!(!out.status.success() && text(&out.stderr).contains("second factor not found"), "{}", text(&out.stderr));
    let out = kriseservice(&["token", "create", "--data-dir", d, "--email", "ghost@example.invalid"], "");
    assert!(!out.status.success() && out.stdout.is_empty());
}

/// Writes an incident with a few log entries and returns its id.
async fn incident_with_log(store: &Store) -> uuid::Uuid {
    store.seed_defaults().await.unwrap();
    let u = NewUser { email: "log@example.invalid".into(), name: "Lise".into(), org: "DDH".into(), role: domain::Role::LogKeeper }
        .validate("gule roser i vindueskarmen", |_| true)
        .unwrap();
    let actor = store.create_user(&u, "x", "test", domain::time::now()).await.unwrap().actor();
    let n = NewIncident {
        title: "Oversvømmelse".into(),
        kind: IncidentKind::Flood,
        affected: vec!["0250".into()],
        channels: vec![Channel::Phone],
        exercise: true,
    };
    let i = store.create_incident(&n, &actor, domain::time::now()).await.unwrap();
    for t in ["Vandet stiger", "Sandsække udleveret", "Kriselinjen åben"] {
        store
            .append_log(
                i.id,
                NewLogEntry { category: LogCategory::Information, text: t.into(), corrects: None },
                &actor,
                domain::time::now(),
            )
            .await
            .unwrap();
    }
    i.id
}

fn verify(storage: &[&str], id: uuid::Uuid) -> Output {
    let id = id.to_string();
    let mut args = vec!["verify-log"];
    args.extend_from_slice(storage);
    args.extend_from_slice(&["--incident", &id]);
    kriseservice(&args, "")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_log_detects_a_row_edited_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(&dir.path().join("kriseservice.db")).await.unwrap();
    let id = incident_with_log(&store).await;
    let d = dir.path().to_str().unwrap();

    let out = verify(&["--data-dir", d], id);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("4 entries"), "{}", text(&out.stdout));

    app::testing::raw_execute_for_tests(&store, "DROP TRIGGER log_entries_no_update").await.unwrap();
    app::testing::raw_execute_for_tests(&store, "UPDATE log_entries SET text = 'Intet at bemærke' WHERE seq = 3").await.unwrap();
    let out = verify(&["--data-dir", d], id);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("fails at entry 3"), "{}", text(&out.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_log_detects_a_row_edited_in_postgres() {
    let base =
        std::env::var("KRISESERVICE_TEST_POSTGRES_URL").expect("KRISESERVICE_TEST_POSTGRES_URL is not set: run the README's test command");
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let store = Store::open_postgres(&base, Some(&schema)).await.unwrap();
    let id = incident_with_log(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let storage = ["--data-dir", dir.path().to_str().unwrap(), "--database-url", &url];

    let out = verify(&storage, id);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));

    app::testing::raw_execute_for_tests(&store, "ALTER TABLE log_entries DISABLE TRIGGER log_entries_no_change").await.unwrap();
    app::testing::raw_execute_for_tests(&store, "UPDATE log_entries SET author_name = 'Someone Else' WHERE seq = 2").await.unwrap();
    let out = verify(&storage, id);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("fails at entry 2"), "{}", text(&out.stdout));
}
