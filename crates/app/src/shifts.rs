//! The shift plan: base seats for the member municipalities by population (Sainte-Laguë), the
//! rest offered for bidding, bids from the members' shift contacts, awards spread fairly.

use crate::Error;
use crate::{App, Result, now};
use domain::shifts::{Bid, Commitment, NewPlan, Shift};
use domain::{Actor, DomainError, Permission};
use uuid::Uuid;

/// Whether the actor sees every member's part, or only its own municipality's.
fn own_only(actor: &Actor) -> bool {
    !domain::permission::allows(actor.role, Permission::ViewStaffing)
}

fn only_own(mut shifts: Vec<Shift>, org: &str) -> Vec<Shift> {
    for s in &mut shifts {
        s.members.retain(|m| m.org == org);
    }
    shifts
}

impl App {
    pub async fn set_plan(&self, actor: &Actor, id: Uuid, plan: NewPlan) -> Result<Vec<Shift>> {
        let incident = self.incident(actor, id, Permission::PlanStaffing).await?;
        let plan = plan.validate()?;
        let members: Vec<_> = self.store.organisations().await?.into_iter().filter(|o| o.member).collect();
        if members.is_empty() {
            return Err(DomainError::Conflict("no municipality is a member yet; the secretariat sets the members first".into()).into());
        }
        let populations: Vec<(&str, i64)> = members.iter().map(|m| (m.code.as_str(), m.population)).collect();
        let weights = domain::shifts::base_weights(&populations, &incident.affected)?;
        let bases: Vec<u32> = plan.shifts.iter().map(|s| plan.base(s.agents)).collect();
        let seats = staffing::apportion::spread(&weights, &bases);
        let shifts: Vec<Shift> = plan
            .shifts
            .iter()
            .zip(bases.iter().zip(seats))
            .map(|(s, (&base, per_member))| Shift {
                id: Uuid::new_v4(),
                start: s.start,
                end: s.end,
                agents: s.agents,
                base,
                open: s.agents - base,
                members: members
                    .iter()
                    .zip(per_member)
                    .map(|(m, b)| Commitment { org: m.code.clone(), base: b, bid: 0, awarded: 0 })
                    .collect(),
            })
            .collect();
        self.store.set_shift_plan(id, &shifts, plan.base_share, actor, now()).await?;
        self.shifts(actor, id).await
    }

    /// The plan as the actor may see it: all members, or a shift contact's own municipality.
    pub async fn shifts(&self, actor: &Actor, id: Uuid) -> Result<Vec<Shift>> {
        self.incident(actor, id, Permission::ViewShifts).await?;
        let all = self.store.shifts(id).await?;
        Ok(if own_only(actor) { only_own(all, &actor.org) } else { all })
    }

    pub async fn bid_for_shift(&self, actor: &Actor, id: Uuid, bid: Bid) -> Result<Shift> {
        self.incident(actor, id, Permission::BidForShifts).await?;
        let member = self.store.organisation(&actor.org).await?.is_some_and(|o| o.member);
        if !member {
            return Err(DomainError::Forbidden(format!("{} is not a member municipality; only members bid for shifts", actor.org)).into());
        }
        let shift = self.store.bid(id, &bid, &actor.org, actor, now()).await?;
        Ok(only_own(vec![shift], &actor.org).remove(0))
    }

    /// Awards every shift's open seats from the bids, spread fairly over the bidders.
    pub async fn award_shifts(&self, actor: &Actor, id: Uuid) -> Result<Vec<Shift>> {
        self.incident(actor, id, Permission::PlanStaffing).await?;
        let shifts = self.store.shifts(id).await?;
        let mut orgs: Vec<&str> = shifts.iter().flat_map(|s| s.members.iter().map(|m| m.org.as_str())).collect();
        orgs.sort_unstable();
        orgs.dedup();
        let bids: Vec<Vec<u32>> =
            shifts.iter().map(|s| orgs.iter().map(|o| s.members.iter().find(|m| m.org == *o).map_or(0, |m| m.bid)).collect()).collect();
        let open: Vec<u32> = shifts.iter().map(|s| s.open).collect();
        let awarded = staffing::award::award(&open, &bids);
        let awards: Vec<(Uuid, String, u32)> = shifts
            .iter()
            .zip(&awarded)
            .flat_map(|(s, row)| orgs.iter().zip(row).map(|(o, &n)| (s.id, o.to_string(), n)))
            .filter(|a| a.2 > 0)
            .collect();
        Ok(self.store.award_shifts(id, &shifts, &awards, actor, now()).await?)
    }

    /// A member's committed shifts (base and awarded) as iCalendar.
    pub async fn shifts_calendar(&self, actor: &Actor, id: Uuid, code: &str) -> Result<String> {
        let i = self.incident(actor, id, Permission::ViewShifts).await?;
        if own_only(actor) && actor.org != code {
            return Err(DomainError::Forbidden("a shift contact sees its own municipality's shifts only".into()).into());
        }
        let org = self.store.organisation(code).await?.ok_or_else(|| Error::not_found("municipality"))?;
        let shifts = self.store.shifts(id).await?;
        let utc = |t: time::OffsetDateTime| {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", t.year(), t.month() as u8, t.day(), t.hour(), t.minute(), t.second())
        };
        let mine: Vec<(&Shift, &Commitment)> =
            shifts.iter().filter_map(|s| s.members.iter().find(|m| m.org == code && m.base + m.awarded > 0).map(|m| (s, m))).collect();
        let texts: Vec<(String, String)> = mine
            .iter()
            .map(|(_, m)| {
                let n = m.base + m.awarded;
                let who = if n == 1 { "agent" } else { "agenter" };
                (
                    format!("Kriseservice: {n} {who} fra {}", org.name),
                    format!("{}. Basisandel {}, tildelt efter bud {}.", i.title, m.base, m.awarded),
                )
            })
            .collect();
        let events: Vec<staffing::ical::Event> = mine
            .iter()
            .zip(&texts)
            .map(|((s, _), (summary, description))| staffing::ical::Event {
                uid: format!("{}-{code}@kriseservice", s.id),
                start: utc(s.start),
                end: utc(s.end),
                summary,
                description,
            })
            .collect();
        Ok(staffing::ical::calendar(&format!("Kriseservice – {}, vagter", org.name), &utc(now()), &events))
    }
}
