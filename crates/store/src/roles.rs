//! The standing roster and each incident's crisis staff.

use crate::backend::prelude::*;
use domain::event::AdminChange;
use domain::role::{Assignment, StaffRole};
use domain::user::Person;

#[derive(sqlx::FromRow)]
struct AssignmentRow {
    role: String,
    p_id: Option<Uuid>,
    p_name: Option<String>,
    p_email: Option<String>,
    p_org: Option<String>,
    d_id: Option<Uuid>,
    d_name: Option<String>,
    d_email: Option<String>,
    d_org: Option<String>,
}

fn person(id: Option<Uuid>, name: Option<String>, email: Option<String>, org: Option<String>) -> Option<Person> {
    Some(Person { id: id?, name: name?, email: email?, org: org? })
}

/// Every crisis role in order, unfilled ones included.
fn assignments(rows: Vec<AssignmentRow>) -> Result<Vec<Assignment>> {
    let mut out: Vec<Assignment> = StaffRole::ALL.iter().map(|&role| Assignment { role, primary: None, deputy: None }).collect();
    for r in rows {
        let role: StaffRole = r.role.parse().map_err(corrupt)?;
        let slot = out.iter_mut().find(|a| a.role == role).expect("every role has a slot");
        slot.primary = person(r.p_id, r.p_name, r.p_email, r.p_org);
        slot.deputy = person(r.d_id, r.d_name, r.d_email, r.d_org);
    }
    Ok(out)
}

macro_rules! assignment_select {
    () => {
        "SELECT r.role, p.id AS p_id, p.name AS p_name, p.email AS p_email, p.org AS p_org,
    d.id AS d_id, d.name AS d_name, d.email AS d_email, d.org AS d_org"
    };
}

operations! {
    uses: incidents, log, events;

    helpers {
        pub(crate) async fn roles_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, incident_id: Uuid) -> Result<Vec<Assignment>> {
            let rows: Vec<AssignmentRow> = sqlx::query_as(concat!(assignment_select!(), " FROM incident_roles r LEFT JOIN users p ON p.id = r.primary_user
                 LEFT JOIN users d ON d.id = r.deputy_user WHERE r.incident_id = $1"))
            .bind(incident_id)
            .fetch_all(ex)
            .await?;
            assignments(rows)
        }
    }

    ops {
        pub read fn roster(pool) -> Result<Vec<Assignment>> {
            let rows: Vec<AssignmentRow> = sqlx::query_as(concat!(assignment_select!(), " FROM roster r LEFT JOIN users p ON p.id = r.primary_user LEFT JOIN users d ON d.id = r.deputy_user"))
            .fetch_all(pool)
            .await?;
            assignments(rows)
        }

        /// `primary` and `deputy` must have passed `domain::role::check_assignment`.
        pub write fn set_roster(pool, role: StaffRole, primary: Option<Uuid>, deputy: Option<Uuid>, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO roster (role, primary_user, deputy_user) VALUES ($1, $2, $3)
                 ON CONFLICT (role) DO UPDATE SET primary_user = excluded.primary_user, deputy_user = excluded.deputy_user",
            )
            .bind(role.as_str())
            .bind(primary)
            .bind(deputy)
            .execute(&mut *tx)
            .await?;
            admin_event(&mut tx, AdminChange::Roster { role, primary, deputy }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        pub read fn roles(pool, incident_id: Uuid) -> Result<Vec<Assignment>> {
            roles_in(pool, incident_id).await
        }

        pub write fn assign_role(pool, incident_id: Uuid, role: StaffRole, primary: Option<Uuid>, deputy: Option<Uuid>, actor: &Actor, at: OffsetDateTime) -> Result<Vec<Assignment>> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            sqlx::query(
                "INSERT INTO incident_roles (incident_id, role, primary_user, deputy_user) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (incident_id, role) DO UPDATE SET primary_user = excluded.primary_user, deputy_user = excluded.deputy_user",
            )
            .bind(incident_id)
            .bind(role.as_str())
            .bind(primary)
            .bind(deputy)
            .execute(&mut *tx)
            .await?;
            let all = roles_in(&mut *tx, incident_id).await?;
            let slot = all.iter().find(|a| a.role == role).expect("every role has a slot");
            let entry = narrative::role_assigned(role, slot.primary.as_ref(), slot.deputy.as_ref());
            append_in_tx(&mut tx, &incident, actor, entry, at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::RolesAssigned { role, assignment: slot.clone() }));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(all)
        }
    }
}
