//! Awarding the open seats of the shifts to the members that bid for them, spread fairly: each
//! seat goes to the bidder with the fewest seats awarded so far in the whole plan (then the
//! fewest in this shift, then the larger bid still open, then the earlier member).

/// `open[shift]` seats; `bids[shift][member]` agents offered. Returns `awards[shift][member]`,
/// never above a bid nor above the open seats.
pub fn award(open: &[u32], bids: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let members = bids.iter().map(Vec::len).max().unwrap_or(0);
    let mut total = vec![0u32; members];
    let mut out: Vec<Vec<u32>> = bids.iter().map(|b| vec![0; b.len()]).collect();
    for (s, (&seats, offered)) in open.iter().zip(bids).enumerate() {
        for _ in 0..seats {
            let next = (0..offered.len())
                .filter(|&m| out[s][m] < offered[m])
                .min_by_key(|&m| (total[m], out[s][m], std::cmp::Reverse(offered[m] - out[s][m]), m));
            let Some(m) = next else { break };
            out[s][m] += 1;
            total[m] += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn awards_spread_over_the_bidders() {
        // Two shifts of 4 open seats; member 0 offers everything, members 1 and 2 two each.
        let awards = award(&[4, 4], &[vec![4, 2, 0], vec![4, 0, 2]]);
        assert_eq!(awards, vec![vec![2, 2, 0], vec![2, 0, 2]]);
        // Not enough bids: the gap stays open.
        assert_eq!(award(&[5], &[vec![1, 2]]), vec![vec![1, 2]]);
        assert_eq!(award(&[], &[]), Vec::<Vec<u32>>::new());
    }

    proptest! {
        #[test]
        fn never_above_a_bid_or_the_open_seats(open in prop::collection::vec(0u32..20, 1..10), members in 1usize..8, seed in any::<u64>()) {
            let bids: Vec<Vec<u32>> = open.iter().enumerate().map(|(s, _)| (0..members).map(|m| ((seed >> ((s * 7 + m) % 60)) & 7) as u32).collect()).collect();
            let awards = award(&open, &bids);
            for (s, row) in awards.iter().enumerate() {
                prop_assert!(row.iter().sum::<u32>() <= open[s]);
                prop_assert_eq!(row.iter().sum::<u32>(), open[s].min(bids[s].iter().sum()), "fills what the bids allow");
                prop_assert!(row.iter().zip(&bids[s]).all(|(a, b)| a <= b));
            }
        }
    }
}
