//! The crisis guide: drafts, published versions, and their freshness.

use crate::backend::prelude::*;
use domain::guide::{Freshness, Glance, Guide, Version};

fn guide_json(g: &Guide) -> Result<String> {
    serde_json::to_string(g).map_err(corrupt)
}

fn guide_from(s: &str) -> Result<Guide> {
    serde_json::from_str(s).map_err(corrupt)
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    content: String,
    published_at: OffsetDateTime,
    published_by: String,
}

impl VersionRow {
    fn into_domain(self) -> Result<Version> {
        Ok(Version {
            version: self.version,
            published_at: self.published_at,
            published_by: self.published_by,
            guide: guide_from(&self.content)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct FreshnessRow {
    version: i64,
    next_update_at: OffsetDateTime,
    overdue_since: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct GlanceRow {
    id: Uuid,
    version: Option<i64>,
    next_update_at: Option<OffsetDateTime>,
    overdue_since: Option<OffsetDateTime>,
    open_feedback: i64,
    open_questions: i64,
}

operations! {
    uses: incidents, log, events;

    helpers {
        pub(crate) async fn guide_version_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, incident_id: Uuid, version: Option<i64>) -> Result<Option<Version>> {
            let row: Option<VersionRow> = sqlx::query_as(
                "SELECT version, content, published_at, published_by FROM guide_versions
                 WHERE incident_id = $1 AND ($2 < 0 OR version = $2) ORDER BY version DESC LIMIT 1",
            )
            .bind(incident_id)
            .bind(version.unwrap_or(-1))
            .fetch_optional(ex)
            .await?;
            row.map(VersionRow::into_domain).transpose()
        }

        /// A new version re-arms the overdue alarm with its own `next_update_at` (kept in UTC, so that
        /// SQLite's text comparison orders times correctly).
        async fn rearm_freshness(tx: &mut Tx, incident_id: Uuid, v: &Version) -> Result<()> {
            let next = v.guide.next_update_at.ok_or_else(|| corrupt("a published guide without next_update_at"))?.to_offset(time::UtcOffset::UTC);
            sqlx::query(
                "INSERT INTO guide_freshness (incident_id, version, next_update_at, overdue_since) VALUES ($1, $2, $3, NULL)
                 ON CONFLICT (incident_id) DO UPDATE SET version = excluded.version, next_update_at = excluded.next_update_at, overdue_since = NULL",
            )
            .bind(incident_id)
            .bind(v.version)
            .bind(next)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        pub(crate) async fn save_draft_in(tx: &mut Tx, incident_id: Uuid, guide: &Guide, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            sqlx::query(
                "INSERT INTO guide_drafts (incident_id, content, updated_at, updated_by) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (incident_id) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(incident_id)
            .bind(guide_json(guide)?)
            .bind(at)
            .bind(&actor.name)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
    }

    ops {
        /// Saves the working draft; `guide` must have passed `Guide::validate_draft`. No log entry:
        /// drafts are work in progress.
        pub write fn save_guide_draft(pool, incident_id: Uuid, guide: &Guide, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            lock_incident(&mut tx, incident_id, at).await?;
            save_draft_in(&mut tx, incident_id, guide, actor, at).await?;
            tx.commit().await?;
            Ok(())
        }

        pub read fn guide_draft(pool, incident_id: Uuid) -> Result<Option<Guide>> {
            let row: Option<String> = sqlx::query_scalar("SELECT content FROM guide_drafts WHERE incident_id = $1").bind(incident_id).fetch_optional(pool).await?;
            row.as_deref().map(guide_from).transpose()
        }

        /// A published version, or the latest when `version` is `None`.
        pub read fn guide_version(pool, incident_id: Uuid, version: Option<i64>) -> Result<Option<Version>> {
            guide_version_in(pool, incident_id, version).await
        }

        /// Every published version's number and time, oldest first: what CAP's `references` name.
        pub read fn guide_history(pool, incident_id: Uuid) -> Result<Vec<(i64, OffsetDateTime)>> {
            Ok(sqlx::query_as("SELECT version, published_at FROM guide_versions WHERE incident_id = $1 ORDER BY version")
                .bind(incident_id)
                .fetch_all(pool)
                .await?)
        }

        /// Publishes the saved draft as the next immutable version: validated for publishing, refused
        /// when unchanged, logged and announced in the same transaction.
        pub write fn publish_guide(pool, incident_id: Uuid, actor: &Actor, at: OffsetDateTime) -> Result<Version> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let draft: Option<String> =
                sqlx::query_scalar("SELECT content FROM guide_drafts WHERE incident_id = $1").bind(incident_id).fetch_optional(&mut *tx).await?;
            let Some(draft) = draft else {
                return Err(domain::DomainError::Conflict("there is no draft to publish: save the guide first".into()).into());
            };
            let guide = guide_from(&draft)?.validate_for_publish(at)?;
            let latest = guide_version_in(&mut *tx, incident_id, None).await?;
            domain::guide::check_changed(latest.as_ref(), &guide)?;
            let version = Version { version: latest.map_or(1, |v| v.version + 1), published_at: at, published_by: actor.name.clone(), guide };
            sqlx::query("INSERT INTO guide_versions (incident_id, version, content, published_at, published_by) VALUES ($1, $2, $3, $4, $5)")
                .bind(incident_id)
                .bind(version.version)
                .bind(guide_json(&version.guide)?)
                .bind(at)
                .bind(&version.published_by)
                .execute(&mut *tx)
                .await?;
            rearm_freshness(&mut tx, incident_id, &version).await?;
            append_in_tx(&mut tx, &incident, actor, narrative::guide_published(version.version), at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::GuidePublished { incident_id, version: version.version, banner: version.guide.banner.clone() }));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(version)
        }

        /// The published guide's freshness: which version, when the next is due, whether it is overdue.
        pub read fn guide_freshness(pool, incident_id: Uuid) -> Result<Option<Freshness>> {
            let row: Option<FreshnessRow> = sqlx::query_as("SELECT version, next_update_at, overdue_since FROM guide_freshness WHERE incident_id = $1")
                .bind(incident_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| Freshness { version: r.version, next_update_at: r.next_update_at, overdue_since: r.overdue_since }))
        }

        /// Every incident at a glance, for the crisis list: its guide's freshness, its feedback not
        /// yet resolved, and the questions recorded as not covered by its current version.
        pub read fn glances(pool) -> Result<Vec<(Uuid, Glance)>> {
            let rows: Vec<GlanceRow> = sqlx::query_as(
                "SELECT i.id, f.version, f.next_update_at, f.overdue_since,
                    (SELECT COUNT(*) FROM feedback b WHERE b.incident_id = i.id AND b.state <> 'resolved') AS open_feedback,
                    (SELECT COUNT(*) FROM inquiries q WHERE q.incident_id = i.id AND q.situation IS NULL AND q.version = f.version) AS open_questions
                 FROM incidents i LEFT JOIN guide_freshness f ON f.incident_id = i.id",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    let freshness = match (r.version, r.next_update_at) {
                        (Some(version), Some(next_update_at)) => Some(Freshness { version, next_update_at, overdue_since: r.overdue_since }),
                        _ => None,
                    };
                    (r.id, Glance { freshness, open_feedback: r.open_feedback, open_questions: r.open_questions })
                })
                .collect())
        }

        /// Marks every guide whose next update has passed as overdue, once: the conditional update makes
        /// exactly one node win on PostgreSQL. Each gets a log entry and a `guide.overdue` event. Returns
        /// the incidents marked.
        pub write fn mark_overdue(pool, now: OffsetDateTime) -> Result<Vec<Uuid>> {
            let now = now.to_offset(time::UtcOffset::UTC);
            let due: Vec<Uuid> = sqlx::query_scalar(
                "SELECT f.incident_id FROM guide_freshness f JOIN incidents i ON i.id = f.incident_id
                 WHERE f.overdue_since IS NULL AND f.next_update_at <= $1 AND i.status IN ('active', 'standing_down')",
            )
            .bind(now)
            .fetch_all(pool)
            .await?;
            let mut marked = Vec::new();
            for incident_id in due {
                let mut tx = pool.begin().await?;
                let incident = lock_incident(&mut tx, incident_id, now).await?;
                let row: Option<(i64, OffsetDateTime)> = sqlx::query_as(
                    "UPDATE guide_freshness SET overdue_since = $2 WHERE incident_id = $1 AND overdue_since IS NULL AND next_update_at <= $2
                     RETURNING version, next_update_at",
                )
                .bind(incident_id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((version, due_at)) = row else { continue };
                let mut events = Vec::new();
                append_in_tx(&mut tx, &incident, &Actor::system(), narrative::guide_overdue(version, due_at), now, &mut events).await?;
                events.push(NewEvent::about(&incident, Event::GuideOverdue { incident_id, version, next_update_at: due_at }));
                emit_all(&mut tx, events, now).await?;
                tx.commit().await?;
                marked.push(incident_id);
            }
            Ok(marked)
        }
    }
}
