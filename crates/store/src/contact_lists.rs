//! The contact lists per organisation. Every change, and every "I checked this today", writes
//! its `admin.changed` event (the secretariat's trail, naming who) in the same transaction.

use crate::backend::prelude::*;
use domain::contact_list::{Entry, NewEntry};
use domain::event::AdminChange;

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: Uuid,
    org: String,
    kind: String,
    name: String,
    function: String,
    phone: String,
    email: String,
    note: String,
    last_verified_at: Option<OffsetDateTime>,
    last_verified_by: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl EntryRow {
    /// The entry, not yet judged stale (`app` does, with the secretariat's period).
    fn into_domain(self) -> Result<Entry> {
        Ok(Entry {
            id: self.id,
            org: self.org,
            kind: self.kind.parse().map_err(corrupt)?,
            name: self.name,
            function: self.function,
            phone: self.phone,
            email: self.email,
            note: self.note,
            last_verified_at: self.last_verified_at,
            last_verified_by: self.last_verified_by,
            stale: false,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

macro_rules! entry_columns {
    () => {
        "id, org, kind, name, function, phone, email, note, last_verified_at, last_verified_by, created_at, updated_at"
    };
}

operations! {
    uses: events;

    helpers {
        /// The entry `id` on `org`'s list, within the transaction; another list's entry is not found.
        async fn entry_in(tx: &mut Tx, org: &str, id: Uuid) -> Result<Entry> {
            let sql = concat!("SELECT ", entry_columns!(), " FROM contact_list_entries WHERE id = $1 AND org = $2");
            let row: Option<EntryRow> = sqlx::query_as(sql).bind(id).bind(org).fetch_optional(&mut **tx).await?;
            row.ok_or_else(|| not_found("contact list entry"))?.into_domain()
        }

        /// Binds an entry's fields, in the column order `kind, name, function, phone, email, note`.
        fn bind_fields<'q>(
            q: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>,
            e: &'q NewEntry,
        ) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments> {
            q.bind(e.kind.as_str()).bind(&e.name).bind(&e.function).bind(&e.phone).bind(&e.email).bind(&e.note)
        }

        fn rows(rows: Vec<EntryRow>) -> Result<Vec<Entry>> {
            rows.into_iter().map(EntryRow::into_domain).collect()
        }
    }

    ops {
        /// `org`'s list, in the order entries were added.
        pub read fn contact_list(pool, org: &str) -> Result<Vec<Entry>> {
            let sql = concat!("SELECT ", entry_columns!(), " FROM contact_list_entries WHERE org = $1 ORDER BY created_at, id");
            rows(sqlx::query_as(sql).bind(org).fetch_all(pool).await?)
        }

        /// Every organisation's list, by organisation.
        pub read fn contact_lists(pool) -> Result<Vec<Entry>> {
            let sql = concat!("SELECT ", entry_columns!(), " FROM contact_list_entries ORDER BY org, created_at, id");
            rows(sqlx::query_as(sql).fetch_all(pool).await?)
        }

        /// Adds an entry to `org`'s list (`entry` has passed `NewEntry::validate`); `by` names who,
        /// in the trail. An unknown organisation is not found.
        pub write fn add_contact_entry(pool, org: &str, entry: &NewEntry, by: &str, at: OffsetDateTime) -> Result<Entry> {
            let mut tx = pool.begin().await?;
            let known: Option<String> = sqlx::query_scalar("SELECT code FROM organisations WHERE code = $1").bind(org).fetch_optional(&mut *tx).await?;
            if known.is_none() {
                return Err(not_found("organisation"));
            }
            let id = Uuid::new_v4();
            let insert = sqlx::query(
                "INSERT INTO contact_list_entries (id, org, kind, name, function, phone, email, note, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            );
            bind_fields(insert.bind(id).bind(org), entry).bind(at).execute(&mut *tx).await?;
            let stored = entry_in(&mut tx, org, id).await?;
            admin_event(&mut tx, AdminChange::ContactAdded { org: org.to_string(), id }, by, at).await?;
            tx.commit().await?;
            Ok(stored)
        }

        /// Replaces an entry's fields; when it was last checked stays as it was.
        pub write fn update_contact_entry(pool, org: &str, id: Uuid, entry: &NewEntry, by: &str, at: OffsetDateTime) -> Result<Entry> {
            let mut tx = pool.begin().await?;
            let update = sqlx::query(
                "UPDATE contact_list_entries SET kind = $3, name = $4, function = $5, phone = $6, email = $7, note = $8, updated_at = $9
                 WHERE id = $1 AND org = $2",
            );
            let done = bind_fields(update.bind(id).bind(org), entry).bind(at).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("contact list entry"));
            }
            let stored = entry_in(&mut tx, org, id).await?;
            admin_event(&mut tx, AdminChange::ContactUpdated { org: org.to_string(), id }, by, at).await?;
            tx.commit().await?;
            Ok(stored)
        }

        pub write fn remove_contact_entry(pool, org: &str, id: Uuid, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("DELETE FROM contact_list_entries WHERE id = $1 AND org = $2").bind(id).bind(org).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("contact list entry"));
            }
            admin_event(&mut tx, AdminChange::ContactRemoved { org: org.to_string(), id }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// "I checked this today": records that `by` found the entry right at `at`, and the trail's
        /// entry, in one transaction.
        pub write fn mark_contact_verified(pool, org: &str, id: Uuid, by: &str, at: OffsetDateTime) -> Result<Entry> {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE contact_list_entries SET last_verified_at = $3, last_verified_by = $4 WHERE id = $1 AND org = $2")
                .bind(id)
                .bind(org)
                .bind(at)
                .bind(by)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(not_found("contact list entry"));
            }
            let stored = entry_in(&mut tx, org, id).await?;
            admin_event(&mut tx, AdminChange::ContactVerified { org: org.to_string(), id, at }, by, at).await?;
            tx.commit().await?;
            Ok(stored)
        }
    }
}
