//! The secretariat's reference data: organisations and members, accounts, the standing roster,
//! checklist templates and action cards.

use crate::{App, Result, now};
use domain::checklist::{ActionCard, TemplateItem};
use domain::org::Organisation;
use domain::role::{Assignment, StaffRole};
use domain::user::{NewUser, User};
use domain::{Actor, DomainError, Permission};
use uuid::Uuid;

impl App {
    /// The organisations: reference data every signed-in role reads.
    pub async fn organisations(&self, actor: &Actor) -> Result<Vec<Organisation>> {
        actor.may(Permission::ViewReference)?;
        self.public_organisations().await
    }

    /// The organisations as public reference (codes, names, regions, public phone numbers): no
    /// permission is asked, the public pages name them too.
    pub async fn public_organisations(&self) -> Result<Vec<Organisation>> {
        Ok(self.store.organisations().await?)
    }

    /// One organisation as public reference (see [`App::public_organisations`]).
    pub async fn public_organisation(&self, code: &str) -> Result<Option<Organisation>> {
        Ok(self.store.organisation(code).await?)
    }

    pub async fn set_member(&self, actor: &Actor, code: &str, member: bool) -> Result<Option<Organisation>> {
        actor.may(Permission::ManageOrganisations)?;
        self.store.set_member(code, member, &actor.name, now()).await?;
        Ok(self.store.organisation(code).await?)
    }

    pub async fn users(&self, actor: &Actor) -> Result<Vec<User>> {
        actor.may(Permission::ManageUsers)?;
        Ok(self.store.users().await?)
    }

    /// Active accounts that can hold a crisis role, for the role forms.
    pub async fn crisis_staff(&self, actor: &Actor) -> Result<Vec<User>> {
        actor.may(Permission::ViewIncidents)?;
        Ok(self.store.users().await?.into_iter().filter(|u| u.active && u.role.is_crisis_staff()).collect())
    }

    pub async fn create_user(&self, actor: &Actor, user: NewUser, password: String) -> Result<User> {
        actor.may(Permission::ManageUsers)?;
        crate::console::add_user(&self.store, user, password, &actor.name).await
    }

    pub async fn set_user_active(&self, actor: &Actor, id: Uuid, active: bool) -> Result<Option<User>> {
        actor.may(Permission::ManageUsers)?;
        if id == actor.user_id && !active {
            return Err(DomainError::Conflict("you cannot deactivate your own account".into()).into());
        }
        self.store.set_user_active(id, active, &actor.name, now()).await?;
        Ok(self.store.user(id).await?)
    }

    pub async fn roster(&self, actor: &Actor) -> Result<Vec<Assignment>> {
        actor.may(Permission::ViewReference)?;
        Ok(self.store.roster().await?)
    }

    pub async fn set_roster(&self, actor: &Actor, role: StaffRole, primary: Option<&str>, deputy: Option<&str>) -> Result<Vec<Assignment>> {
        actor.may(Permission::ManageRoster)?;
        let (primary, deputy) = self.role_holders(role, primary, deputy).await?;
        self.store.set_roster(role, primary, deputy, &actor.name, now()).await?;
        Ok(self.store.roster().await?)
    }

    pub async fn checklist_templates(&self, actor: &Actor) -> Result<Vec<(Uuid, TemplateItem)>> {
        actor.may(Permission::ManageTemplates)?;
        Ok(self.store.checklist_templates().await?)
    }

    pub async fn add_checklist_template(&self, actor: &Actor, item: TemplateItem) -> Result<Uuid> {
        actor.may(Permission::ManageTemplates)?;
        Ok(self.store.add_checklist_template(&item.validate()?, &actor.name, now()).await?)
    }

    pub async fn delete_checklist_template(&self, actor: &Actor, id: Uuid) -> Result<()> {
        actor.may(Permission::ManageTemplates)?;
        Ok(self.store.delete_checklist_template(id, &actor.name, now()).await?)
    }

    pub async fn action_cards(&self, actor: &Actor) -> Result<Vec<(Uuid, ActionCard)>> {
        actor.may(Permission::ViewReference)?;
        Ok(self.store.action_cards().await?)
    }

    pub async fn add_action_card(&self, actor: &Actor, card: ActionCard) -> Result<Uuid> {
        actor.may(Permission::ManageTemplates)?;
        Ok(self.store.add_action_card(&card.validate()?, &actor.name, now()).await?)
    }

    pub async fn delete_action_card(&self, actor: &Actor, id: Uuid) -> Result<()> {
        actor.may(Permission::ManageTemplates)?;
        Ok(self.store.delete_action_card(id, &actor.name, now()).await?)
    }
}
