//! The synthetic citizens' share of a stretch of scenario time: the calls of each planning
//! interval that ended in it, and how many chatbot questions, inquiries and callback requests
//! fall in it at their hourly rates. Deterministic, so that a stretch is never counted twice.

use super::Load;

/// Calls offered in each planning interval (`interval_s` long, from T+0) that ended after
/// `from_s` and by `to_s`: (its start in scenario seconds, calls). Each of the curve's intervals
/// spreads its calls evenly over its length, so a curve of hours shares its calls between half
/// hours, and every call is counted once whatever the planning interval.
pub fn call_intervals(load: &Load, from_s: i64, to_s: i64, interval_s: i64) -> Vec<(i64, u32)> {
    let step = i64::from(load.interval_min.max(1)) * 60;
    // Calls offered before scenario second `t`.
    let before = |t: i64| -> u64 {
        let t = t.max(0);
        let whole = usize::try_from(t / step).unwrap_or(usize::MAX);
        let done: u64 = load.calls.iter().take(whole).map(|c| u64::from(*c)).sum();
        let part = load.calls.get(whole).map_or(0, |c| u64::from(*c) * (t % step) as u64 / step as u64);
        done + part
    };
    let (first, last) = (from_s.div_euclid(interval_s), to_s.div_euclid(interval_s));
    (first..last)
        .map(|k| (k * interval_s, (before((k + 1) * interval_s) - before(k * interval_s)) as u32))
        .filter(|(start, _)| start + interval_s > from_s)
        .collect()
}

/// How many of something that comes `per_hour` times an hour, evenly spread, fall after
/// `from_s` and by `to_s`.
pub fn due(per_hour: u32, from_s: i64, to_s: i64) -> u64 {
    let count = |t: i64| (t.max(0) as u128 * u128::from(per_hour) / 3600) as u64;
    count(to_s).saturating_sub(count(from_s))
}

/// Whether the stretch `from_s..to_s` holds any synthetic load: a planning interval that ended,
/// or (while the exercise incident is live, when citizens ask about it) a chatbot question, an
/// inquiry or a callback request. A stretch without any is not worth a write.
pub fn anything_due(load: &Load, from_s: i64, to_s: i64, interval_s: i64, live: bool) -> bool {
    let ended = to_s.div_euclid(interval_s) > from_s.div_euclid(interval_s);
    let rates = [load.questions_per_hour, load.inquiries_per_hour, load.callbacks_per_hour];
    ended || (live && rates.iter().any(|r| due(*r, from_s, to_s) > 0))
}

/// The `k`-th synthetic thing of a stretch: which question, row or municipality it takes, in turn.
pub fn pick<T>(items: &[T], k: u64) -> Option<&T> {
    (!items.is_empty()).then(|| &items[(k % items.len() as u64) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load() -> Load {
        Load { interval_min: 15, calls: vec![10, 20, 30, 40, 50], ..Load::default() }
    }

    #[test]
    fn half_hour_intervals_add_up_the_quarter_hours_once() {
        let l = load();
        assert_eq!(call_intervals(&l, 0, 1799, 1800), vec![], "the first half hour has not ended");
        assert_eq!(call_intervals(&l, 0, 1800, 1800), vec![(0, 30)]);
        assert_eq!(call_intervals(&l, 1800, 5400, 1800), vec![(1800, 70), (3600, 50)]);
        // Stretch by stretch, every interval is counted exactly once.
        let mut stepped = Vec::new();
        for t in (0..=7200).step_by(700) {
            stepped.extend(call_intervals(&l, t, t + 700, 1800));
        }
        assert_eq!(stepped, vec![(0, 30), (1800, 70), (3600, 50), (5400, 0)]);
    }

    #[test]
    fn a_stretch_is_worth_a_write_when_something_falls_in_it() {
        let l = Load { questions_per_hour: 60, ..load() };
        assert!(!anything_due(&l, 0, 59, 1800, true), "the first question comes at one minute");
        assert!(anything_due(&l, 0, 60, 1800, true));
        assert!(!anything_due(&l, 0, 600, 1800, false), "nobody asks about a crisis that is not live");
        assert!(anything_due(&l, 1700, 1800, 1800, false), "but the half hour's calls come");
    }

    #[test]
    fn a_curve_of_hours_shares_its_calls_between_half_hours() {
        let l = Load { interval_min: 60, calls: vec![101, 40], ..Load::default() };
        assert_eq!(call_intervals(&l, 0, 7200, 1800), vec![(0, 50), (1800, 51), (3600, 20), (5400, 20)]);
        assert_eq!(call_intervals(&l, 0, 7200, 900).iter().map(|(_, c)| c).sum::<u32>(), 141, "every call once");
    }

    #[test]
    fn rates_spread_evenly_and_add_up() {
        assert_eq!(due(120, 0, 3600), 120);
        assert_eq!((0..3600).step_by(60).map(|t| due(120, t, t + 60)).sum::<u64>(), 120);
        assert_eq!(due(4, 0, 899), 0);
        assert_eq!(due(4, 0, 900), 1);
        assert_eq!(due(0, 0, 99_999), 0);
        assert_eq!(pick(&["a", "b"], 3), Some(&"b"));
        assert_eq!(pick::<u8>(&[], 3), None);
    }
}
