//! The reference data: municipalities and the other organisations, and which are members.

use crate::backend::prelude::*;
use domain::event::AdminChange;
use domain::org::Organisation;

operations! {
    uses: events;

    ops {
        /// Inserts organisations that are not there yet; never changes existing ones.
        pub write fn seed_organisations(pool, orgs: &[Organisation]) -> Result<()> {
            let mut tx = pool.begin().await?;
            for o in orgs {
                sqlx::query(
                    "INSERT INTO organisations (code, name, kind, region, population, member) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (code) DO NOTHING",
                )
                .bind(&o.code)
                .bind(&o.name)
                .bind(o.kind.as_str())
                .bind(&o.region)
                .bind(o.population)
                .bind(o.member)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        }

        pub read fn organisations(pool) -> Result<Vec<Organisation>> {
            let rows: Vec<OrgRow> = sqlx::query_as("SELECT * FROM organisations ORDER BY code").fetch_all(pool).await?;
            rows.into_iter().map(OrgRow::into_domain).collect()
        }

        pub read fn organisation(pool, code: &str) -> Result<Option<Organisation>> {
            let row: Option<OrgRow> = sqlx::query_as("SELECT * FROM organisations WHERE code = $1").bind(code).fetch_optional(pool).await?;
            row.map(OrgRow::into_domain).transpose()
        }

        /// The secretariat's changes (`by` names who) leave an `admin.changed` event as their trail.
        pub write fn set_member(pool, code: &str, member: bool, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE organisations SET member = $2 WHERE code = $1").bind(code).bind(member).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("organisation"));
            }
            admin_event(&mut tx, AdminChange::Member { code: code.to_string(), member }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }
    }
}
