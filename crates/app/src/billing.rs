//! The economic model at work: the secretariat's tariffs, the cost estimate shown before and
//! during an activation, and the statements it issues (an authority editor sees its own).

use crate::{App, Result, now};
use domain::economy::{self, Estimate, Statement, Tariff};
use domain::{Actor, DomainError, Permission};
use serde::Serialize;
use uuid::Uuid;

/// What an activation costs one affected authority, by the tariff in force on its first day.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuthorityEstimate {
    pub org: String,
    pub member: bool,
    #[serde(flatten)]
    pub estimate: Estimate,
}

/// The cost estimate of an incident: `None` tariff when none is in force (nothing to estimate by).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CostEstimate {
    #[serde(with = "domain::time::date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub tariff_from: Option<time::Date>,
    pub authorities: Vec<AuthorityEstimate>,
}

impl App {
    pub async fn tariffs(&self, actor: &Actor) -> Result<Vec<Tariff>> {
        actor.may(Permission::ViewTariffs)?;
        Ok(self.store.tariffs().await?)
    }

    pub async fn add_tariff(&self, actor: &Actor, t: Tariff) -> Result<Tariff> {
        actor.may(Permission::KeepTariffs)?;
        let t = t.validate()?;
        self.store.add_tariff(&t, &actor.name, now()).await?;
        Ok(t)
    }

    /// The statements of an incident; an authority editor sees only its own authority's.
    pub async fn statements(&self, actor: &Actor, id: Uuid) -> Result<Vec<Statement>> {
        self.incident(actor, id, Permission::ViewStatements).await?;
        let all = self.store.statements(id).await?;
        Ok(all.into_iter().filter(|s| actor.may_for_org(Permission::ViewStatements, &s.org).is_ok()).collect())
    }

    /// Issues the statements the record gives; those already issued and unchanged stay as they are.
    pub async fn issue_statements(&self, actor: &Actor, id: Uuid) -> Result<Vec<Statement>> {
        self.incident(actor, id, Permission::IssueStatements).await?;
        Ok(self.store.issue_statements(id, actor, now()).await?)
    }

    /// What the activation costs each affected authority so far, for the plan, and per further day.
    pub async fn cost_estimate(&self, actor: &Actor, id: Uuid) -> Result<CostEstimate> {
        let i = self.incident(actor, id, Permission::ViewStatements).await?;
        if i.exercise {
            return Err(DomainError::Conflict("an exercise is never billed: it has no cost estimate".into()).into());
        }
        let (tariffs, shifts, orgs) = tokio::try_join!(self.store.tariffs(), self.store.shifts(id), self.store.organisations())?;
        let Some(t) = Tariff::in_force(&tariffs, economy::billing_day(&i)) else {
            return Ok(CostEstimate { tariff_from: None, authorities: Vec::new() });
        };
        let n = i.affected.len();
        let authorities = i
            .affected
            .iter()
            .filter(|code| actor.may_for_org(Permission::ViewStatements, code).is_ok())
            .map(|code| {
                let member = orgs.iter().any(|o| &o.code == code && o.member);
                let estimate = economy::estimate(t, &t.opening_hours, member, n, &shifts, now());
                AuthorityEstimate { org: code.clone(), member, estimate }
            })
            .collect();
        Ok(CostEstimate { tariff_from: Some(t.valid_from), authorities })
    }
}
