//! The knowledge base's everyday guides.

use crate::backend::prelude::*;
use domain::everyday::EverydayGuide;

/// What one import of a municipality's everyday guides did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
}

impl ImportReport {
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
}

operations! {
    uses: events;

    ops {
        /// Makes municipality's everyday guides what the folder holds, in one transaction: new and
        /// changed guides are written, unchanged ones left alone, guides whose file is gone removed.
        pub write fn import_everyday(pool, municipality: &str, guides: Vec<EverydayGuide>, at: OffsetDateTime) -> Result<ImportReport> {
            let mut tx = pool.begin().await?;
            let existing: Vec<(String, String)> =
                sqlx::query_as("SELECT slug, hash FROM everyday_guides WHERE municipality = $1").bind(municipality).fetch_all(&mut *tx).await?;
            let mut report = ImportReport::default();
            for g in &guides {
                match existing.iter().find(|(slug, _)| *slug == g.slug) {
                    Some((_, hash)) if *hash == g.hash => report.unchanged += 1,
                    found => {
                        sqlx::query(
                            "INSERT INTO everyday_guides (municipality, slug, title, body, hash, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                             ON CONFLICT (municipality, slug) DO UPDATE SET title = excluded.title, body = excluded.body, hash = excluded.hash, updated_at = excluded.updated_at",
                        )
                        .bind(&g.municipality)
                        .bind(&g.slug)
                        .bind(&g.title)
                        .bind(&g.body)
                        .bind(&g.hash)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                        if found.is_some() { report.updated += 1 } else { report.added += 1 }
                    }
                }
            }
            for (slug, _) in existing.iter().filter(|(slug, _)| !guides.iter().any(|g| g.slug == *slug)) {
                sqlx::query("DELETE FROM everyday_guides WHERE municipality = $1 AND slug = $2").bind(municipality).bind(slug).execute(&mut *tx).await?;
                report.removed += 1;
            }
            if report.changed() {
                let event = Event::EverydayImported { municipality: municipality.to_string(), added: report.added, updated: report.updated, removed: report.removed };
                emit_all(&mut tx, vec![NewEvent::general(event)], at).await?;
            }
            tx.commit().await?;
            Ok(report)
        }

        pub read fn everyday_guides(pool) -> Result<Vec<EverydayGuide>> {
            let rows: Vec<(String, String, String, String, String)> =
                sqlx::query_as("SELECT municipality, slug, title, body, hash FROM everyday_guides ORDER BY municipality, slug").fetch_all(pool).await?;
            Ok(rows.into_iter().map(|(municipality, slug, title, body, hash)| EverydayGuide { municipality, slug, title, body, hash }).collect())
        }

        pub read fn everyday_guide(pool, municipality: &str, slug: &str) -> Result<Option<EverydayGuide>> {
            let row: Option<(String, String, String, String, String)> =
                sqlx::query_as("SELECT municipality, slug, title, body, hash FROM everyday_guides WHERE municipality = $1 AND slug = $2")
                    .bind(municipality)
                    .bind(slug)
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(|(municipality, slug, title, body, hash)| EverydayGuide { municipality, slug, title, body, hash }))
        }
    }
}
