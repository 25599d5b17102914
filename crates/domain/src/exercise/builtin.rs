//! The scenarios every installation has: the collaboration's table-top exercise and five more.
//! They are data (`crates/domain/data/scenarios/*.json`, the same format as an import).

use super::scenario::{NewScenario, Scenario};
use crate::org::Organisation;

/// The seeds' table-top exercise: the grid operator's cyber attack, the masts down at T+2h.
pub const TABLE_TOP: &str = "energinet-cyberangreb";

const FILES: &[(&str, &str)] = &[
    ("energinet-cyberangreb", include_str!("../../data/scenarios/energinet-cyberangreb.json")),
    ("omstilling-it-nedbrud", include_str!("../../data/scenarios/omstilling-it-nedbrud.json")),
    ("fjernvarme-brand", include_str!("../../data/scenarios/fjernvarme-brand.json")),
    ("evakuering-borgerservice", include_str!("../../data/scenarios/evakuering-borgerservice.json")),
    ("kogeanbefaling", include_str!("../../data/scenarios/kogeanbefaling.json")),
    ("oversvoemmelse", include_str!("../../data/scenarios/oversvoemmelse.json")),
];

pub fn ids() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(id, _)| *id)
}

pub fn is_builtin(id: &str) -> bool {
    FILES.iter().any(|(i, _)| *i == id)
}

/// The built-in scenario `id`, checked against the organisations. A built-in names only
/// municipalities of the reference list (the tests hold every one to it): one that an
/// installation's list lacks is left out rather than half shown.
pub fn get(id: &str, orgs: &[Organisation]) -> Option<Scenario> {
    let (_, json) = FILES.iter().find(|(i, _)| *i == id)?;
    serde_json::from_str::<NewScenario>(json).ok()?.validate(orgs).ok()
}

pub fn all(orgs: &[Organisation]) -> Vec<Scenario> {
    ids().filter_map(|id| get(id, orgs)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::{At, InjectChannel, Recipient};
    use crate::role::StaffRole;

    #[test]
    fn every_builtin_is_valid_and_named_by_its_file() {
        let orgs = crate::org::reference();
        for (id, json) in FILES {
            let new: NewScenario = serde_json::from_str(json).unwrap_or_else(|e| panic!("{id}: {e}"));
            new.validate(&orgs).unwrap_or_else(|e| panic!("{id}: {e}"));
        }
        for s in all(&orgs) {
            assert!(ids().any(|id| id == s.id), "{} is not its file's name", s.id);
            assert!(s.injects.len() >= 10, "{}: {} injects", s.id, s.injects.len());
            assert!(!s.guide.situations.is_empty(), "{} has no guide rows", s.id);
            assert!(!s.load.questions.is_empty() && !s.load.calls.is_empty(), "{} has no load", s.id);
            for role in StaffRole::ALL {
                assert!(s.injects.iter().any(|i| i.to == Recipient::Role(*role)), "{}: nothing for {role}", s.id);
            }
            for channel in InjectChannel::ALL {
                assert!(s.injects.iter().any(|i| i.channel == *channel), "{}: no inject by {channel}", s.id);
            }
            assert!(s.injects.iter().any(|i| i.at == At::Manual), "{}: no manual inject", s.id);
        }
        assert_eq!(all(&orgs).len(), 6);
    }

    #[test]
    fn the_table_top_loses_the_masts_at_two_hours_with_a_second_spike() {
        let s = get(TABLE_TOP, &crate::org::reference()).unwrap();
        assert_eq!(s.affected.len(), 11, "the North Jutland municipalities");
        assert!(s.injects.iter().any(|i| i.at == At::Offset(7200)), "an inject at T+02:00");
        let interval = i64::from(s.load.interval_min) * 60;
        let peak = |from: i64, to: i64| (from..to).step_by(interval as usize).map(|t| s.load.calls_at(t)).max().unwrap();
        assert!(peak(7200, 3 * 3600) > peak(0, 7200), "the second spike is the larger");
    }
}
