//! Checklists, their templates and the action cards that add to them.

use crate::backend::prelude::*;
use domain::checklist::{self, ActionCard, ChecklistItem, TemplateItem};
use domain::event::{AdminChange, ChecklistChange};

macro_rules! item_columns {
    () => {
        "id, side, org, title, responsible, card_id, done_by, done_at"
    };
}

macro_rules! card_columns {
    () => {
        "id, kind, title, problem, solution, communication, responsible, steps"
    };
}

operations! {
    uses: incidents, log, events;

    helpers {
        pub(crate) async fn add_items(tx: &mut Tx, incident_id: Uuid, items: &[(TemplateItem, Option<String>)], card_id: Option<Uuid>) -> Result<()> {
            let start: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM checklist_items WHERE incident_id = $1")
                .bind(incident_id)
                .fetch_one(&mut **tx)
                .await?;
            for (i, (item, org)) in items.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO checklist_items (id, incident_id, position, side, org, title, responsible, card_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(Uuid::new_v4())
                .bind(incident_id)
                .bind(start + 1 + i as i64)
                .bind(item.side.as_str())
                .bind(org)
                .bind(&item.title)
                .bind(item.responsible.as_str())
                .bind(card_id)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        pub(crate) async fn checklist_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, incident_id: Uuid) -> Result<Vec<ChecklistItem>> {
            let rows: Vec<ItemRow> = sqlx::query_as(concat!("SELECT ", item_columns!(), " FROM checklist_items WHERE incident_id = $1 ORDER BY position"))
                .bind(incident_id)
                .fetch_all(ex)
                .await?;
            rows.into_iter().map(ItemRow::into_domain).collect()
        }

        pub(crate) async fn checklist_templates_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E) -> Result<Vec<(Uuid, TemplateItem)>> {
            let rows: Vec<TemplateRow> = sqlx::query_as("SELECT id, side, title, responsible FROM checklist_templates ORDER BY position").fetch_all(ex).await?;
            rows.into_iter().map(TemplateRow::into_domain).collect()
        }
    }

    ops {
        pub read fn checklist(pool, incident_id: Uuid) -> Result<Vec<ChecklistItem>> {
            checklist_in(pool, incident_id).await
        }

        pub write fn complete_item(pool, incident_id: Uuid, item_id: Uuid, done: bool, actor: &Actor, at: OffsetDateTime) -> Result<ChecklistItem> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let row: Option<ItemRow> = sqlx::query_as(concat!("SELECT ", item_columns!(), " FROM checklist_items WHERE id = $1 AND incident_id = $2"))
                .bind(item_id)
                .bind(incident_id)
                .fetch_optional(&mut *tx)
                .await?;
            let mut item = row.ok_or_else(|| not_found("checklist item"))?.into_domain()?;
            checklist::may_complete(actor, &item)?;
            if item.done_at.is_some() == done {
                return Err(conflict(if done { "this item is already done" } else { "this item is not done" }));
            }
            let (by, when) = if done { (Some(actor.name.clone()), Some(at)) } else { (None, None) };
            sqlx::query("UPDATE checklist_items SET done_by = $2, done_at = $3 WHERE id = $1").bind(item_id).bind(&by).bind(when).execute(&mut *tx).await?;
            item.done_by = by;
            item.done_at = when;
            append_in_tx(&mut tx, &incident, actor, narrative::checklist_done(&item, done), at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::ChecklistUpdated(ChecklistChange::Item(item.clone()))));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(item)
        }

        pub read fn checklist_templates(pool) -> Result<Vec<(Uuid, TemplateItem)>> {
            checklist_templates_in(pool).await
        }

        pub write fn add_checklist_template(pool, item: &TemplateItem, by: &str, at: OffsetDateTime) -> Result<Uuid> {
            let id = Uuid::new_v4();
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO checklist_templates (id, position, side, title, responsible)
                 VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM checklist_templates), $2, $3, $4)",
            )
            .bind(id)
            .bind(item.side.as_str())
            .bind(&item.title)
            .bind(item.responsible.as_str())
            .execute(&mut *tx)
            .await?;
            admin_event(&mut tx, AdminChange::TemplateAdded { id, item: item.clone() }, by, at).await?;
            tx.commit().await?;
            Ok(id)
        }

        pub write fn delete_checklist_template(pool, id: Uuid, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("DELETE FROM checklist_templates WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("checklist template item"));
            }
            admin_event(&mut tx, AdminChange::TemplateDeleted { id }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        pub read fn action_cards(pool) -> Result<Vec<(Uuid, ActionCard)>> {
            let rows: Vec<CardRow> = sqlx::query_as(concat!("SELECT ", card_columns!(), " FROM action_cards ORDER BY kind, title")).fetch_all(pool).await?;
            rows.into_iter().map(CardRow::into_domain).collect()
        }

        pub write fn add_action_card(pool, card: &ActionCard, by: &str, at: OffsetDateTime) -> Result<Uuid> {
            let id = Uuid::new_v4();
            let mut tx = pool.begin().await?;
            sqlx::query(concat!("INSERT INTO action_cards (", card_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))
                .bind(id)
                .bind(card.kind.as_str())
                .bind(&card.title)
                .bind(&card.problem)
                .bind(&card.solution)
                .bind(&card.communication)
                .bind(card.responsible.as_str())
                .bind(serde_json::to_string(&card.steps).map_err(corrupt)?)
                .execute(&mut *tx)
                .await?;
            admin_event(&mut tx, AdminChange::CardAdded { id, title: card.title.clone() }, by, at).await?;
            tx.commit().await?;
            Ok(id)
        }

        /// Deletes an action card that no incident uses; refused with a conflict while any incident
        /// has it attached: a used card stays part of those incidents' record.
        pub write fn delete_action_card(pool, id: Uuid, by: &str, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incident_cards WHERE card_id = $1").bind(id).fetch_one(&mut *tx).await?;
            if used > 0 {
                return Err(conflict(format!("this action card is attached to {used} incident(s) and stays part of their record; it cannot be deleted")));
            }
            let done = sqlx::query("DELETE FROM action_cards WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(not_found("action card"));
            }
            admin_event(&mut tx, AdminChange::CardDeleted { id }, by, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// The cards attached to an incident.
        pub read fn incident_cards(pool, incident_id: Uuid) -> Result<Vec<(Uuid, ActionCard)>> {
            let rows: Vec<CardRow> = sqlx::query_as(
                "SELECT c.id, c.kind, c.title, c.problem, c.solution, c.communication, c.responsible, c.steps
                 FROM incident_cards ic JOIN action_cards c ON c.id = ic.card_id WHERE ic.incident_id = $1 ORDER BY c.title",
            )
            .bind(incident_id)
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(CardRow::into_domain).collect()
        }

        pub write fn attach_card(pool, incident_id: Uuid, card_id: Uuid, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let row: Option<CardRow> = sqlx::query_as(concat!("SELECT ", card_columns!(), " FROM action_cards WHERE id = $1"))
                .bind(card_id)
                .fetch_optional(&mut *tx)
                .await?;
            let (_, card) = row.ok_or_else(|| not_found("action card"))?.into_domain()?;
            sqlx::query("INSERT INTO incident_cards (incident_id, card_id) VALUES ($1, $2)")
                .bind(incident_id)
                .bind(card_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| unique(e, "this action card is already attached to the incident"))?;
            let items: Vec<(TemplateItem, Option<String>)> = card.checklist_items().into_iter().map(|i| (i, None)).collect();
            add_items(&mut tx, incident_id, &items, Some(card_id)).await?;
            append_in_tx(&mut tx, &incident, actor, narrative::card_attached(&card.title), at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::ChecklistUpdated(ChecklistChange::CardAttached { card: card_id })));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(())
        }

        /// Detaches a card: its steps not yet done leave the checklist; the done ones stay, as
        /// part of the record.
        pub write fn detach_card(pool, incident_id: Uuid, card_id: Uuid, actor: &Actor, at: OffsetDateTime) -> Result<()> {
            let mut tx = pool.begin().await?;
            let mut events = Vec::new();
            let incident = lock_incident(&mut tx, incident_id, at).await?;
            let title: Option<String> = sqlx::query_scalar(
                "SELECT c.title FROM incident_cards ic JOIN action_cards c ON c.id = ic.card_id WHERE ic.incident_id = $1 AND ic.card_id = $2",
            )
            .bind(incident_id)
            .bind(card_id)
            .fetch_optional(&mut *tx)
            .await?;
            let title = title.ok_or_else(|| not_found("action card attached to this incident"))?;
            sqlx::query("DELETE FROM incident_cards WHERE incident_id = $1 AND card_id = $2").bind(incident_id).bind(card_id).execute(&mut *tx).await?;
            let open = sqlx::query("DELETE FROM checklist_items WHERE incident_id = $1 AND card_id = $2 AND done_at IS NULL")
                .bind(incident_id)
                .bind(card_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            append_in_tx(&mut tx, &incident, actor, narrative::card_detached(&title, open), at, &mut events).await?;
            events.push(NewEvent::about(&incident, Event::ChecklistUpdated(ChecklistChange::CardDetached { detached: card_id })));
            emit_all(&mut tx, events, at).await?;
            tx.commit().await?;
            Ok(())
        }
    }
}
