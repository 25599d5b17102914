//! Agents' feedback on the guide, routed and resolved by a newer version.

use crate::backend::prelude::*;
use domain::event::FeedbackNotice;
use domain::feedback::{self, Feedback, FeedbackCounts, FeedbackState, NewFeedback};

macro_rules! feedback_columns {
    () => {
        "id, incident_id, version, section, category, text, routed_to, state, created_by, created_at, resolved_by_version, handled_by"
    };
}

#[derive(sqlx::FromRow)]
struct FeedbackRow {
    id: Uuid,
    incident_id: Uuid,
    version: i64,
    section: String,
    category: String,
    text: String,
    routed_to: String,
    state: String,
    created_by: String,
    created_at: OffsetDateTime,
    resolved_by_version: Option<i64>,
    handled_by: Option<String>,
}

impl FeedbackRow {
    fn into_domain(self) -> Result<Feedback> {
        Ok(Feedback {
            id: self.id,
            incident_id: self.incident_id,
            version: self.version,
            section: self.section.parse().map_err(corrupt)?,
            category: self.category.parse().map_err(corrupt)?,
            text: self.text,
            routed_to: self.routed_to.parse().map_err(corrupt)?,
            state: self.state.parse().map_err(corrupt)?,
            created_by: self.created_by,
            created_at: self.created_at,
            resolved_by_version: self.resolved_by_version,
            handled_by: self.handled_by,
        })
    }
}

operations! {
    uses: incidents, events;

    helpers {
        async fn latest_version_number(tx: &mut Tx, incident_id: Uuid) -> Result<i64> {
            let n: Option<i64> =
                sqlx::query_scalar("SELECT MAX(version) FROM guide_versions WHERE incident_id = $1").bind(incident_id).fetch_one(&mut **tx).await?;
            n.ok_or_else(|| conflict("the guide has not been published yet"))
        }
    }

    ops {
        pub write fn create_feedback(pool, incident_id: Uuid, new: NewFeedback, actor: &Actor, at: OffsetDateTime) -> Result<Feedback> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let new = new.validate(latest_version_number(&mut tx, incident_id).await?)?;
            let f = Feedback {
                id: Uuid::new_v4(),
                incident_id,
                version: new.version,
                section: new.section,
                category: new.category,
                text: new.text,
                routed_to: new.category.routed_to(),
                state: FeedbackState::New,
                created_by: actor.name.clone(),
                created_at: at,
                resolved_by_version: None,
                handled_by: None,
            };
            sqlx::query(concat!("INSERT INTO feedback (", feedback_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"))
                .bind(f.id)
                .bind(f.incident_id)
                .bind(f.version)
                .bind(f.section.as_str())
                .bind(f.category.as_str())
                .bind(&f.text)
                .bind(f.routed_to.as_str())
                .bind(f.state.as_str())
                .bind(&f.created_by)
                .bind(f.created_at)
                .bind(f.resolved_by_version)
                .bind(&f.handled_by)
                .execute(&mut *tx)
                .await?;
            emit_all(&mut tx, vec![NewEvent::about(&incident, Event::FeedbackCreated(FeedbackNotice::from(&f)))], at).await?;
            tx.commit().await?;
            Ok(f)
        }

        /// Newest first.
        pub read fn feedback(pool, incident_id: Uuid) -> Result<Vec<Feedback>> {
            let rows: Vec<FeedbackRow> =
                sqlx::query_as(concat!("SELECT ", feedback_columns!(), " FROM feedback WHERE incident_id = $1 ORDER BY created_at DESC, id"))
                    .bind(incident_id)
                    .fetch_all(pool)
                    .await?;
            rows.into_iter().map(FeedbackRow::into_domain).collect()
        }

        pub write fn update_feedback(pool, incident_id: Uuid, id: Uuid, to: FeedbackState, resolved_by: Option<i64>, actor: &Actor, at: OffsetDateTime) -> Result<Feedback> {
            let mut tx = pool.begin().await?;
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let row: Option<FeedbackRow> = sqlx::query_as(concat!("SELECT ", feedback_columns!(), " FROM feedback WHERE id = $1 AND incident_id = $2"))
                .bind(id)
                .bind(incident_id)
                .fetch_optional(&mut *tx)
                .await?;
            let mut f = row.ok_or_else(|| not_found("feedback"))?.into_domain()?;
            let latest = latest_version_number(&mut tx, incident_id).await?;
            (f.state, f.resolved_by_version) = feedback::transition(&f, to, resolved_by, latest)?;
            f.handled_by = Some(actor.name.clone());
            // When it was resolved: what the KPI of resolution time measures to.
            let resolved_at = (f.state == FeedbackState::Resolved).then_some(at);
            sqlx::query("UPDATE feedback SET state = $2, resolved_by_version = $3, handled_by = $4, resolved_at = $5 WHERE id = $1")
                .bind(id)
                .bind(f.state.as_str())
                .bind(f.resolved_by_version)
                .bind(&f.handled_by)
                .bind(resolved_at)
                .execute(&mut *tx)
                .await?;
            emit_all(&mut tx, vec![NewEvent::about(&incident, Event::FeedbackUpdated(FeedbackNotice::from(&f)))], at).await?;
            tx.commit().await?;
            Ok(f)
        }

        pub read fn feedback_counts(pool, incident_id: Uuid) -> Result<FeedbackCounts> {
            let rows: Vec<(String, i64)> = sqlx::query_as("SELECT state, COUNT(*) FROM feedback WHERE incident_id = $1 GROUP BY state")
                .bind(incident_id)
                .fetch_all(pool)
                .await?;
            let mut c = FeedbackCounts::default();
            for (state, n) in rows {
                match state.parse().map_err(corrupt)? {
                    FeedbackState::New => c.new = n,
                    FeedbackState::Acknowledged => c.acknowledged = n,
                    FeedbackState::Resolved => c.resolved = n,
                }
            }
            Ok(c)
        }
    }
}
