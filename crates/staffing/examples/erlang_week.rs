//! The required agents for a week of intervals, and how long the whole week takes.
//!
//! ```sh
//! cargo run --release -q -p staffing --example erlang_week -- WEEK.csv [--reps N] [--warmup N]
//! ```
//!
//! WEEK.csv has a header; the columns are found by name: `calls`, `aht_s`, `target_answer_s`,
//! `service_level`, `max_occupancy`, `shrinkage` and, optionally, `interval_s` (default 1800) and
//! `interval` (default: the row's index). Others are ignored. Erlang C only (no patience).
//!
//! Output, tab-separated, on stdout: a header line, then one line per interval
//! (`interval agents scheduled_agents service_level occupancy asa_s p_wait`, the figures at the
//! answer), then one line `timing\tkey=value…`: the week computed `reps` times after `warmup`
//! unmeasured times, each week timed with `Instant`, and the median, min and max of one week in
//! microseconds. Used by bench/erlang/run.

use staffing::{Load, Targets, required};
use std::hint::black_box;
use std::time::Instant;

struct Interval {
    id: String,
    calls: f64,
    interval_s: f64,
    aht_s: f64,
    target_answer_s: f64,
    service_level: f64,
    max_occupancy: f64,
    shrinkage: f64,
}

fn fail(message: String) -> ! {
    eprintln!("erlang_week: {message}");
    std::process::exit(2);
}

fn read(path: &str) -> Vec<Interval> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| fail(format!("{path}: {e}")));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap_or_else(|| fail(format!("{path}: empty"))).split(',').map(str::trim).collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let need = |name: &str| col(name).unwrap_or_else(|| fail(format!("{path}: no column {name}")));
    let (calls, aht, target, level, occupancy, shrinkage) =
        (need("calls"), need("aht_s"), need("target_answer_s"), need("service_level"), need("max_occupancy"), need("shrinkage"));
    let (interval_s, id) = (col("interval_s"), col("interval"));
    lines
        .enumerate()
        .map(|(i, line)| {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let num = |c: usize| -> f64 {
                let cell = cells.get(c).unwrap_or_else(|| fail(format!("{path}: line {}: too few columns", i + 2)));
                cell.parse().unwrap_or_else(|_| fail(format!("{path}: line {}: {:?} is not a number", i + 2, cell)))
            };
            Interval {
                id: id.and_then(|c| cells.get(c)).map_or_else(|| i.to_string(), |s| s.to_string()),
                calls: num(calls),
                interval_s: interval_s.map_or(1800.0, num),
                aht_s: num(aht),
                target_answer_s: num(target),
                service_level: num(level),
                max_occupancy: num(occupancy),
                shrinkage: num(shrinkage),
            }
        })
        .collect()
}

fn load_and_targets(iv: &Interval) -> (Load, Targets) {
    (
        Load { calls: iv.calls, interval_s: iv.interval_s, aht_s: iv.aht_s },
        Targets {
            target_answer_s: iv.target_answer_s,
            service_level: iv.service_level,
            shrinkage: iv.shrinkage,
            max_occupancy: iv.max_occupancy,
            patience_s: None,
            max_abandon: None,
        },
    )
}

/// One week: `required` for every interval, the Load and Targets built as a caller would.
fn week(intervals: &[Interval]) -> u64 {
    let mut sum = 0u64;
    for iv in intervals {
        let (load, targets) = load_and_targets(black_box(iv));
        match required(&load, &targets) {
            Ok(s) => sum += u64::from(s.agents) + u64::from(s.scheduled_agents),
            Err(e) => fail(format!("interval {}: {e}", iv.id)),
        }
    }
    black_box(sum)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let (mut reps, mut warmup) = (2000usize, 200usize);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> usize {
            let v = it.next().unwrap_or_else(|| fail(format!("{name} needs a value")));
            v.parse().unwrap_or_else(|_| fail(format!("{name}: {v:?} is not a count")))
        };
        match a.as_str() {
            "--reps" => reps = value("--reps").max(1),
            "--warmup" => warmup = value("--warmup"),
            _ if path.is_none() && !a.starts_with("--") => path = Some(a.clone()),
            _ => fail(format!("unknown argument {a:?}; usage: erlang_week WEEK.csv [--reps N] [--warmup N]")),
        }
    }
    let path = path.unwrap_or_else(|| fail("usage: erlang_week WEEK.csv [--reps N] [--warmup N]".into()));
    let intervals = read(&path);
    if intervals.is_empty() {
        fail(format!("{path}: no intervals"));
    }

    println!("interval\tagents\tscheduled_agents\tservice_level\toccupancy\tasa_s\tp_wait");
    for iv in &intervals {
        let (load, targets) = load_and_targets(iv);
        let s = required(&load, &targets).unwrap_or_else(|e| fail(format!("interval {}: {e}", iv.id)));
        println!(
            "{}\t{}\t{}\t{:.17}\t{:.17}\t{:.17}\t{:.17}",
            iv.id, s.agents, s.scheduled_agents, s.service_level, s.occupancy, s.asa_s, s.p_wait
        );
    }

    for _ in 0..warmup {
        week(&intervals);
    }
    let mut us: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            week(&intervals);
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    us.sort_by(f64::total_cmp);
    let median = if reps % 2 == 1 { us[reps / 2] } else { (us[reps / 2 - 1] + us[reps / 2]) / 2.0 };
    println!(
        "timing\tintervals={}\treps={reps}\twarmup={warmup}\tmedian_us={median:.3}\tmin_us={:.3}\tmax_us={:.3}",
        intervals.len(),
        us[0],
        us[reps - 1]
    );
}
