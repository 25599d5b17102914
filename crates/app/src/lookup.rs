//! Search for agents: one query over the live crisis guides and the everyday guides, the
//! caller's municipality first and every other hit named by its municipality, leaving out
//! crisis hits of incidents the caller may not see.

use crate::live::Crises;
use crate::{App, Error, Refusal, Result};
use domain::{Actor, Permission};

pub const LIMIT_MAX: usize = 50;

impl App {
    pub fn search(&self, actor: &Actor, q: &str, municipality: Option<&str>, limit: Option<usize>) -> Result<Vec<search::Hit>> {
        actor.may(Permission::SearchGuides)?;
        let q = search::parse(q).map_err(|e| Error::refused(Refusal::Unprocessable, e.code(), e.to_string()))?;
        let municipality = municipality.map(str::trim).filter(|m| !m.is_empty());
        let crises = self.live.crises();
        if let Some(m) = municipality
            && crises.name(m).is_none()
        {
            let message = format!("'{m}' is not a known municipality code (e.g. 0250)");
            return Err(Error::refused(Refusal::Unprocessable, "unknown_municipality", message));
        }
        let limit = limit.unwrap_or(20).clamp(1, LIMIT_MAX);
        // Hits the actor may not see are left out after ranking: ask for enough to still fill the list.
        let wanted = if actor.role == domain::Role::AuthorityEditor { LIMIT_MAX * 2 } else { limit };
        let hits = self.live.search(&q, municipality, wanted);
        Ok(hits.into_iter().filter(|h| visible(&crises, actor, h)).take(limit).map(|h| named(&crises, h)).collect())
    }
}

/// A hit of another municipality says whose it is in its title ("Frederikssund Kommune: Pas"),
/// so an agent never reads out another municipality's rules as the caller's.
fn named(crises: &Crises, mut hit: search::Hit) -> search::Hit {
    if hit.for_caller {
        return hit;
    }
    let names: Vec<(String, String)> = match hit.kind {
        search::DocKind::Everyday => hit.municipalities.iter().filter_map(|c| crises.name(c).map(|n| (c.clone(), n.to_string()))).collect(),
        search::DocKind::Crisis => incident_of(&hit)
            .and_then(|i| crises.get(i))
            .map(|p| p.areas.iter().map(|a| (a.code.clone(), a.name.clone())).collect())
            .unwrap_or_default(),
    };
    // A crisis title usually names its place already; an everyday guide's is always named the
    // same way, so an agent reads the municipality first.
    let named = hit.kind == search::DocKind::Crisis && names.iter().any(|(_, n)| hit.title.contains(n.as_str()));
    if !names.is_empty() && !named {
        let label: Vec<String> = names.iter().map(|(c, n)| domain::org::display_name(c, n)).collect();
        hit.title = format!("{}: {}", label.join(", "), hit.title);
    }
    hit
}

fn incident_of(hit: &search::Hit) -> Option<uuid::Uuid> {
    hit.id.split(':').nth(1).and_then(|i| i.parse().ok())
}

fn visible(crises: &Crises, actor: &Actor, hit: &search::Hit) -> bool {
    if hit.kind != search::DocKind::Crisis {
        return true;
    }
    incident_of(hit).and_then(|i| crises.get(i)).is_some_and(|p| actor.sees(&p.incident.affected))
}
