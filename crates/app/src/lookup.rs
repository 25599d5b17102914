//! Search for agents: one query over the live crisis guides and the everyday guides, the
//! caller's municipality first, leaving out crisis hits of incidents the caller may not see.

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
        Ok(hits.into_iter().filter(|h| visible(&crises, actor, h)).take(limit).collect())
    }
}

fn visible(crises: &Crises, actor: &Actor, hit: &search::Hit) -> bool {
    if hit.kind != search::DocKind::Crisis {
        return true;
    }
    let incident = hit.id.split(':').nth(1).and_then(|i| i.parse().ok());
    incident.and_then(|i| crises.get(i)).is_some_and(|p| actor.sees(&p.incident.affected))
}
