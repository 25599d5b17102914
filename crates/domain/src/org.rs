//! Organisations: municipalities, regions and other authorities.

use crate::{DomainError, word_enum};
use serde::{Deserialize, Serialize};

word_enum!(
    OrgKind, "organisation kind" {
        Municipality = "municipality",
        Region = "region",
        Authority = "authority",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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

/// One row of the reference data: an organisation and the other names it goes by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRow {
    pub org: Organisation,
    /// Short forms, older spellings and English names, lower-case (`kbh`, `århus`, `copenhagen`).
    pub aliases: Vec<String>,
}

/// The built-in reference data's rows (`data/organisations.csv`, described in its README).
pub fn reference_rows() -> Vec<ReferenceRow> {
    parse_reference(include_str!("../data/organisations.csv")).unwrap_or_else(|e| panic!("built-in organisation data: {e}"))
}

/// All 98 municipalities and 5 regions (Danmarks Statistik codes and FOLK1A populations),
/// plus the collaboration. Member flags are the demo's selection; `serve` starts with none.
pub fn reference() -> Vec<Organisation> {
    let mut out: Vec<Organisation> = reference_rows().into_iter().map(|r| r.org).collect();
    out.push(collaboration());
    out
}

/// A row of the file as written.
#[derive(Deserialize)]
struct Row {
    code: String,
    name: String,
    kind: OrgKind,
    region: Option<String>,
    population: i64,
    member: u8,
    aliases: Option<String>,
}

/// Reads organisations in the reference data's format: `;`-separated, a header naming the
/// columns (any order), a field quoted when it holds a `;`. A broken row refuses the file.
pub fn parse_reference(text: &str) -> Result<Vec<ReferenceRow>, DomainError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let broken = |line: usize, e: &dyn std::fmt::Display| DomainError::invalid("organisations", format!("line {line}: {e}"));
    let headers = reader.headers().map_err(|e| broken(1, &e))?.clone();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| broken(e.position().map_or(0, |p| p.line() as usize), &e))?;
        let line = crate::text::csv_line(text, &record);
        if record.len() != headers.len() {
            return Err(broken(line, &format!("has {} fields; the header has {}", record.len(), headers.len())));
        }
        let row: Row = record.deserialize(Some(&headers)).map_err(|e| match e.kind() {
            csv::ErrorKind::Deserialize { err, .. } => match (err.kind(), err.field().and_then(|i| headers.get(i as usize))) {
                (csv::DeserializeErrorKind::Message(m), _) => broken(line, m),
                (kind, Some(column)) => broken(line, &format!("{column}: {kind}")),
                (kind, None) => broken(line, kind),
            },
            _ => broken(line, &e),
        })?;
        out.push(reference_row(row).map_err(|e| broken(line, &e))?);
    }
    Ok(out)
}

fn reference_row(row: Row) -> Result<ReferenceRow, String> {
    if row.member > 1 {
        return Err(format!("member: '{}' must be 1 (a member) or 0", row.member));
    }
    let aliases: Vec<String> = row.aliases.unwrap_or_default().split_whitespace().map(str::to_string).collect();
    if let Some(a) = aliases.iter().find(|a| !a.chars().all(|c| c.is_alphanumeric() && !c.is_uppercase())) {
        return Err(format!("aliases: '{a}' must be one word in lower case"));
    }
    let org = Organisation {
        code: row.code,
        name: row.name,
        kind: row.kind,
        region: row.region.filter(|r| !r.is_empty()),
        population: row.population,
        member: row.member == 1,
    };
    Ok(ReferenceRow { org, aliases })
}

/// Organisation codes are four digits (Danmarks Statistik) or a short upper-case tag for other authorities.
pub fn valid_code(code: &str) -> bool {
    let digits = code.len() == 4 && code.chars().all(|c| c.is_ascii_digit());
    let tag = (2..=12).contains(&code.len()) && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    digits || tag
}

/// A Danmarks Statistik code: four digits; 1081–1085 are the regions, the rest municipalities.
pub fn is_statistics_code(code: &str) -> bool {
    code.len() == 4 && code.chars().all(|c| c.is_ascii_digit())
}

pub fn is_region_code(code: &str) -> bool {
    is_statistics_code(code) && ("1081"..="1085").contains(&code)
}

pub fn is_municipality_code(code: &str) -> bool {
    is_statistics_code(code) && !is_region_code(code)
}

/// The code of the organisation `named` names: its code, its name (any case), or the two as a
/// list offers them ("Frederikssund (0250)"). A name that fits several is refused with them
/// listed, so the person can pick one.
pub fn resolve(named: &str, orgs: &[Organisation]) -> Result<String, DomainError> {
    use crate::error::code;
    let named = named.trim();
    let by_code = |c: &str| orgs.iter().find(|o| o.code == c).map(|o| o.code.clone());
    if let Some(c) = by_code(named) {
        return Ok(c);
    }
    if let Some((name, c)) = named.strip_suffix(')').and_then(|n| n.rsplit_once('('))
        && let Some(o) = orgs.iter().find(|o| o.code == c.trim() && o.name.to_lowercase() == name.trim().to_lowercase())
    {
        return Ok(o.code.clone());
    }
    let wanted = named.to_lowercase();
    let matching: Vec<&Organisation> = orgs.iter().filter(|o| o.name.to_lowercase() == wanted).collect();
    let mut p = crate::error::Problems::default();
    match matching[..] {
        [one] => return Ok(one.code.clone()),
        [] => p.add_about(
            "affected",
            code::UNKNOWN_ORG,
            named,
            format!("unknown organisation '{named}': give its code (e.g. 0250) or its name as listed"),
        ),
        _ => {
            let which = matching.iter().map(|o| format!("{} ({})", o.name, o.code)).collect::<Vec<_>>().join(", ");
            p.add_about("affected", code::AMBIGUOUS_ORG, &which, format!("'{named}' names several organisations: {which}"));
        }
    }
    Err(p.into_error())
}

/// How a text names an organisation: a municipality as "Greve Kommune" (København in the
/// genitive, as its council writes it), a region or another authority by its name alone.
pub fn display_name(code: &str, name: &str) -> String {
    match (is_municipality_code(code), name) {
        (true, "København") => "Københavns Kommune".into(),
        (true, _) => format!("{name} Kommune"),
        (false, _) => name.to_string(),
    }
}

/// The municipalities a crisis that affects `affected` reaches, in code order: each affected
/// municipality, and each municipality of an affected region.
pub fn municipalities_reached(affected: &[String], orgs: &[Organisation]) -> Vec<String> {
    let mut out: Vec<String> = orgs
        .iter()
        .filter(|o| is_municipality_code(&o.code))
        .filter(|o| affected.contains(&o.code) || o.region.as_ref().is_some_and(|r| affected.contains(r)))
        .map(|o| o.code.clone())
        .collect();
    out.sort();
    out
}

/// The reference data as a fresh installation starts: nobody is a member until configured.
pub fn reference_without_members() -> Vec<Organisation> {
    reference().into_iter().map(|o| Organisation { member: false, ..o }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisation_is_named_by_its_code_or_its_name() {
        let mut orgs = reference();
        assert_eq!(resolve("0250", &orgs).unwrap(), "0250");
        assert_eq!(resolve(" frederikssund ", &orgs).unwrap(), "0250");
        assert_eq!(resolve("Frederikssund (0250)", &orgs).unwrap(), "0250");
        let unknown = resolve("Frederikssand", &orgs).unwrap_err();
        assert!(matches!(&unknown, DomainError::Invalid(f) if f[0].code == Some(crate::error::code::UNKNOWN_ORG)), "{unknown:?}");
        orgs.push(Organisation { code: "FRS".into(), ..orgs.iter().find(|o| o.code == "0250").unwrap().clone() });
        let two = resolve("Frederikssund", &orgs).unwrap_err().to_string();
        assert!(two.contains("Frederikssund (0250), Frederikssund (FRS)"), "{two}");
        assert_eq!(resolve("Frederikssund (FRS)", &orgs).unwrap(), "FRS");
    }

    #[test]
    fn a_region_reaches_its_municipalities() {
        let orgs = reference();
        assert_eq!(municipalities_reached(&["0250".into()], &orgs), ["0250"]);
        let sjaelland = municipalities_reached(&["0253".into(), "1085".into()], &orgs);
        assert!(sjaelland.len() > 10 && sjaelland.contains(&"0253".to_string()) && !sjaelland.contains(&"1085".to_string()));
    }

    #[test]
    fn organisations_are_named_as_danes_write_them() {
        assert_eq!(display_name("0253", "Greve"), "Greve Kommune");
        assert_eq!(display_name("0101", "København"), "Københavns Kommune");
        assert_eq!(display_name("1085", "Region Sjælland"), "Region Sjælland");
    }

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
    fn every_row_of_the_reference_data_parses() {
        let text = include_str!("../data/organisations.csv");
        let rows = parse_reference(text).unwrap();
        assert_eq!(rows.len(), text.lines().skip(1).filter(|l| !l.trim().is_empty()).count(), "no row dropped");
        let aliases = |code: &str| rows.iter().find(|r| r.org.code == code).map(|r| r.aliases.clone()).unwrap();
        assert_eq!(aliases("0101"), ["kbh", "copenhagen"]);
        assert_eq!(aliases("0751"), ["århus"]);
        assert!(aliases("0575").is_empty());
        let regions = rows.iter().filter(|r| r.org.kind == OrgKind::Region);
        assert!(regions.clone().all(|r| r.org.region.as_deref() == Some(r.org.code.as_str()) && !r.org.member));
    }

    #[test]
    fn a_quoted_name_may_hold_a_separator() {
        let text = "\u{feff}code;name;kind;region;population;member;aliases\r\n\
            0101;\"København; Frederiksberg\";municipality;1084;765323;1;\r\n\
            0999;\"Nord, Syd\";municipality;;10;0;nord syd\r\n";
        let rows = parse_reference(text).unwrap();
        assert_eq!(rows.iter().map(|r| r.org.name.as_str()).collect::<Vec<_>>(), ["København; Frederiksberg", "Nord, Syd"]);
        assert_eq!((rows[0].org.member, rows[1].org.region.as_deref()), (true, None));
        assert_eq!(rows[1].aliases, ["nord", "syd"]);
        // The columns by their names, in any order; aliases may be left out.
        let rows = parse_reference("name;code;member;kind;population;region\nAarhus;0751;0;municipality;367095;1082\n").unwrap();
        assert_eq!((rows[0].org.code.as_str(), rows[0].aliases.len()), ("0751", 0));
    }

    #[test]
    fn a_broken_row_refuses_the_data_by_its_line() {
        let head = "code;name;kind;region;population;member;aliases\n0101;København;municipality;1084;660842;0;kbh\n\n";
        for (row, want) in [
            ("0147;Frederiksberg;kommune;1084;104481;0;", "line 4: organisation kind: unknown organisation kind 'kommune'"),
            ("0147;Frederiksberg;municipality;1084;mange;0;", "line 4: population: invalid digit"),
            ("0147;Frederiksberg;municipality;1084;104481;ja;", "line 4: member: invalid digit"),
            ("0147;Frederiksberg;municipality;1084;104481;2;", "line 4: member"),
            ("0147;Frederiksberg;municipality;1084;104481;0;Frb", "line 4: aliases: 'Frb'"),
            ("0147;Frederiksberg;municipality;1084", "line 4: has 4 fields; the header has 7"),
        ] {
            let e = parse_reference(&format!("{head}{row}\n")).unwrap_err().to_string();
            assert!(e.contains(want), "{row}: {e}");
        }
    }

    #[test]
    fn about_forty_demo_members() {
        let members = reference().iter().filter(|o| o.member).count();
        assert!((35..=45).contains(&members), "{members}");
    }

    #[test]
    fn statistics_codes_tell_regions_from_municipalities() {
        assert!(is_municipality_code("0250") && !is_region_code("0250"));
        assert!(is_region_code("1084") && !is_municipality_code("1084"));
        assert!(!is_municipality_code("DDH") && !is_municipality_code("250") && !is_region_code("10845"));
        let orgs = reference();
        assert!(orgs.iter().all(|o| is_region_code(&o.code) == (o.kind == OrgKind::Region)), "the reference data agrees");
    }
}
