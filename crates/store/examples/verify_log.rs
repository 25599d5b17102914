//! Times `verify-log` as the CLI runs it (open the store, read the incident, verify its log, read
//! its head) over a long log, against `sha256sum` over that log's CSV export, in the same run.
//! A benchmark, not a test: it asserts nothing about speed.
//!
//! ```sh
//! cargo run --release -p store --example verify_log -- sqlite:///tmp/bench/kriseservice.db 100000
//! cargo run --release -p store --example verify_log -- postgres://postgres@127.0.0.1:5432/kriseservice_bench 100000
//! ```
//!
//! The first run seeds an incident with `entries` appends through the store (the incident's own
//! opening entry makes it `entries + 1`); later runs reuse it, so before and after a change are
//! measured on the same rows.

use domain::log::{LogCategory, NewLogEntry};
use domain::user::NewUser;
use domain::{Actor, Role};
use std::time::{Duration, Instant};
use store::Store;

const TITLE: &str = "Benchmark: verify-log";
const RUNS: usize = 3;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("usage: verify_log <database-url> [entries]");
    let entries: i64 = args.next().map_or(100_000, |n| n.parse().expect("entries: a number"));

    let store = Store::open(&url).await.expect("open the store");
    store.seed_defaults().await.expect("seed reference data");
    let id = seeded(&store, entries).await;
    let csv_path = std::env::temp_dir().join(format!("verify_log_{}_{id}.csv", store.backend()));
    std::fs::write(&csv_path, domain::export::log_csv(&store.log(id).await.expect("read the log"))).expect("write the CSV export");
    let csv_bytes = std::fs::metadata(&csv_path).expect("CSV size").len();
    store.close().await;

    let (verify, verified) = best_of(|| async {
        // What `kriseservice verify-log` does after parsing its arguments.
        let store = Store::open(&url).await.expect("open the store");
        store.incident(id).await.expect("read the incident").expect("the incident");
        let v = store.verify_log(id).await.expect("verify").expect("the incident");
        store.log_head(id).await.expect("read the head");
        assert!(v.valid, "the seeded log must verify: {v:?}");
        store.close().await;
        v.entries
    })
    .await;
    let (sha, ()) = best_of(|| async {
        let out = std::process::Command::new("sha256sum").arg(&csv_path).output().expect("run sha256sum");
        assert!(out.status.success());
    })
    .await;
    let _ = std::fs::remove_file(&csv_path);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{}: verify-log over {verified} entries: {:.1} ms (best of {RUNS}); sha256sum over the CSV export ({:.1} MB): {:.1} ms; ratio {:.1}×",
        store.backend(),
        ms(verify),
        csv_bytes as f64 / 1e6,
        ms(sha),
        verify.as_secs_f64() / sha.as_secs_f64()
    );
}

/// The shortest of `RUNS` runs, and what the last one returned.
async fn best_of<T, F: Future<Output = T>>(mut run: impl FnMut() -> F) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        out = Some(run().await);
        best = best.min(start.elapsed());
    }
    (best, out.expect("at least one run"))
}

/// The benchmark incident with at least `entries + 1` log entries, seeded if need be.
async fn seeded(store: &Store, entries: i64) -> uuid::Uuid {
    let existing = store.incidents(None).await.expect("incidents").into_iter().find(|i| i.title == TITLE);
    let keeper = keeper(store).await;
    let id = match existing {
        Some(i) => i.id,
        None => {
            let new = domain::incident::NewIncident {
                title: TITLE.into(),
                kind: domain::incident::IncidentKind::ItBreakdown,
                affected: vec!["0250".into()],
                channels: vec![domain::incident::Channel::Phone],
                exercise: true,
            };
            store.create_incident(&new, &keeper, domain::time::now()).await.expect("create the incident").id
        }
    };
    let (mut have, _) = store.log_head(id).await.expect("head").expect("the incident");
    if have < entries + 1 {
        eprintln!("seeding {} entries…", entries + 1 - have);
    }
    while have < entries + 1 {
        // The same text as `bench/load.py` appends over HTTP (~80 characters).
        let text = format!("Benchmark entry 0-{have}: status update from the crisis room, no action required.");
        let entry = NewLogEntry { category: LogCategory::Information, text, corrects: None };
        store.append_log(id, entry, &keeper, domain::time::now()).await.expect("append");
        have += 1;
        if have % 10_000 == 0 {
            eprintln!("  {have}");
        }
    }
    id
}

async fn keeper(store: &Store) -> Actor {
    let email = "keeper@bench.invalid";
    if let Some((user, _)) = store.user_by_email(email).await.expect("user") {
        return user.actor();
    }
    let u = NewUser { email: email.into(), name: "Bench Keeper".into(), org: "DDH".into(), role: Role::LogKeeper }
        .validate("gule roser i vindueskarmen", |_| true)
        .expect("a valid user");
    store.create_user(&u, "not-a-real-hash", "bench", domain::time::now()).await.expect("create the user").actor()
}
