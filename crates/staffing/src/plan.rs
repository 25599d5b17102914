//! The staffing plan for the coming intervals: forecast calls (or the staffing lead's own
//! figure), the agents they need, the agents rostered, and the gap, with recommendations that
//! join neighbouring intervals short of the same kind ("need 12 more agents 14:00–16:00").

use crate::erlang::{Load, StaffingError, Targets, required};
use crate::forecast::forecast;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlanRow {
    pub forecast_calls: f64,
    /// The staffing lead's own figure replaced the forecast.
    pub overridden: bool,
    /// On the phone, to meet the targets.
    pub required_agents: u32,
    /// To schedule, after shrinkage.
    pub scheduled_agents: u32,
    pub rostered_agents: u32,
    /// Scheduled minus rostered: positive is a shortfall, negative a surplus.
    pub gap: i64,
}

/// What the plan needs.
pub struct PlanInput<'a> {
    /// Calls of the intervals so far, oldest first, without holes.
    pub history: &'a [f64],
    /// Intervals between the last one in `history` and the first one planned (figures that lag).
    pub skip: usize,
    pub horizon: usize,
    /// The staffing lead's own figures, by index into the horizon.
    pub overrides: &'a [(usize, f64)],
    /// Agents rostered per interval of the horizon (missing: none).
    pub rostered: &'a [u32],
    pub interval_s: f64,
    pub aht_s: f64,
    pub targets: Targets,
}

pub fn plan(input: &PlanInput) -> Result<Vec<PlanRow>, StaffingError> {
    let predicted = forecast(input.history, input.skip + input.horizon);
    predicted[input.skip..]
        .iter()
        .copied()
        .enumerate()
        .map(|(i, f)| {
            let own = input.overrides.iter().find(|(k, _)| *k == i).map(|(_, c)| *c);
            // Beyond any real crisis line; keeps a runaway trend within the calculator's bounds.
            let calls = own.unwrap_or(f).min(1e6);
            let s = required(&Load { calls, interval_s: input.interval_s, aht_s: input.aht_s }, &input.targets)?;
            let rostered = input.rostered.get(i).copied().unwrap_or(0);
            Ok(PlanRow {
                forecast_calls: calls,
                overridden: own.is_some(),
                required_agents: s.agents,
                scheduled_agents: s.scheduled_agents,
                rostered_agents: rostered,
                gap: s.scheduled_agents as i64 - rostered as i64,
            })
        })
        .collect()
}

/// Neighbouring intervals with a shortfall (or a surplus of at least `spare`), joined: from
/// the first to the last index, the largest gap among them and the smallest (a surplus as
/// negative numbers, `agents` the one furthest from zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    pub from: usize,
    pub to: usize,
    pub agents: i64,
    pub least: i64,
}

pub fn recommendations(rows: &[PlanRow], spare: i64) -> Vec<Recommendation> {
    let kind = |g: i64| {
        if g > 0 {
            1
        } else if g <= -spare.max(1) {
            -1
        } else {
            0
        }
    };
    let mut out: Vec<Recommendation> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let k = kind(r.gap);
        if k == 0 {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.to + 1 == i && kind(last.agents) == k => {
                last.to = i;
                (last.agents, last.least) =
                    if k > 0 { (last.agents.max(r.gap), last.least.min(r.gap)) } else { (last.agents.min(r.gap), last.least.max(r.gap)) };
            }
            _ => out.push(Recommendation { from: i, to: i, agents: r.gap, least: r.gap }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> Targets {
        Targets { target_answer_s: 20.0, service_level: 0.8, shrinkage: 0.3, max_occupancy: 1.0, patience_s: None, max_abandon: None }
    }

    #[test]
    fn a_plan_from_a_steady_line_with_an_override_and_a_roster() {
        let history = [100.0; 8];
        let input = PlanInput {
            history: &history,
            skip: 0,
            horizon: 4,
            overrides: &[(2, 200.0)],
            rostered: &[20, 20, 20],
            interval_s: 1800.0,
            aht_s: 180.0,
            targets: targets(),
        };
        let rows = plan(&input).unwrap();
        assert_eq!(rows[0].required_agents, 14, "the published example");
        assert_eq!((rows[0].scheduled_agents, rows[0].gap), (20, 0));
        assert!(rows[2].overridden && rows[2].forecast_calls == 200.0 && rows[2].gap > 0, "{rows:?}");
        assert_eq!((rows[3].rostered_agents, rows[3].gap), (0, 20), "nobody rostered for the last interval");
        let recs = recommendations(&rows, 3);
        assert_eq!(recs, vec![Recommendation { from: 2, to: 3, agents: rows[2].gap.max(20), least: rows[2].gap.min(20) }]);
    }

    #[test]
    fn surpluses_are_joined_apart_from_shortfalls() {
        let row =
            |gap| PlanRow { forecast_calls: 0.0, overridden: false, required_agents: 0, scheduled_agents: 0, rostered_agents: 0, gap };
        let rows: Vec<PlanRow> = [5, 12, 0, -1, -6, -4, 3].into_iter().map(row).collect();
        assert_eq!(
            recommendations(&rows, 3),
            vec![
                Recommendation { from: 0, to: 1, agents: 12, least: 5 },
                Recommendation { from: 4, to: 5, agents: -6, least: -4 },
                Recommendation { from: 6, to: 6, agents: 3, least: 3 },
            ]
        );
    }

    #[test]
    fn bad_targets_are_an_error() {
        let t = Targets { service_level: 1.5, ..targets() };
        let input = PlanInput {
            history: &[10.0],
            skip: 0,
            horizon: 2,
            overrides: &[],
            rostered: &[],
            interval_s: 1800.0,
            aht_s: 180.0,
            targets: t,
        };
        assert!(matches!(plan(&input), Err(StaffingError::Invalid { field: "target_service_level", .. })));
    }
}
