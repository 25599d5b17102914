//! The live snapshot the channels speak from: every live incident's published guide (for the
//! chatbot, the voicebot, CAP and SMS) and the search index over those guides and the everyday
//! guides. Kept fresh by the event bus and served from memory, so the citizen channels keep
//! answering with the last published words when the database is unreachable.

use channels::{Area, Published};
use domain::event::EventKind;
use domain::everyday::EverydayGuide;
use domain::incident::Incident;
use domain::org::Organisation;
use search::{Candidate, Doc, DocKind, Section};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use store::Store;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// How long a closed crisis's Cancel stays in the public feed.
pub const CANCELS_KEPT: time::Duration = time::Duration::hours(24);

/// How soon a refresh that failed (the database away) is tried again.
const RETRY: Duration = Duration::from_secs(5);

/// The live crises as one immutable value, swapped whole on every change.
pub struct Crises {
    pub published: Vec<Published>,
    /// What the chatbot answers citizens from: the real crises and the everyday guides.
    pub answers: search::Answers,
    /// What it answers an exercise's synthetic citizens from, per exercise: that exercise's
    /// guide and the everyday guides of the municipalities it reaches. Citizens never get these.
    pub practice: HashMap<Uuid, search::Answers>,
    /// Nothing to answer from: an exercise without a published guide.
    pub nothing: search::Answers,
    /// Municipality code → indexes into `published` of the crises that reach it (a region's
    /// crisis reaches each of its municipalities).
    reach: HashMap<String, Vec<usize>>,
    names: HashMap<String, String>,
    /// False until the first read from the database: "no crisis" must not be said before we know.
    pub loaded: bool,
    /// Counts the snapshots: a rendering made from this one is current while it is the live one.
    pub generation: u64,
    /// Crises closed within [`CANCELS_KEPT`]: their alert is a Cancel, kept in the feed so feed
    /// readers learn that it is over. Never answered from.
    pub closed: Vec<Published>,
}

impl Crises {
    fn empty() -> Crises {
        Crises {
            published: Vec::new(),
            answers: search::Answers::new(Vec::new()),
            practice: HashMap::new(),
            nothing: search::Answers::new(Vec::new()),
            reach: HashMap::new(),
            names: HashMap::new(),
            loaded: false,
            closed: Vec::new(),
            generation: 0,
        }
    }

    /// The live crises with a published guide that reach this municipality.
    pub fn for_municipality(&self, code: &str) -> Vec<&Published> {
        self.reach.get(code).map(|ix| ix.iter().map(|i| &self.published[*i]).collect()).unwrap_or_default()
    }

    pub fn get(&self, incident: Uuid) -> Option<&Published> {
        self.published.iter().find(|p| p.incident.id == incident)
    }

    /// A municipality's name, if the code is one we know.
    pub fn name(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }
}

pub struct Live {
    crises: RwLock<Arc<Crises>>,
    index: RwLock<Indexed>,
    /// What the chatbot expands questions with.
    language: Arc<search::Resources>,
}

/// The index, and which everyday guides are in it by content hash, so a re-import re-indexes only
/// what changed and drops what was removed.
struct Indexed {
    index: search::Index,
    everyday: HashMap<String, String>,
}

impl Default for Live {
    fn default() -> Self {
        Live::new(search::Resources::none())
    }
}

impl Live {
    pub fn new(language: Arc<search::Resources>) -> Live {
        let index = Indexed { index: search::Index::new(), everyday: HashMap::new() };
        Live { crises: RwLock::new(Arc::new(Crises::empty())), index: RwLock::new(index), language }
    }

    pub fn crises(&self) -> Arc<Crises> {
        self.crises.read().expect("crises lock").clone()
    }

    /// The crises, once they have been read at least once; until then a 503 that says so, since
    /// "no crisis" would route a caller wrongly.
    pub fn loaded_crises(&self) -> crate::Result<Arc<Crises>> {
        let crises = self.crises();
        match crises.loaded {
            true => Ok(crises),
            false => Err(crate::Error::NotReady),
        }
    }

    pub fn search(&self, q: &search::Query, municipality: Option<&str>, limit: usize) -> Vec<search::Hit> {
        self.index.read().expect("index lock").index.search(q, municipality, limit)
    }

    /// Re-reads the live crises and re-indexes their guides. On a database error the previous
    /// snapshot stays in service.
    pub async fn refresh_crises(&self, store: &Store) -> Result<(), store::StoreError> {
        let orgs = store.organisations().await?;
        let (mut published, mut closed) = (Vec::new(), Vec::new());
        let since = domain::time::now() - CANCELS_KEPT;
        for incident in store.incidents(None).await? {
            let recently_closed = incident.closed_at.is_some_and(|t| t > since);
            if !incident.status.is_live() && !recently_closed {
                continue;
            }
            let Some(p) = published_of(store, &orgs, incident).await? else { continue };
            if p.incident.status.is_live() { published.push(p) } else { closed.push(p) }
        }
        // The chatbot tells an everyday matter from the crisis by the everyday guides.
        let everyday = store.everyday_guides().await?;
        let mut crises = build(published, &orgs, &everyday, self.language.clone());
        crises.closed = closed;
        crises.generation = self.crises().generation + 1;
        let mut indexed = self.index.write().expect("index lock");
        let index = &mut indexed.index;
        let previous = self.crises();
        for gone in previous.published.iter().filter(|p| crises.get(p.incident.id).is_none()) {
            index.remove_group(&crisis_group(gone.incident.id));
        }
        // Every live crisis again, not only new versions: an organisation's change can change
        // whom a crisis reaches without a new version, and there are few of these documents.
        for p in &crises.published {
            index.replace_group(&crisis_group(p.incident.id), crisis_docs(p, &crises));
        }
        *self.crises.write().expect("crises lock") = Arc::new(crises);
        Ok(())
    }

    /// Re-reads the everyday guides (after an import) into the index.
    pub async fn refresh_everyday(&self, store: &Store) -> Result<(), store::StoreError> {
        let guides = store.everyday_guides().await?;
        let mut indexed = self.index.write().expect("index lock");
        let keep: HashMap<String, String> = guides.iter().map(|g| (everyday_group(g), g.hash.clone())).collect();
        let gone: Vec<String> = indexed.everyday.keys().filter(|k| !keep.contains_key(*k)).cloned().collect();
        for group in gone {
            indexed.index.remove_group(&group);
        }
        for g in &guides {
            let group = everyday_group(g);
            if indexed.everyday.get(&group) != Some(&g.hash) {
                indexed.index.replace_group(&group, vec![everyday_doc(g)]);
            }
        }
        indexed.everyday = keep;
        Ok(())
    }

    /// Loads both at start and follows the bus: a publish, a status change or an import shows
    /// in the channels within moments, on every node.
    pub fn follow(self: Arc<Self>, store: Store) {
        let mut bus = store.subscribe();
        tokio::spawn(async move {
            let (mut crises_due, mut everyday_due) = (true, true);
            loop {
                if crises_due {
                    crises_due = self
                        .refresh_crises(&store)
                        .await
                        .inspect_err(|e| tracing::warn!(error = %e, "channels keep the last published guides"))
                        .is_err();
                }
                if everyday_due {
                    everyday_due = self
                        .refresh_everyday(&store)
                        .await
                        .inspect_err(|e| tracing::warn!(error = %e, "search keeps the last everyday guides"))
                        .is_err();
                }
                let retry = crises_due || everyday_due;
                let event = tokio::select! {
                    e = bus.recv() => e,
                    _ = tokio::time::sleep(RETRY), if retry => continue,
                };
                match event {
                    Ok(e) if matches!(e.kind, EventKind::GuidePublished | EventKind::IncidentStatus | EventKind::AdminChanged) => {
                        crises_due = true
                    }
                    Ok(e) if e.kind == EventKind::EverydayImported => (crises_due, everyday_due) = (true, true),
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => (crises_due, everyday_due) = (true, true),
                    Err(RecvError::Closed) => break,
                }
            }
        });
    }
}

impl crate::App {
    /// The incident's latest published version in context: from the live snapshot, or — for a
    /// closed incident, whose alert is a Cancel — from the store. Public: the CAP alert of an
    /// announced crisis is; the caller checks [`Incident::alert_is_public`] for the rest.
    pub async fn published(&self, id: Uuid) -> crate::Result<Published> {
        let crises = self.live.crises();
        if let Some(p) = crises.get(id).or_else(|| crises.closed.iter().find(|p| p.incident.id == id)) {
            return Ok(p.clone());
        }
        let incident = self.store.incident(id).await?.ok_or_else(|| crate::Error::not_found("incident"))?;
        let orgs = self.store.organisations().await?;
        published_of(&self.store, &orgs, incident).await?.ok_or_else(|| crate::Error::not_found("published guide"))
    }

    /// Same, for an incident the actor may see.
    pub async fn published_for(&self, actor: &domain::Actor, id: Uuid) -> crate::Result<Published> {
        let incident = self.store.incident(id).await?.ok_or_else(|| crate::Error::not_found("incident"))?;
        actor.may_on(domain::Permission::ViewIncidents, &incident.affected)?;
        self.published(id).await
    }

    /// An everyday guide for the public: the chatbot links to it for an everyday matter. The
    /// guides are the municipalities' own citizen information, so no permission is asked.
    pub async fn public_everyday_guide(&self, code: &str, slug: &str) -> crate::Result<Option<EverydayGuide>> {
        Ok(self.store.everyday_guide(code, slug).await?)
    }

    /// An everyday guide of the shared knowledge base, for agents.
    pub async fn everyday_guide(&self, actor: &domain::Actor, code: &str, slug: &str) -> crate::Result<Option<EverydayGuide>> {
        actor.may(domain::Permission::SearchGuides)?;
        Ok(self.store.everyday_guide(code, slug).await?)
    }
}

/// An incident's latest published version in context (without the internal purpose), if any.
async fn published_of(store: &Store, orgs: &[Organisation], incident: Incident) -> Result<Option<Published>, store::StoreError> {
    let Some(mut version) = store.guide_version(incident.id, None).await? else { return Ok(None) };
    version.guide = version.guide.published_view();
    let history = store.guide_history(incident.id).await?;
    let areas = incident.affected.iter().map(|c| area(orgs, c)).collect();
    Ok(Some(Published { incident, version, areas, history }))
}

fn area(orgs: &[Organisation], code: &str) -> Area {
    let name = orgs.iter().find(|o| o.code == code).map_or_else(|| code.to_string(), |o| o.name.clone());
    Area { code: code.to_string(), name }
}

/// The municipalities an incident reaches: its affected municipalities, and every municipality of
/// an affected region.
fn reached(affected: &[String], orgs: &[Organisation]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in affected {
        out.push(code.clone());
        out.extend(orgs.iter().filter(|o| o.region.as_deref() == Some(code.as_str())).map(|o| o.code.clone()));
    }
    out.sort();
    out.dedup();
    out
}

fn build(published: Vec<Published>, orgs: &[Organisation], everyday: &[EverydayGuide], language: Arc<search::Resources>) -> Crises {
    let mut reach: HashMap<String, Vec<usize>> = HashMap::new();
    let (mut candidates, mut practice) = (Vec::new(), HashMap::new());
    let everyday_in = |codes: &[String]| {
        let here = everyday.iter().filter(|g| codes.is_empty() || codes.contains(&g.municipality));
        here.map(|g| Candidate::everyday(&g.municipality, &g.slug, &g.title, &g.body)).collect::<Vec<_>>()
    };
    for (i, p) in published.iter().enumerate() {
        let codes = reached(&p.incident.affected, orgs);
        for c in &codes {
            reach.entry(c.clone()).or_default().push(i);
        }
        if p.incident.exercise {
            let mut own = everyday_in(&codes);
            own.extend(answer_candidates(p, codes));
            practice.insert(p.incident.id, search::Answers::with_resources(own, language.clone()));
        } else {
            candidates.extend(answer_candidates(p, codes));
        }
    }
    candidates.extend(everyday_in(&[]));
    let names = orgs.iter().map(|o| (o.code.clone(), o.name.clone())).collect();
    Crises {
        published,
        answers: search::Answers::with_resources(candidates, language),
        practice,
        nothing: search::Answers::new(Vec::new()),
        reach,
        names,
        loaded: true,
        closed: Vec::new(),
        generation: 0,
    }
}

/// What the chatbot may answer with: only the approved citizen wording of the published guide.
fn answer_candidates(p: &Published, municipalities: Vec<String>) -> Vec<Candidate> {
    let g = &p.version.guide;
    let base = |section, situation, match_text: String, answer: String| Candidate {
        incident: p.incident.id.to_string(),
        version: p.version.version,
        section,
        situation,
        municipalities: municipalities.clone(),
        incident_title: p.incident.title.clone(),
        match_text,
        answer,
        example: false,
    };
    // The shapes the engine was measured with (see `search::Candidate::match_text`): the first
    // line weighs most, the engine adds the incident title itself.
    let summary = plain(&g.citizen_summary);
    let mut out = vec![base(Section::CitizenSummary, None, summary.clone(), summary)];
    for (i, s) in g.situations.iter().enumerate().filter(|(_, s)| !s.citizen_text.trim().is_empty()) {
        let row = base(Section::Situation, Some(i), format!("{}\n{}", s.situation, plain(&s.citizen_text)), plain(&s.citizen_text));
        out.extend(s.citizen_questions.iter().map(|q| row.asked_as(q)));
        out.push(row);
    }
    if !g.contacts.is_empty() {
        let lines = contact_lines(g);
        out.push(base(Section::Contacts, None, lines.clone(), lines));
    }
    out
}

/// The contacts as the chatbot says them: urgent numbers first.
pub fn contact_lines(g: &domain::guide::Guide) -> String {
    let mut contacts: Vec<&domain::guide::Contact> = g.contacts.iter().collect();
    contacts.sort_by_key(|c| !c.urgent);
    contacts
        .iter()
        .map(|c| if c.note.is_empty() { format!("{}: {}", c.name, c.phone) } else { format!("{}: {} ({})", c.name, c.phone, c.note) })
        .collect::<Vec<_>>()
        .join("\n")
}

fn plain(markdown: &str) -> String {
    domain::markdown::to_plain(markdown)
}

fn crisis_group(id: Uuid) -> String {
    format!("crisis:{id}")
}

fn everyday_group(g: &EverydayGuide) -> String {
    format!("everyday:{}:{}", g.municipality, g.slug)
}

/// A crisis guide in the index: its overview, each situation row (with the agents' action) and
/// its contacts, each linking to the place on the agent's guide page.
fn crisis_docs(p: &Published, crises: &Crises) -> Vec<Doc> {
    let g = &p.version.guide;
    let id = p.incident.id;
    let municipalities = crises
        .reach
        .iter()
        .filter(|(_, ix)| ix.iter().any(|i| crises.published[*i].incident.id == id))
        .map(|(c, _)| c.clone())
        .collect::<Vec<_>>();
    let doc = |key: String, title: String, body: String, anchor: &str| Doc {
        id: format!("crisis:{id}:{key}"),
        group: crisis_group(id),
        kind: DocKind::Crisis,
        municipalities: municipalities.clone(),
        title,
        body,
        url: format!("/agent/{id}#{anchor}"),
    };
    let overview = [&g.banner, &g.scope, &g.short_status, &g.citizen_summary].map(|s| plain(s)).join("\n");
    let mut out = vec![doc("overview".into(), p.incident.title.clone(), overview, "h-status")];
    for (i, s) in g.situations.iter().enumerate() {
        let body = format!("{}\n{}", plain(&s.action), plain(&s.citizen_text));
        out.push(doc(format!("situation:{i}"), format!("{} – {}", p.incident.title, s.situation), body, &format!("situation-{i}")));
    }
    out.push(doc("contacts".into(), format!("{} – kontakter", p.incident.title), contact_lines(g), "h-contacts"));
    out
}

fn everyday_doc(g: &EverydayGuide) -> Doc {
    Doc {
        id: everyday_group(g),
        group: everyday_group(g),
        kind: DocKind::Everyday,
        municipalities: vec![g.municipality.clone()],
        title: g.title.clone(),
        body: plain(&g.body),
        url: format!("/agent/guides/{}/{}", g.municipality, g.slug),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_said_about_crises_before_the_first_load() {
        let live = Live::default();
        assert!(matches!(live.loaded_crises(), Err(crate::Error::NotReady)), "not loaded yet");
        let loaded = build(Vec::new(), &domain::org::reference(), &[], search::Resources::none());
        assert!(loaded.loaded && loaded.name("0250") == Some("Frederikssund"));
    }
}
