//! Row shapes shared by both backends, and their conversion into domain types.

use crate::error::{Result, corrupt};
use domain::checklist::{ActionCard, ChecklistItem, TemplateItem};
use domain::event::Committed;
use domain::incident::{Incident, channels_from_string};
use domain::log::{Author, LogEntry};
use domain::org::Organisation;
use domain::user::User;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub(crate) struct OrgRow {
    code: String,
    name: String,
    kind: String,
    region: Option<String>,
    population: i64,
    member: bool,
}

impl OrgRow {
    pub fn into_domain(self) -> Result<Organisation> {
        Ok(Organisation {
            code: self.code,
            name: self.name,
            kind: self.kind.parse().map_err(corrupt)?,
            region: self.region,
            population: self.population,
            member: self.member,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    org: String,
    role: String,
    active: bool,
    pub password_hash: String,
}

impl UserRow {
    pub fn into_domain(self) -> Result<User> {
        Ok(User {
            id: self.id,
            email: self.email,
            name: self.name,
            org: self.org,
            role: self.role.parse().map_err(corrupt)?,
            active: self.active,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct IncidentRow {
    pub id: Uuid,
    title: String,
    kind: String,
    status: String,
    channels: String,
    exercise: bool,
    created_at: OffsetDateTime,
    activated_at: Option<OffsetDateTime>,
    standing_down_at: Option<OffsetDateTime>,
    closed_at: Option<OffsetDateTime>,
    all_clear: Option<String>,
}

impl IncidentRow {
    pub fn into_domain(self, affected: Vec<String>) -> Result<Incident> {
        Ok(Incident {
            id: self.id,
            title: self.title,
            kind: self.kind.parse().map_err(corrupt)?,
            status: self.status.parse().map_err(corrupt)?,
            affected,
            channels: channels_from_string(&self.channels).map_err(corrupt)?,
            exercise: self.exercise,
            created_at: self.created_at,
            activated_at: self.activated_at,
            standing_down_at: self.standing_down_at,
            closed_at: self.closed_at,
            all_clear: self.all_clear,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LogRow {
    incident_id: Uuid,
    seq: i64,
    at: OffsetDateTime,
    author_id: Uuid,
    author_name: String,
    author_role: String,
    author_org: String,
    category: String,
    text: String,
    corrects: Option<i64>,
    prev_hash: String,
    hash: String,
}

impl LogRow {
    pub fn into_domain(self) -> Result<LogEntry> {
        Ok(LogEntry {
            incident_id: self.incident_id,
            seq: self.seq,
            at: self.at,
            author: Author {
                user_id: self.author_id,
                name: self.author_name,
                role: self.author_role.parse().map_err(corrupt)?,
                org: self.author_org,
            },
            category: self.category.parse().map_err(corrupt)?,
            text: self.text,
            corrects: self.corrects,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TemplateRow {
    pub id: Uuid,
    side: String,
    title: String,
    responsible: String,
}

impl TemplateRow {
    pub fn into_domain(self) -> Result<(Uuid, TemplateItem)> {
        Ok((
            self.id,
            TemplateItem {
                side: self.side.parse().map_err(corrupt)?,
                title: self.title,
                responsible: self.responsible.parse().map_err(corrupt)?,
            },
        ))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CardRow {
    id: Uuid,
    kind: String,
    title: String,
    problem: String,
    solution: String,
    communication: String,
    responsible: String,
    steps: String,
}

impl CardRow {
    pub fn into_domain(self) -> Result<(Uuid, ActionCard)> {
        Ok((
            self.id,
            ActionCard {
                kind: self.kind.parse().map_err(corrupt)?,
                title: self.title,
                problem: self.problem,
                solution: self.solution,
                communication: self.communication,
                responsible: self.responsible.parse().map_err(corrupt)?,
                steps: serde_json::from_str(&self.steps).map_err(corrupt)?,
            },
        ))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ItemRow {
    id: Uuid,
    side: String,
    org: Option<String>,
    title: String,
    responsible: String,
    card_id: Option<Uuid>,
    done_by: Option<String>,
    done_at: Option<OffsetDateTime>,
}

impl ItemRow {
    pub fn into_domain(self) -> Result<ChecklistItem> {
        Ok(ChecklistItem {
            id: self.id,
            side: self.side.parse().map_err(corrupt)?,
            org: self.org,
            title: self.title,
            responsible: self.responsible.parse().map_err(corrupt)?,
            card_id: self.card_id,
            done_by: self.done_by,
            done_at: self.done_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    seq: i64,
    kind: String,
    incident_id: Option<Uuid>,
    affected: String,
    at: OffsetDateTime,
    payload: String,
}

impl EventRow {
    pub fn into_domain(self) -> Result<Committed> {
        Ok(Committed {
            seq: self.seq,
            kind: self.kind.parse().map_err(corrupt)?,
            incident_id: self.incident_id,
            affected: self.affected.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
            at: self.at,
            payload: serde_json::from_str(&self.payload).map_err(corrupt)?,
        })
    }
}
