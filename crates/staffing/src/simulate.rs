//! A discrete-event simulation of the crisis line's queue: Poisson arrivals, exponential talk
//! times and patience, `n` agents, first come first served. It checks the Erlang formulas.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// What to simulate.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    pub agents: u32,
    /// Calls per second.
    pub arrival_rate: f64,
    pub aht_s: f64,
    /// `None`: callers never hang up (Erlang C).
    pub patience_s: Option<f64>,
    pub target_answer_s: f64,
    pub calls: u64,
    pub seed: u64,
}

/// A figure and its standard error, from batch means.
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    pub mean: f64,
    pub std_error: f64,
}

impl Estimate {
    /// The half-width of the 95 % confidence interval (Student's t, 19 degrees of freedom).
    pub fn half_width(&self) -> f64 {
        2.093 * self.std_error
    }

    /// Whether `x` lies within `errors` standard errors, widened by `slack` for the formula's
    /// own rounding.
    pub fn contains(&self, x: f64, errors: f64, slack: f64) -> bool {
        (x - self.mean).abs() <= errors * self.std_error + slack
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub p_wait: Estimate,
    pub p_abandon: Estimate,
    /// Answered within the target, of all calls.
    pub service_level: Estimate,
    /// Mean wait of the answered calls.
    pub asa_s: Estimate,
}

const BATCHES: usize = 20;

#[derive(Default, Clone, Copy)]
struct Batch {
    calls: f64,
    waited: f64,
    abandoned: f64,
    within: f64,
    answered: f64,
    wait: f64,
}

/// Runs `setup.calls` calls after a warm-up of a tenth as many, in 20 batches.
pub fn run(setup: &Setup) -> Outcome {
    let mut rng = StdRng::seed_from_u64(setup.seed);
    let mut exp = move |mean: f64| -mean * (1.0 - rng.random::<f64>()).ln();
    let warm_up = setup.calls / 10;
    let per_batch = (setup.calls / BATCHES as u64).max(1);
    let mut batches = vec![Batch::default(); BATCHES];
    let mut busy: BinaryHeap<Reverse<Time>> = BinaryHeap::new(); // when each busy agent frees up
    let mut queue: VecDeque<(f64, f64)> = VecDeque::new(); // (arrived, hangs up at)
    let mut now;
    let mut next_arrival = exp(1.0 / setup.arrival_rate);
    let mut arrived: u64 = 0;
    // Which batch a call belongs to, by its arrival number (None: warm-up or past the end).
    let batch_of = |k: u64| k.checked_sub(warm_up).map(|k| (k / per_batch) as usize).filter(|&b| b < BATCHES);
    let mut record = |k: u64, f: &mut dyn FnMut(&mut Batch)| {
        if let Some(b) = batch_of(k) {
            f(&mut batches[b]);
        }
    };
    let mut ids: VecDeque<u64> = VecDeque::new();
    while arrived < warm_up + per_batch * BATCHES as u64 || !queue.is_empty() {
        let free_at = busy.peek().map(|r| r.0.0);
        if free_at.is_some_and(|f| f <= next_arrival) || arrived >= warm_up + per_batch * BATCHES as u64 {
            let Some(Reverse(Time(t))) = busy.pop() else { break };
            now = t;
            // The agent takes the first caller still waiting; those who hung up are gone.
            while let Some((since, gives_up)) = queue.pop_front() {
                let id = ids.pop_front().unwrap_or_default();
                if gives_up < now {
                    record(id, &mut |b| b.abandoned += 1.0);
                    continue;
                }
                let wait = now - since;
                record(id, &mut |b| {
                    b.answered += 1.0;
                    b.wait += wait;
                    b.within += f64::from(u8::from(wait <= setup.target_answer_s));
                });
                busy.push(Reverse(Time(now + exp(setup.aht_s))));
                break;
            }
        } else {
            now = next_arrival;
            next_arrival = now + exp(1.0 / setup.arrival_rate);
            let id = arrived;
            arrived += 1;
            record(id, &mut |b| b.calls += 1.0);
            if busy.len() < setup.agents as usize {
                record(id, &mut |b| {
                    b.answered += 1.0;
                    b.within += 1.0;
                });
                busy.push(Reverse(Time(now + exp(setup.aht_s))));
            } else {
                record(id, &mut |b| b.waited += 1.0);
                let patience = setup.patience_s.map_or(f64::INFINITY, &mut exp);
                queue.push_back((now, now + patience));
                ids.push_back(id);
            }
        }
    }
    let estimate = |f: &dyn Fn(&Batch) -> f64| {
        let xs: Vec<f64> = batches.iter().map(f).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        Estimate { mean, std_error: (var / xs.len() as f64).sqrt() }
    };
    Outcome {
        p_wait: estimate(&|b| b.waited / b.calls),
        p_abandon: estimate(&|b| b.abandoned / b.calls),
        service_level: estimate(&|b| b.within / b.calls),
        asa_s: estimate(&|b| if b.answered > 0.0 { b.wait / b.answered } else { 0.0 }),
    }
}

/// A time that orders (simulated times are never NaN).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Time(f64);
impl Eq for Time {}
impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Time {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::{Load, erlang_c_staffing};
    use crate::erlang_a;

    fn check(agents: u32, calls_per_30min: f64, aht_s: f64, patience_s: Option<f64>, seed: u64) {
        let load = Load { calls: calls_per_30min, interval_s: 1800.0, aht_s };
        let setup =
            Setup { agents, arrival_rate: calls_per_30min / 1800.0, aht_s, patience_s, target_answer_s: 20.0, calls: 400_000, seed };
        let sim = run(&setup);
        let formula = match patience_s {
            Some(p) => erlang_a::staffing(agents, &load, p, 20.0),
            None => erlang_c_staffing(agents, &load, 20.0),
        };
        let what = format!("{agents} agents, {calls_per_30min} calls, patience {patience_s:?}: formula {formula:?}, simulation {sim:?}");
        // Four standard errors: a fixed seed passes or fails for good, and a right formula
        // fails by chance about once in 15,000 checks when the seed or the code changes.
        assert!(sim.p_wait.contains(formula.p_wait, 4.0, 0.001), "p_wait: {what}");
        assert!(sim.service_level.contains(formula.service_level, 4.0, 0.001), "service level: {what}");
        assert!(sim.p_abandon.contains(formula.p_abandon.unwrap_or(0.0), 4.0, 0.001), "abandon: {what}");
        assert!(sim.asa_s.contains(formula.asa_s, 4.0, 0.01 * formula.asa_s), "asa: {what}");
    }

    #[test]
    fn the_simulation_confirms_erlang_a() {
        check(14, 100.0, 180.0, Some(120.0), 1);
        check(10, 100.0, 180.0, Some(60.0), 2); // at capacity: only hang-ups keep the queue finite
        check(8, 100.0, 180.0, Some(300.0), 3); // overloaded
        check(55, 500.0, 180.0, Some(90.0), 4);
    }

    #[test]
    fn the_simulation_confirms_erlang_c() {
        check(14, 100.0, 180.0, None, 5);
        check(112, 1000.0, 180.0, None, 6);
    }

    #[test]
    fn it_is_repeatable_by_seed() {
        let s =
            Setup { agents: 5, arrival_rate: 0.02, aht_s: 200.0, patience_s: Some(60.0), target_answer_s: 20.0, calls: 20_000, seed: 9 };
        assert_eq!(run(&s).service_level.mean, run(&s).service_level.mean);
    }
}
