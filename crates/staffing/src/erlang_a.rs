//! Erlang A (the M/M/n+M queue): callers arrive as a Poisson stream, talk for an exponential
//! time, and hang up after an exponential patience if nobody has answered.
//!
//! The figures come from the queue's stationary distribution, kept in logarithms (no factorial,
//! no power overflows), and from what an arriving caller sees: with `j` callers ahead, each step
//! forward comes at rate `n·μ + k·θ` (an agent frees up, or one of the `k` ahead hangs up) while
//! the caller's own patience runs out at rate `θ`. The chance of being answered within `t` is
//! the distribution of a sum of exponentials, computed by uniformisation.
//! Uniformisation's work grows with the square of (answer rate × answer time), so
//! [`crate::erlang::required`] takes Erlang A's answer targets up to
//! [`crate::erlang::MAX_ERLANG_A_TARGET_ANSWER_S`] (10 minutes); Erlang C takes any up to the
//! interval's length.

use crate::erlang::{Load, Staffing};

/// Queue states whose probability is below e^-40 of the most likely one are left out.
const TAIL: f64 = 40.0;
/// Bounds the queue's length however patient the callers (a million waiting callers).
const MAX_QUEUE: usize = 1_000_000;

/// Erlang A's figures for `n` agents, callers of mean patience `patience_s`, answered within
/// `target_s`.
pub fn staffing(n: u32, load: &Load, patience_s: f64, target_s: f64) -> Staffing {
    let lambda = load.calls / load.interval_s;
    let mu = 1.0 / load.aht_s;
    let theta = 1.0 / patience_s;
    if n == 0 {
        return Staffing {
            agents: 0,
            scheduled_agents: 0,
            service_level: 0.0,
            asa_s: f64::INFINITY,
            occupancy: 0.0,
            p_wait: 1.0,
            p_abandon: Some(1.0),
        };
    }
    let p = stationary(n, lambda / mu, lambda, n as f64 * mu, theta);
    let n_us = n as usize;
    let p_wait: f64 = p[n_us..].iter().sum();
    let queue: f64 = p[n_us..].iter().enumerate().map(|(j, x)| j as f64 * x).sum();
    let p_abandon = (theta * queue / lambda).clamp(0.0, 1.0);
    // An arriving caller who finds j waiting: answered at all, and the wait if answered.
    let within = answered_within(&p[n_us..], n as f64 * mu, theta, target_s);
    let (mut served, mut served_wait, mut served_within) = (0.0, 0.0, 0.0);
    let (mut chance, mut mean) = (1.0, 0.0);
    for (j, x) in p[n_us..].iter().enumerate() {
        let r = n as f64 * mu + j as f64 * theta;
        chance *= r / (r + theta);
        mean += 1.0 / (r + theta);
        served += x * chance;
        served_wait += x * chance * mean;
        served_within += x * chance * within.get(j).copied().unwrap_or(0.0);
    }
    let answered = 1.0 - p_wait + served;
    Staffing {
        agents: n,
        scheduled_agents: n,
        service_level: (1.0 - p_wait + served_within).clamp(0.0, 1.0),
        asa_s: if answered > 0.0 { served_wait / answered } else { f64::INFINITY },
        occupancy: (lambda * (1.0 - p_abandon) / (n as f64 * mu)).min(1.0),
        p_wait: p_wait.clamp(0.0, 1.0),
        p_abandon: Some(p_abandon),
    }
}

/// The stationary distribution of the number of callers in the system, `0..` until the tail is
/// negligible: `p(k) ∝ a^k / k!` up to `n`, then each step multiplied by `λ / (nμ + jθ)`.
fn stationary(n: u32, a: f64, lambda: f64, service: f64, theta: f64) -> Vec<f64> {
    let mut log = Vec::with_capacity(n as usize + 256);
    log.push(0.0f64);
    for k in 1..=n {
        log.push(log[k as usize - 1] + (a / k as f64).ln());
    }
    let mut top = log.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for j in 1..=MAX_QUEUE {
        let ratio = lambda / (service + j as f64 * theta);
        let next = log[log.len() - 1] + ratio.ln();
        top = top.max(next);
        log.push(next);
        if ratio < 1.0 && next < top - TAIL {
            break;
        }
    }
    let weights: Vec<f64> = log.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = weights.iter().sum();
    weights.into_iter().map(|w| w / total).collect()
}

/// Queue positions computed exactly; beyond them the sum of so many exponentials is close to a
/// gamma distribution, and exact work would grow with (answer rate × answer time)².
const EXACT: usize = 64;

/// For a caller who finds `j` waiting (for every `j` of `waiting`), the chance that the `j + 1`
/// steps forward, at rates `service + (k + 1)·θ` for `k = 0..=j` (the own patience folded in),
/// all come within `t`. The first [`EXACT`] positions by uniformisation (a Poisson number of
/// ticks at the highest rate, each tick a step with the state's rate over that rate); further
/// back, a gamma distribution with the same mean and variance (Wilson–Hilferty).
fn answered_within(waiting: &[f64], service: f64, theta: f64, t: f64) -> Vec<f64> {
    // Queue lengths an arriving caller practically never finds add nothing to the service level.
    let states = waiting.iter().rposition(|&p| p > 1e-16).map_or(0, |j| j + 1);
    let mut within = vec![0.0; waiting.len()];
    if t <= 0.0 || states == 0 {
        return within;
    }
    let rate = |m: usize| service + m as f64 * theta; // m steps left, m ≥ 1
    let exact = uniformised(states.min(EXACT), rate, t);
    within[..exact.len()].copy_from_slice(&exact);
    let (mut mean, mut var) = (0.0, 0.0);
    for m in 1..=states {
        mean += 1.0 / rate(m);
        var += 1.0 / (rate(m) * rate(m));
        if m > EXACT {
            within[m - 1] = gamma_cdf(t, mean, var);
        }
    }
    within
}

/// The chance that 1..=`top` steps at `rate(m)` (m steps left) all come within `t`.
fn uniformised(top: usize, rate: impl Fn(usize) -> f64, t: f64) -> Vec<f64> {
    let uniform = rate(top);
    let mean = uniform * t;
    let ticks = (mean + 10.0 * mean.sqrt() + 20.0).ceil() as usize;
    // u[m]: reached the agent within the ticks so far, starting m steps away.
    let mut u = vec![0.0; top + 1];
    u[0] = 1.0;
    let mut out = vec![0.0; top + 1];
    let mut log_weight = -mean; // log of the Poisson weight of the tick count
    for i in 0..=ticks {
        if i > 0 {
            for m in (1..=top.min(i)).rev() {
                let step = rate(m) / uniform;
                u[m] = step * u[m - 1] + (1.0 - step) * u[m];
            }
            log_weight += (mean / i as f64).ln();
        }
        let w = log_weight.exp();
        if w > 0.0 {
            for m in 1..=top.min(i) {
                out[m] += w * u[m];
            }
        }
    }
    out[1..].iter().map(|x| x.clamp(0.0, 1.0)).collect()
}

/// P(X ≤ x) for a gamma distribution of this mean and variance, by the Wilson–Hilferty cube root.
fn gamma_cdf(x: f64, mean: f64, var: f64) -> f64 {
    let shape = mean * mean / var;
    let z = ((x / mean).cbrt() - (1.0 - 1.0 / (9.0 * shape))) / (1.0 / (9.0 * shape)).sqrt();
    normal_cdf(z)
}

/// The standard normal distribution, from erfc (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7).
fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.26551223
        + t * (1.00002368
            + t * (0.37409196
                + t * (0.09678418
                    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    let erfc = t * poly.exp();
    0.5 * if x >= 0.0 { erfc } else { 2.0 - erfc }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::erlang_c_staffing;

    const LOAD: Load = Load { calls: 100.0, interval_s: 1800.0, aht_s: 180.0 };

    #[test]
    fn very_patient_callers_are_erlang_c() {
        for n in [11, 12, 14, 20] {
            let a = staffing(n, &LOAD, 1e8, 20.0);
            let c = erlang_c_staffing(n, &LOAD, 20.0);
            assert!((a.p_wait - c.p_wait).abs() < 1e-4, "{n}: {a:?} {c:?}");
            assert!((a.service_level - c.service_level).abs() < 1e-4, "{n}: {a:?} {c:?}");
            assert!((a.asa_s - c.asa_s).abs() < 1e-2, "{n}: {a:?} {c:?}");
            assert!(a.p_abandon.unwrap() < 1e-5);
        }
    }

    #[test]
    fn what_is_not_answered_is_abandoned() {
        // Answered = no wait, or waited and reached an agent; the rest hung up (θ·E[queue] / λ).
        let (lambda, mu, theta) = (LOAD.calls / LOAD.interval_s, 1.0 / LOAD.aht_s, 1.0 / 60.0);
        for n in [6, 9, 10, 12] {
            let p = stationary(n, lambda / mu, lambda, n as f64 * mu, theta);
            let (mut chance, mut answered) = (1.0, 0.0);
            for (j, x) in p[n as usize..].iter().enumerate() {
                let r = n as f64 * mu + j as f64 * theta;
                chance *= r / (r + theta);
                answered += x * chance;
            }
            let s = staffing(n, &LOAD, 60.0, 20.0);
            let gone = 1.0 - (1.0 - s.p_wait + answered);
            assert!((gone - s.p_abandon.unwrap()).abs() < 1e-9, "{n}: {gone} vs {s:?}");
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn an_overloaded_queue_stays_finite_and_callers_hang_up() {
        let s = staffing(5, &LOAD, 120.0, 20.0); // 10 Erlang on 5 agents
        assert!(s.p_abandon.unwrap() > 0.4 && s.p_abandon.unwrap() < 0.6, "{s:?}");
        assert!(s.service_level < 0.2 && s.service_level.is_finite() && s.asa_s.is_finite());
        let big = Load { calls: 20_000.0, interval_s: 1800.0, aht_s: 180.0 };
        for n in [1500, 2000, 2050] {
            let s = staffing(n, &big, 90.0, 20.0);
            assert!(s.service_level.is_finite() && (0.0..=1.0).contains(&s.service_level), "{n}: {s:?}");
        }
    }

    #[test]
    fn far_back_in_the_queue_the_gamma_meets_the_exact_sum() {
        // 200 positions exactly, against the approximation used beyond EXACT.
        let (service, theta, t) = (2.0, 1.0 / 120.0, 60.0);
        let rate = |m: usize| service + m as f64 * theta;
        let exact = uniformised(200, rate, t);
        let (mut mean, mut var) = (0.0, 0.0);
        for m in 1..=200 {
            mean += 1.0 / rate(m);
            var += 1.0 / (rate(m) * rate(m));
            if m > EXACT {
                assert!((gamma_cdf(t, mean, var) - exact[m - 1]).abs() < 0.01, "{m}: {} vs {}", gamma_cdf(t, mean, var), exact[m - 1]);
            }
        }
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7 && (normal_cdf(1.96) - 0.975).abs() < 1e-4);
    }

    #[test]
    fn a_large_overloaded_centre_with_long_answer_times_stays_finite() {
        // 2,000 Erlang, 10 s calls, an answer target of 10 minutes: the worst case allowed.
        let load = Load { calls: 360_000.0, interval_s: 1800.0, aht_s: 10.0 };
        let s = staffing(1500, &load, 3600.0, 600.0);
        assert!(s.service_level.is_finite() && s.service_level < 0.5 && s.p_abandon.unwrap() > 0.2, "overloaded: {s:?}");
    }

    #[test]
    fn no_answer_time_means_no_wait() {
        let s = staffing(12, &LOAD, 60.0, 0.0);
        assert!((s.service_level - (1.0 - s.p_wait)).abs() < 1e-12);
    }

    proptest::proptest! {
        #[test]
        fn figures_improve_with_agents(calls in 10.0f64..2000.0, aht in 30.0f64..600.0, patience in 10.0f64..600.0, n in 1u32..200) {
            let load = Load { calls, interval_s: 1800.0, aht_s: aht };
            let (a, b) = (staffing(n, &load, patience, 20.0), staffing(n + 1, &load, patience, 20.0));
            proptest::prop_assert!(b.service_level >= a.service_level - 1e-9, "{a:?} {b:?}");
            proptest::prop_assert!(b.p_abandon.unwrap() <= a.p_abandon.unwrap() + 1e-9, "{a:?} {b:?}");
            proptest::prop_assert!((0.0..=1.0).contains(&a.service_level) && (0.0..=1.0).contains(&a.p_abandon.unwrap()));
        }
    }
}
