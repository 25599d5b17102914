//! Query latency of the search crate on the corpus from gen.py: builds the index, runs every
//! query once unreported, then ROUNDS (default 3) measured rounds, each query timed alone with `Instant`
//! (parse + search + snippets for the top 10). Prints one JSON object on stdout; writes each query's
//! hit count, top hit and first-round time to HITS so bench/search/run can compare with PostgreSQL.
//! `search-bench CORPUS.jsonl QUERIES.jsonl HITS.tsv [ROUNDS]`

use search::{Doc, DocKind, Index, parse};
use serde::Deserialize;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

const LIMIT: usize = 10;

#[derive(Deserialize)]
struct Guide {
    id: String,
    municipality: String,
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct Question {
    qid: u32,
    q: String,
    municipality: String,
}

fn lines<T: for<'de> Deserialize<'de>>(path: &str) -> impl Iterator<Item = T> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    BufReader::new(file).lines().map(|l| serde_json::from_str(&l.expect("readable line")).expect("a JSON object per line"))
}

/// Resident memory in MiB, from /proc (Linux only; 0 elsewhere).
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
    kib.unwrap_or(0.0) / 1024.0
}

/// Linear interpolation between the closest ranks, as PostgreSQL's `percentile_cont`.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (corpus, queries, hits_out) = match &args[..] {
        [_, c, q, h] | [_, c, q, h, _] => (c, q, h),
        _ => panic!("usage: search-bench CORPUS.jsonl QUERIES.jsonl HITS.tsv [ROUNDS]"),
    };
    let rounds: usize = args.get(4).map_or(3, |r| r.parse().expect("ROUNDS is a number"));

    // One group per guide, as the web layer publishes them; only the index's own work is timed.
    let rss_before = rss_mib();
    let mut ix = Index::new();
    let mut build = Duration::ZERO;
    for g in lines::<Guide>(corpus) {
        let group = format!("everyday:{}:{}", g.municipality, g.id);
        let url = format!("/guides/{}", g.id);
        let doc = Doc {
            id: g.id,
            group: group.clone(),
            kind: DocKind::Everyday,
            municipalities: vec![g.municipality],
            title: g.title,
            body: g.body,
            url,
        };
        let t = Instant::now();
        ix.replace_group(&group, vec![doc]);
        build += t.elapsed();
    }
    let rss_index = rss_mib() - rss_before;
    let queries: Vec<Question> = lines(queries).collect();

    let mut times = Vec::with_capacity(queries.len() * rounds);
    let mut report = String::new();
    for round in 0..=rounds {
        for q in &queries {
            let t = Instant::now();
            let hits = parse(&q.q).map(|parsed| ix.search(&parsed, Some(&q.municipality), LIMIT)).unwrap_or_default();
            let took = t.elapsed();
            // Round 0 warms caches and is not reported; round 1 tells what was found.
            if round > 0 {
                times.push(took.as_secs_f64() * 1e6);
            }
            if round == 1 {
                let top = hits.first().map_or("", |h| h.id.as_str());
                writeln!(report, "{}\t{}\t{top}\t{:.0}", q.qid, hits.len(), took.as_secs_f64() * 1e6).unwrap();
            }
            std::hint::black_box(hits);
        }
    }
    std::fs::write(hits_out, report).unwrap_or_else(|e| panic!("{hits_out}: {e}"));

    let total: f64 = times.iter().sum();
    times.sort_by(f64::total_cmp);
    let summary = serde_json::json!({
        "n_docs": ix.len(),
        "queries": queries.len(),
        "rounds": rounds,
        "samples": times.len(),
        "p50_us": percentile(&times, 0.50),
        "p90_us": percentile(&times, 0.90),
        "p99_us": percentile(&times, 0.99),
        "max_us": times[times.len() - 1],
        "mean_us": total / times.len() as f64,
        "qps_single_thread": times.len() as f64 / (total / 1e6),
        "build_ms": build.as_secs_f64() * 1e3,
        "index_rss_mib": rss_index,
    });
    println!("{summary}");
}
