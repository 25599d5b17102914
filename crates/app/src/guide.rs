//! The crisis guide: the working draft, publishing immutable versions, and what agents and
//! citizens read of the published ones.

use crate::{App, Error, Result, now};
use domain::guide::{Change, Freshness, Guide, Version};
use domain::incident::Incident;
use domain::{Actor, DomainError, Permission};
use uuid::Uuid;

/// What agents answer from: a live incident the actor sees, with its latest published version
/// (without the internal purpose) and its freshness.
pub struct LiveGuide {
    pub incident: Incident,
    pub version: Option<Version>,
    pub freshness: Option<Freshness>,
}

impl App {
    /// The working draft, or the template for the incident's kind when nothing is saved yet.
    pub async fn guide_draft(&self, actor: &Actor, id: Uuid) -> Result<Guide> {
        let i = self.incident(actor, id, Permission::EditGuide).await?;
        Ok(self.store.guide_draft(id).await?.unwrap_or_else(|| domain::guide::template(i.kind)))
    }

    pub async fn save_guide_draft(&self, actor: &Actor, id: Uuid, guide: Guide) -> Result<Guide> {
        self.incident(actor, id, Permission::EditGuide).await?;
        let guide = guide.validate_draft()?;
        self.store.save_guide_draft(id, &guide, actor, now()).await?;
        Ok(guide)
    }

    /// Publishes the draft, and ticks the checklist's "Udfyld beredskabsguiden" that the
    /// publisher may tick (each tick logged as any tick is).
    pub async fn publish_guide(&self, actor: &Actor, id: Uuid) -> Result<Version> {
        self.incident(actor, id, Permission::EditGuide).await?;
        let version = self.store.publish_guide(id, actor, now()).await?;
        let open = self.store.checklist(id).await?.into_iter().filter(|i| i.done_at.is_none() && domain::checklist::fills_the_guide(i));
        for item in open.filter(|i| domain::checklist::may_complete(actor, i).is_ok()) {
            match self.store.complete_item(id, item.id, true, actor, now()).await {
                // Someone ticked it meanwhile: it is done, as it should be.
                Ok(_) | Err(store::StoreError::Domain(DomainError::Conflict(_))) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(version)
    }

    /// Every live incident the actor sees, with what agents answer from.
    pub async fn live_guides(&self, actor: &Actor) -> Result<Vec<LiveGuide>> {
        let mut out = Vec::new();
        for incident in self.incidents(actor, None).await?.into_iter().filter(|i| i.status.is_live()) {
            out.push(self.live_guide_of(incident).await?);
        }
        Ok(out)
    }

    /// One incident's guide as agents read it.
    pub async fn live_guide(&self, actor: &Actor, id: Uuid) -> Result<LiveGuide> {
        let incident = self.incident(actor, id, Permission::ViewIncidents).await?;
        self.live_guide_of(incident).await
    }

    async fn live_guide_of(&self, incident: Incident) -> Result<LiveGuide> {
        let version = self.store.guide_version(incident.id, None).await?.map(|mut v| {
            v.guide = v.guide.published_view();
            v
        });
        let freshness = self.store.guide_freshness(incident.id).await?;
        Ok(LiveGuide { incident, version, freshness })
    }

    /// A published version (the latest by default) and what changed since the one before. Only
    /// the guide's editors see the internal purpose.
    pub async fn published_guide(&self, actor: &Actor, id: Uuid, version: Option<i64>) -> Result<(Version, Vec<Change>)> {
        let i = self.incident(actor, id, Permission::ViewIncidents).await?;
        let mut v = self.store.guide_version(id, version).await?.ok_or_else(|| Error::not_found("published guide version"))?;
        let changes = match v.version {
            1 => Vec::new(),
            n => self
                .store
                .guide_version(id, Some(n - 1))
                .await?
                .map(|prev| domain::guide::changes(&prev.guide, &v.guide))
                .unwrap_or_default(),
        };
        if actor.may_on(Permission::EditGuide, &i.affected).is_err() {
            v.guide = v.guide.published_view();
        }
        Ok((v, changes))
    }

    /// The latest published version's number and freshness, for an incident the actor sees.
    pub async fn guide_state(&self, actor: &Actor, id: Uuid) -> Result<(Option<Version>, Option<Freshness>)> {
        let i = self.incident(actor, id, Permission::ViewIncidents).await?;
        let editor = actor.may_on(Permission::EditGuide, &i.affected).is_ok();
        let latest = self.store.guide_version(id, None).await?.map(|mut v| {
            if !editor {
                v.guide = v.guide.published_view();
            }
            v
        });
        Ok((latest, self.store.guide_freshness(id).await?))
    }

    /// Live incidents with a published guide, affecting `code` (or any, for `None`), in their
    /// published view: what the public pages show. No login.
    pub async fn public_guides(&self, code: Option<&str>) -> Result<Vec<(Incident, Version)>> {
        let mut out = Vec::new();
        for i in self.store.incidents(None).await? {
            if !i.status.is_live() || code.is_some_and(|c| !i.affected.iter().any(|a| a == c)) {
                continue;
            }
            if let Some(mut v) = self.store.guide_version(i.id, None).await? {
                v.guide = v.guide.published_view();
                out.push((i, v));
            }
        }
        Ok(out)
    }
}
