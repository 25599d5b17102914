//! Query latency at the target size: 20,000 everyday guides of ~300 words (synthetic Danish-
//! like text with a Zipf vocabulary and real crisis words mixed in). Prints p50/p99/max.
//! `cargo run --release -p search --example search_bench [docs]`

use search::{Doc, DocKind, Index, parse};
use std::time::Instant;

/// A tiny deterministic generator, so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Roughly Zipf-distributed index below `n`.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

const REAL: &[&str] = &[
    "strøm",
    "vand",
    "drikkevand",
    "strømafbrydelse",
    "kælder",
    "oversvømmelse",
    "fjernvarme",
    "radiator",
    "affald",
    "genbrugsplads",
    "boligstøtte",
    "flytning",
    "pas",
    "kørekort",
    "skole",
    "børnehave",
    "hjemmepleje",
    "medicin",
    "kommunen",
    "borgerservice",
    "ikke",
    "ingen",
    "og",
    "er",
    "det",
    "at",
    "du",
    "kan",
    "på",
    "til",
    "med",
];

fn vocabulary(rng: &mut Rng, n: usize) -> Vec<String> {
    const SYL: &[&str] = &[
        "ka", "be", "strø", "vin", "dal", "ler", "mo", "sen", "hus", "tor", "ske", "gård", "ni", "præ", "sko", "fly", "ting", "øl", "bå",
        "rik",
    ];
    let mut words: Vec<String> = REAL.iter().map(|s| s.to_string()).collect();
    while words.len() < n {
        let k = 1 + (rng.next() % 4) as usize;
        words.push((0..k).map(|_| SYL[(rng.next() % SYL.len() as u64) as usize]).collect());
    }
    words
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let words = vocabulary(&mut rng, 30_000);
    let t = Instant::now();
    let mut ix = Index::new();
    for i in 0..n {
        let muni = format!("{:04}", 100 + i % 98);
        let body: Vec<&str> = (0..300).map(|_| words[rng.zipf(words.len())].as_str()).collect();
        let title: Vec<&str> = (0..4).map(|_| words[rng.zipf(words.len())].as_str()).collect();
        let group = format!("everyday:{muni}:{i}");
        let doc = Doc {
            id: group.clone(),
            group: group.clone(),
            kind: DocKind::Everyday,
            municipalities: vec![muni],
            title: title.join(" "),
            body: body.join(" "),
            url: format!("/guides/{i}"),
        };
        ix.replace_group(&group, vec![doc]);
    }
    println!("indexed {n} docs in {:.2?}", t.elapsed());
    let queries: Vec<String> = (0..2000)
        .map(|_| {
            let k = 1 + (rng.next() % 4) as usize;
            (0..k).map(|_| words[rng.zipf(2_000)].clone()).collect::<Vec<_>>().join(" ")
        })
        .chain(["ingen strøm", "drikke vand", "strømafbrydelsen", "kældr oversvømmelse", "\"ikke strøm\" -vand"].map(String::from))
        .collect();
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(1);
    let mut times = Vec::with_capacity(queries.len() * rounds);
    for q in queries.iter().cycle().take(queries.len() * rounds) {
        let Ok(q) = parse(q) else { continue };
        let t = Instant::now();
        let hits = ix.search(&q, Some("0101"), 10);
        times.push(t.elapsed());
        std::hint::black_box(hits);
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!("{} queries: p50 {:.2?}  p99 {:.2?}  max {:.2?}", times.len(), pct(0.5), pct(0.99), times[times.len() - 1]);
}
