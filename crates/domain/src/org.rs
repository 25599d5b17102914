//! Organisations: municipalities, regions and other authorities.

use crate::{DomainError, word_enum};
use serde::Serialize;

word_enum!(
    OrgKind, "organisation kind" {
        Municipality = "municipality",
        Region = "region",
        Authority = "authority",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    /// The region code the organisation belongs to, if any.
    pub region: Option<String>,
    pub population: i64,
    /// Member of the shared contact-centre collaboration.
    pub member: bool,
}

/// The collaboration itself: the home organisation of the secretariat and the crisis staff.
pub fn collaboration() -> Organisation {
    Organisation {
        code: "DDH".into(),
        name: "Den Digitale Hotline".into(),
        kind: OrgKind::Authority,
        region: None,
        population: 0,
        member: false,
    }
}

/// All 98 municipalities and 5 regions (Danmarks Statistik codes and FOLK1A populations),
/// plus the collaboration. Member flags are the demo's selection; `serve` starts with none.
pub fn reference() -> Vec<Organisation> {
    let mut out: Vec<Organisation> = include_str!("../data/organisations.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| parse_row(line).unwrap_or_else(|e| panic!("built-in organisation data: {e}: {line}")))
        .collect();
    out.push(collaboration());
    out
}

fn parse_row(line: &str) -> Result<Organisation, DomainError> {
    let cols: Vec<&str> = line.split(';').collect();
    let [code, name, kind, region, population, member] = cols[..] else {
        return Err(DomainError::invalid("row", "expected 6 columns"));
    };
    Ok(Organisation {
        code: code.to_string(),
        name: name.to_string(),
        kind: kind.parse()?,
        region: Some(region.to_string()).filter(|r| !r.is_empty()),
        population: population.parse().map_err(|_| DomainError::invalid("population", "not a number"))?,
        member: member == "1",
    })
}

/// Organisation codes are four digits (Danmarks Statistik) or a short upper-case tag for other authorities.
pub fn valid_code(code: &str) -> bool {
    let digits = code.len() == 4 && code.chars().all(|c| c.is_ascii_digit());
    let tag = (2..=12).contains(&code.len()) && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    digits || tag
}

/// The reference data as a fresh installation starts: nobody is a member until configured.
pub fn reference_without_members() -> Vec<Organisation> {
    reference().into_iter().map(|o| Organisation { member: false, ..o }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_has_98_municipalities_and_5_regions() {
        let orgs = reference();
        let count = |k| orgs.iter().filter(|o| o.kind == k).count();
        assert_eq!(count(OrgKind::Municipality), 98);
        assert_eq!(count(OrgKind::Region), 5);
        let aarhus = orgs.iter().find(|o| o.code == "0751").unwrap();
        assert_eq!(aarhus.name, "Aarhus");
        assert_eq!(aarhus.region.as_deref(), Some("1082"));
        assert!(orgs.iter().all(|o| valid_code(&o.code)));
        let total: i64 = orgs.iter().filter(|o| o.kind == OrgKind::Municipality).map(|o| o.population).sum();
        assert!((5_900_000..6_100_000).contains(&total), "{total}");
    }

    #[test]
    fn about_forty_demo_members() {
        let members = reference().iter().filter(|o| o.member).count();
        assert!((35..=45).contains(&members), "{members}");
    }
}
