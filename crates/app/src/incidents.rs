//! Incidents and the crisis room: status, crisis staff, the log, the checklist and action cards.

use crate::{App, Error, Result, now};
use domain::checklist::{ActionCard, ChecklistItem};
use domain::incident::{Incident, NewIncident, Status, Transition};
use domain::log::{LogEntry, NewLogEntry, Verification};
use domain::role::{Assignment, StaffRole};
use domain::user::User;
use domain::{Actor, Permission};
use store::{Appended, Once};
use uuid::Uuid;

impl App {
    /// Loads an incident the actor holds `permission` on (and whose scope the actor sees).
    pub async fn incident(&self, actor: &Actor, id: Uuid, permission: Permission) -> Result<Incident> {
        actor.may(permission)?;
        let i = self.store.incident(id).await?.ok_or_else(|| Error::not_found("incident"))?;
        actor.may_on(permission, &i.affected)?;
        Ok(i)
    }

    pub async fn incidents(&self, actor: &Actor, status: Option<Status>) -> Result<Vec<Incident>> {
        actor.may(Permission::ViewIncidents)?;
        let all = self.store.incidents(status).await?;
        Ok(all.into_iter().filter(|i| actor.sees(&i.affected)).collect())
    }

    /// The crises the actor sees, each at a glance (guide state, open feedback and questions).
    pub async fn crisis_list(&self, actor: &Actor) -> Result<Vec<(Incident, domain::guide::Glance)>> {
        let (list, glances) = tokio::try_join!(self.incidents(actor, None), async { Ok(self.store.glances().await?) })?;
        let mut glances: std::collections::HashMap<_, _> = glances.into_iter().collect();
        Ok(list
            .into_iter()
            .map(|i| {
                let g = glances.remove(&i.id).unwrap_or_default();
                (i, g)
            })
            .collect())
    }

    pub async fn create_incident(&self, actor: &Actor, n: NewIncident) -> Result<Incident> {
        actor.may(Permission::CreateIncident)?;
        let n = n.validate(&self.store.organisations().await?)?;
        n.check_requester(actor)?;
        Ok(self.store.create_incident(&n, actor, now()).await?)
    }

    pub async fn change_status(&self, actor: &Actor, id: Uuid, step: &Transition) -> Result<Incident> {
        self.incident(actor, id, Permission::ChangeStatus).await?;
        let changed = self.store.change_status(id, step, actor, now()).await?;
        if changed.status == Status::Closed {
            // The evaluation forms go now; should this fail, the evaluation job sends them.
            if let Err(e) = self.store.send_evaluation_forms(id, now()).await {
                tracing::warn!(error = %e, incident = %id, "the evaluation forms did not go at closing; the job tries again");
            }
        }
        // Activation queued the call-out's first messages, closing the evaluation forms.
        self.outbox_wake.notify_one();
        Ok(changed)
    }

    /// Resolves an e-mail to a user, for role assignment; `field` names the request field.
    async fn person(&self, field: &str, email: Option<&str>) -> Result<Option<User>> {
        let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else { return Ok(None) };
        match self.store.user_by_email(&email.to_lowercase()).await? {
            Some((u, _)) => Ok(Some(u)),
            None => {
                let mut p = domain::error::Problems::default();
                p.add_about(field, domain::error::code::UNKNOWN_USER, email, format!("no user with e-mail '{email}'"));
                Err(p.into_error().into())
            }
        }
    }

    /// Resolves and checks the two people for a crisis role.
    pub(crate) async fn role_holders(
        &self,
        role: StaffRole,
        primary: Option<&str>,
        deputy: Option<&str>,
    ) -> Result<(Option<Uuid>, Option<Uuid>)> {
        let primary = self.person("primary", primary).await?;
        let deputy = self.person("deputy", deputy).await?;
        domain::role::check_assignment(role, primary.as_ref(), deputy.as_ref())?;
        Ok((primary.map(|u| u.id), deputy.map(|u| u.id)))
    }

    pub async fn roles(&self, actor: &Actor, id: Uuid) -> Result<Vec<Assignment>> {
        self.incident(actor, id, Permission::ViewIncidents).await?;
        Ok(self.store.roles(id).await?)
    }

    pub async fn assign_role(
        &self,
        actor: &Actor,
        id: Uuid,
        role: StaffRole,
        primary: Option<&str>,
        deputy: Option<&str>,
    ) -> Result<Vec<Assignment>> {
        self.incident(actor, id, Permission::AssignRoles).await?;
        let (primary, deputy) = self.role_holders(role, primary, deputy).await?;
        Ok(self.store.assign_role(id, role, primary, deputy, actor, now()).await?)
    }

    pub async fn log(&self, actor: &Actor, id: Uuid) -> Result<Vec<LogEntry>> {
        self.incident(actor, id, Permission::ReadLog).await?;
        Ok(self.store.log(id).await?)
    }

    pub async fn append_log(&self, actor: &Actor, id: Uuid, entry: NewLogEntry) -> Result<LogEntry> {
        self.incident(actor, id, Permission::AppendLog).await?;
        Ok(self.store.append_log(id, entry, actor, now()).await?)
    }

    /// Appends under an idempotency key (see [`store::Once`]): the kept answer is written in the
    /// same transaction as the entry, and a retry under the key gets it instead of a second entry.
    pub async fn append_log_once(&self, actor: &Actor, id: Uuid, entry: NewLogEntry, once: Once) -> Result<Appended> {
        self.incident(actor, id, Permission::AppendLog).await?;
        Ok(self.store.append_log_once(id, entry, actor, now(), once).await?)
    }

    /// The log's verification for an incident the actor may read.
    pub async fn verify_log(&self, actor: &Actor, id: Uuid) -> Result<Verification> {
        self.incident(actor, id, Permission::ReadLog).await?;
        self.store.verify_log(id).await?.ok_or_else(|| Error::not_found("incident"))
    }

    pub async fn checklist(&self, actor: &Actor, id: Uuid) -> Result<Vec<ChecklistItem>> {
        self.incident(actor, id, Permission::ViewIncidents).await?;
        Ok(self.store.checklist(id).await?)
    }

    pub async fn complete_item(&self, actor: &Actor, id: Uuid, item: Uuid, done: bool) -> Result<ChecklistItem> {
        self.incident(actor, id, Permission::CompleteChecklistItem).await?;
        Ok(self.store.complete_item(id, item, done, actor, now()).await?)
    }

    pub async fn incident_cards(&self, actor: &Actor, id: Uuid) -> Result<Vec<(Uuid, ActionCard)>> {
        self.incident(actor, id, Permission::ViewIncidents).await?;
        Ok(self.store.incident_cards(id).await?)
    }

    pub async fn attach_card(&self, actor: &Actor, id: Uuid, card: Uuid) -> Result<()> {
        self.incident(actor, id, Permission::AttachActionCard).await?;
        Ok(self.store.attach_card(id, card, actor, now()).await?)
    }

    /// Takes a card off the incident (attaching and detaching are one permission).
    pub async fn detach_card(&self, actor: &Actor, id: Uuid, card: Uuid) -> Result<()> {
        self.incident(actor, id, Permission::AttachActionCard).await?;
        Ok(self.store.detach_card(id, card, actor, now()).await?)
    }
}
