//! The coming intervals' calls from the crisis's own curve so far: exponential smoothing with a
//! damped trend (Gardner–McKenzie). A crisis line's calls rise steeply and then level off or
//! fall; a damped trend follows the rise without extrapolating it for ever. The smoothing
//! weights are fitted to the crisis's own intervals (least one-step-ahead squared error).

/// The smoothing weights: level, trend and damping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub alpha: f64,
    pub beta: f64,
    pub phi: f64,
}

const ALPHAS: [f64; 5] = [0.2, 0.35, 0.5, 0.7, 0.9];
const BETAS: [f64; 4] = [0.05, 0.15, 0.3, 0.5];
const PHIS: [f64; 4] = [0.7, 0.8, 0.9, 0.98];

/// Level and trend after smoothing `history`, and the one-step squared error on the way.
fn smooth(history: &[f64], f: Fit) -> (f64, f64, f64) {
    let mut level = history[0];
    let mut trend = history.get(1).map_or(0.0, |x| x - history[0]);
    let mut error = 0.0;
    for &x in &history[1..] {
        let predicted = level + f.phi * trend;
        error += (x - predicted.max(0.0)).powi(2);
        let new_level = f.alpha * x + (1.0 - f.alpha) * predicted;
        trend = f.beta * (new_level - level) + (1.0 - f.beta) * f.phi * trend;
        level = new_level;
    }
    (level, trend, error)
}

/// The best weights for `history` (at least three intervals; fewer give a flat forecast).
pub fn fit(history: &[f64]) -> Option<Fit> {
    if history.len() < 3 {
        return None;
    }
    let fits = ALPHAS.iter().flat_map(|&alpha| BETAS.iter().flat_map(move |&beta| PHIS.iter().map(move |&phi| Fit { alpha, beta, phi })));
    fits.map(|f| (smooth(history, f).2, f)).min_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, f)| f)
}

/// Calls for each of the next `horizon` intervals, never below zero. With no history: zeros;
/// with one or two intervals: the last one repeated.
pub fn forecast(history: &[f64], horizon: usize) -> Vec<f64> {
    let Some(&last) = history.last() else { return vec![0.0; horizon] };
    let Some(f) = fit(history) else { return vec![last.max(0.0); horizon] };
    let (level, trend, _) = smooth(history, f);
    let mut damping = 0.0;
    (1..=horizon)
        .map(|h| {
            damping += f.phi.powi(h as i32);
            (level + damping * trend).max(0.0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_line_stays_steady() {
        let f = forecast(&[120.0; 12], 4);
        assert!(f.iter().all(|x| (x - 120.0).abs() < 1e-9), "{f:?}");
    }

    #[test]
    fn a_rise_is_followed_but_damped() {
        let rising: Vec<f64> = (0..10).map(|i| 50.0 + 20.0 * i as f64).collect(); // 50 … 230
        let f = forecast(&rising, 8);
        assert!(f[0] > 230.0 && f[0] < 270.0, "{f:?}");
        let steps: Vec<f64> = f.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(steps.windows(2).all(|s| s[1] <= s[0] + 1e-9), "the trend is damped: {f:?}");
        assert!(f[7] < 230.0 + 8.0 * 20.0, "not a straight line for ever: {f:?}");
    }

    #[test]
    fn a_falling_curve_never_goes_below_zero() {
        let f = forecast(&[400.0, 300.0, 200.0, 100.0, 40.0, 10.0], 6);
        assert!(f.iter().all(|&x| x >= 0.0), "{f:?}");
        assert!(f[0] < 40.0, "{f:?}");
    }

    #[test]
    fn little_history() {
        assert_eq!(forecast(&[], 2), [0.0, 0.0]);
        assert_eq!(forecast(&[80.0, 90.0], 2), [90.0, 90.0]);
    }

    #[test]
    fn it_beats_the_last_value_on_a_crisis_curve() {
        // A crisis curve: a steep rise, a peak and a slow decay, with noise (fixed).
        let noise = [3.0, -5.0, 4.0, -2.0, 6.0, -4.0, 1.0, -6.0, 5.0, -3.0, 2.0, -1.0, 4.0, -5.0, 3.0, -2.0];
        let curve: Vec<f64> = (0..16).map(|i| 600.0 * (i as f64 / 4.0) * (-(i as f64) / 4.0).exp() + 20.0 + noise[i]).collect();
        let (mut ours, mut naive) = (0.0, 0.0);
        for t in 6..15 {
            ours += (forecast(&curve[..t], 1)[0] - curve[t]).abs();
            naive += (curve[t - 1] - curve[t]).abs();
        }
        assert!(ours < naive, "ours {ours:.1} vs last value {naive:.1}");
    }
}
