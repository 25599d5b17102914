//! The contact lists the secretariat keeps for each organisation: reading them (with each entry
//! judged stale against the secretariat's period), keeping them, and "I checked this today".

use crate::{App, Error, Result, now};
use domain::contact_list::{self, Entry, ListSummary, NewEntry};
use domain::org::Organisation;
use domain::{Actor, Permission, Role};
use uuid::Uuid;

/// One organisation's list as its page, the API and the exports show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ContactList {
    pub organisation: Organisation,
    /// An entry not checked for this many days is stale.
    pub stale_after_days: i64,
    /// In kind order, then by name.
    pub entries: Vec<Entry>,
}

/// Every organisation's list in brief, for the overview.
#[derive(Debug, Clone)]
pub struct ContactListsOverview {
    pub stale_after_days: i64,
    /// The organisations with a list (and the collaboration's own, always), with their counts.
    pub lists: Vec<(Organisation, ListSummary)>,
    /// Every organisation, for choosing one whose list is still empty.
    pub organisations: Vec<Organisation>,
}

impl App {
    /// The lists the caller may read: every organisation's, an authority editor's own only.
    pub async fn contact_lists(&self, actor: &Actor) -> Result<ContactListsOverview> {
        actor.may(Permission::ReadContactLists)?;
        let days = self.store.stale_after_days().await?;
        let at = now();
        let entries: Vec<Entry> = self.store.contact_lists().await?.into_iter().map(|e| e.as_of(at, days)).collect();
        let mut summaries = contact_list::summaries(&entries);
        let mut organisations = self.store.organisations().await?;
        let home = domain::org::collaboration().code;
        if !summaries.iter().any(|s| s.org == home) {
            summaries.push(ListSummary { org: home, entries: 0, stale: 0 });
        }
        if actor.role == Role::AuthorityEditor {
            summaries.retain(|s| s.org == actor.org);
            organisations.retain(|o| o.code == actor.org);
            if summaries.is_empty() {
                summaries.push(ListSummary { org: actor.org.clone(), entries: 0, stale: 0 });
            }
        }
        let lists = summaries.into_iter().filter_map(|s| organisations.iter().find(|o| o.code == s.org).map(|o| (o.clone(), s))).collect();
        Ok(ContactListsOverview { stale_after_days: days, lists, organisations })
    }

    /// `org`'s list; an unknown organisation is not found.
    pub async fn contact_list(&self, actor: &Actor, org: &str) -> Result<ContactList> {
        actor.may_for_org(Permission::ReadContactLists, org)?;
        let organisation = self.store.organisation(org).await?.ok_or_else(|| Error::not_found("organisation"))?;
        let days = self.store.stale_after_days().await?;
        let at = now();
        let entries = self.store.contact_list(org).await?.into_iter().map(|e| e.as_of(at, days)).collect();
        Ok(ContactList { organisation, stale_after_days: days, entries: contact_list::sorted(entries) })
    }

    /// Every list with entries that the caller may read, by organisation: the printed crisis plan's contacts.
    pub async fn all_contact_lists(&self, actor: &Actor) -> Result<Vec<ContactList>> {
        actor.may(Permission::ReadContactLists)?;
        let days = self.store.stale_after_days().await?;
        let at = now();
        let organisations = self.store.organisations().await?;
        let mut by_org: std::collections::BTreeMap<String, Vec<Entry>> = std::collections::BTreeMap::new();
        for e in self.store.contact_lists().await? {
            if actor.may_for_org(Permission::ReadContactLists, &e.org).is_ok() {
                by_org.entry(e.org.clone()).or_default().push(e.as_of(at, days));
            }
        }
        Ok(by_org
            .into_iter()
            .filter_map(|(code, entries)| {
                let organisation = organisations.iter().find(|o| o.code == code)?.clone();
                Some(ContactList { organisation, stale_after_days: days, entries: contact_list::sorted(entries) })
            })
            .collect())
    }

    pub async fn add_contact_entry(&self, actor: &Actor, org: &str, entry: NewEntry) -> Result<Entry> {
        actor.may_for_org(Permission::KeepContactLists, org)?;
        let entry = entry.validate()?;
        let stored = self.store.add_contact_entry(org, &entry, &actor.name, now()).await?;
        self.judged(stored).await
    }

    pub async fn update_contact_entry(&self, actor: &Actor, org: &str, id: Uuid, entry: NewEntry) -> Result<Entry> {
        actor.may_for_org(Permission::KeepContactLists, org)?;
        let entry = entry.validate()?;
        let stored = self.store.update_contact_entry(org, id, &entry, &actor.name, now()).await?;
        self.judged(stored).await
    }

    pub async fn remove_contact_entry(&self, actor: &Actor, org: &str, id: Uuid) -> Result<()> {
        actor.may_for_org(Permission::KeepContactLists, org)?;
        Ok(self.store.remove_contact_entry(org, id, &actor.name, now()).await?)
    }

    /// "I checked this today": the entry is right as of now, and the trail names who said so.
    pub async fn mark_contact_verified(&self, actor: &Actor, org: &str, id: Uuid) -> Result<Entry> {
        actor.may_for_org(Permission::KeepContactLists, org)?;
        let stored = self.store.mark_contact_verified(org, id, &actor.name, now()).await?;
        self.judged(stored).await
    }

    async fn judged(&self, e: Entry) -> Result<Entry> {
        Ok(e.as_of(now(), self.store.stale_after_days().await?))
    }
}
