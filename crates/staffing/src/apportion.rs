//! Fair shares of shifts: the Sainte-Laguë method (highest averages with the divisors 1, 3, 5, …)
//! gives seats to members by population, one seat at a time. Because each seat is added to the
//! previous apportionment, no member ever loses a seat when the total grows.

/// Seats for each weight (population), in the order given. Ties go to the larger weight, then
/// to the earlier one. A weight of 0 gets nothing unless every weight is 0.
pub fn sainte_lague(weights: &[u64], seats: u32) -> Vec<u32> {
    let mut out = vec![0u32; weights.len()];
    add_seats(weights, &mut out, seats);
    out
}

/// Adds `seats` one at a time to the apportionment `out`: the next seat goes to the highest
/// quotient `weight / (2·seats + 1)`.
fn add_seats(weights: &[u64], out: &mut [u32], seats: u32) {
    if weights.is_empty() {
        return;
    }
    let all_zero = weights.iter().all(|&w| w == 0);
    for _ in 0..seats {
        let next = (0..weights.len())
            .max_by(|&a, &b| {
                let q = |i: usize| if all_zero { 1.0 } else { weights[i] as f64 } / (2 * out[i] + 1) as f64;
                q(a).total_cmp(&q(b)).then(weights[a].cmp(&weights[b])).then(b.cmp(&a))
            })
            .unwrap_or(0);
        out[next] += 1;
    }
}

/// Seats per shift per member, so that every member's running total stays its Sainte-Laguë
/// share of the seats so far: small members get their seats spread over the shifts instead of
/// never getting one. `result[shift][member]`.
pub fn spread(weights: &[u64], per_shift: &[u32]) -> Vec<Vec<u32>> {
    let mut running = vec![0u32; weights.len()];
    per_shift
        .iter()
        .map(|&seats| {
            let before = running.clone();
            add_seats(weights, &mut running, seats);
            running.iter().zip(&before).map(|(n, b)| n - b).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_known_apportionment() {
        // The textbook example: 53,000 / 24,000 / 23,000 votes, 7 seats → 3, 2, 2.
        assert_eq!(sainte_lague(&[53_000, 24_000, 23_000], 7), [3, 2, 2]);
        assert_eq!(sainte_lague(&[10, 0], 3), [3, 0]);
        assert_eq!(sainte_lague(&[0, 0], 3), [2, 1]);
        assert!(sainte_lague(&[], 3).is_empty());
    }

    #[test]
    fn small_members_get_their_turn_across_shifts() {
        // Aarhus, Frederikssund, Læsø: over many one-seat shifts even Læsø gets one.
        let per = spread(&[367_000, 46_000, 1_800], &[1; 300]);
        let totals: Vec<u32> = (0..3).map(|m| per.iter().map(|s| s[m]).sum()).collect();
        assert_eq!(totals.iter().sum::<u32>(), 300);
        assert!(totals[2] >= 1, "{totals:?}");
        assert!(per.iter().all(|s| s.iter().sum::<u32>() == 1));
        let cumulative: Vec<u32> = (0..3).map(|m| per.iter().map(|s| s[m]).sum()).collect();
        assert_eq!(cumulative, sainte_lague(&[367_000, 46_000, 1_800], 300), "the running total is the apportionment of the total");
    }

    proptest! {
        #[test]
        fn sums_to_the_total_and_never_takes_a_seat_away(weights in prop::collection::vec(0u64..2_000_000, 1..45), seats in 0u32..300) {
            let now = sainte_lague(&weights, seats);
            prop_assert_eq!(now.iter().sum::<u32>(), seats);
            let more = sainte_lague(&weights, seats + 1);
            prop_assert!(now.iter().zip(&more).all(|(a, b)| b >= a));
        }

        #[test]
        fn shares_stay_close_to_the_quota(weights in prop::collection::vec(1u64..2_000_000, 1..45), seats in 1u32..300) {
            let total: u64 = weights.iter().sum();
            for (w, s) in weights.iter().zip(sainte_lague(&weights, seats)) {
                let quota = seats as f64 * *w as f64 / total as f64;
                // Sainte-Laguë may miss the quota by more than one seat only in rare cases; two is a safe bound.
                prop_assert!((s as f64 - quota).abs() < 2.0, "{} vs {}", s, quota);
            }
        }
    }
}
