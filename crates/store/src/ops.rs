// The SQL, written once. `backend.rs` includes this file once per database: the includer
// defines `Db` (the sqlx database type), `POSTGRES` and `MIGRATOR`. Placeholders are `$N`,
// which both SQLite and PostgreSQL accept.

use crate::error::{Result, conflict, corrupt, not_found, unique};
use crate::rows::*;
use domain::checklist::{self, ActionCard, ChecklistItem, TemplateItem};
use domain::event::{AdminChange, ChecklistChange, Committed, Event, FeedbackNotice, NewEvent, StaffingChange};
use domain::guide::{Guide, Version};
use domain::incident::{Incident, NewIncident, Status, channels_to_string};
use domain::log::{Author, LogEntry, NewLogEntry, Stored, Verification, Verifier};
use futures_util::TryStreamExt;
use domain::org::Organisation;
use domain::role::{Assignment, StaffRole};
use domain::user::{NewUser, Person, User};
use domain::{Actor, narrative};
use sqlx::{Pool, Row, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

type Tx = Transaction<'static, Db>;

pub async fn ping(pool: &Pool<Db>) -> Result<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

// ---- organisations ----

pub async fn seed_organisations(pool: &Pool<Db>, orgs: &[Organisation]) -> Result<()> {
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

pub async fn organisations(pool: &Pool<Db>) -> Result<Vec<Organisation>> {
    let rows: Vec<OrgRow> = sqlx::query_as("SELECT * FROM organisations ORDER BY code").fetch_all(pool).await?;
    rows.into_iter().map(OrgRow::into_domain).collect()
}

pub async fn organisation(pool: &Pool<Db>, code: &str) -> Result<Option<Organisation>> {
    let row: Option<OrgRow> = sqlx::query_as("SELECT * FROM organisations WHERE code = $1").bind(code).fetch_optional(pool).await?;
    row.map(OrgRow::into_domain).transpose()
}

pub async fn set_member(pool: &Pool<Db>, code: &str, member: bool, by: &str, at: OffsetDateTime) -> Result<()> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query("UPDATE organisations SET member = $2 WHERE code = $1").bind(code).bind(member).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(not_found("organisation"));
    }
    admin_event(&mut tx, AdminChange::Member { code: code.to_string(), member }, by, at).await?;
    tx.commit().await?;
    Ok(())
}

// ---- users, tokens, sessions ----

macro_rules! user_columns {
    () => {
        "id, email, name, org, role, active, password_hash"
    };
}

pub async fn create_user(pool: &Pool<Db>, u: &NewUser, password_hash: &str, by: &str, at: OffsetDateTime) -> Result<User> {
    let id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO users (id, email, name, org, role, password_hash, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)",
    )
    .bind(id)
    .bind(&u.email)
    .bind(&u.name)
    .bind(&u.org)
    .bind(u.role.as_str())
    .bind(password_hash)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|e| unique(e, "a user with this e-mail address already exists"))?;
    let user = User { id, email: u.email.clone(), name: u.name.clone(), org: u.org.clone(), role: u.role, active: true };
    admin_event(&mut tx, AdminChange::UserCreated { id, role: u.role, org: u.org.clone() }, by, at).await?;
    tx.commit().await?;
    Ok(user)
}

pub async fn user_by_email(pool: &Pool<Db>, email: &str) -> Result<Option<(User, String)>> {
    let row: Option<UserRow> = sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE email = $1"))
        .bind(email)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        let hash = r.password_hash.clone();
        r.into_domain().map(|u| (u, hash))
    })
    .transpose()
}

pub async fn user(pool: &Pool<Db>, id: Uuid) -> Result<Option<User>> {
    let row: Option<UserRow> =
        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1")).bind(id).fetch_optional(pool).await?;
    row.map(UserRow::into_domain).transpose()
}

pub async fn users(pool: &Pool<Db>) -> Result<Vec<User>> {
    let rows: Vec<UserRow> = sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users ORDER BY name")).fetch_all(pool).await?;
    rows.into_iter().map(UserRow::into_domain).collect()
}

pub async fn set_user_active(pool: &Pool<Db>, id: Uuid, active: bool, by: &str, at: OffsetDateTime) -> Result<()> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query("UPDATE users SET active = $2 WHERE id = $1").bind(id).bind(active).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(not_found("user"));
    }
    if !active {
        // A deactivated account loses its sessions and tokens at once.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
    }
    admin_event(&mut tx, AdminChange::UserActive { id, active }, by, at).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn create_token(pool: &Pool<Db>, user_id: Uuid, token_hash: &str, at: OffsetDateTime) -> Result<()> {
    sqlx::query("INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(user_id)
        .bind(at)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn user_by_token(pool: &Pool<Db>, token_hash: &str) -> Result<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.org, u.role, u.active, u.password_hash
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND u.active",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    row.map(UserRow::into_domain).transpose()
}

pub async fn create_session(pool: &Pool<Db>, token_hash: &str, user_id: Uuid, csrf: &str, expires_at: OffsetDateTime) -> Result<()> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(expires_at)
        .execute(pool)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    csrf: String,
    #[sqlx(flatten)]
    user: UserRow,
}

pub async fn session(pool: &Pool<Db>, token_hash: &str, now: OffsetDateTime) -> Result<Option<(User, String)>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT s.csrf, u.id, u.email, u.name, u.org, u.role, u.active, u.password_hash
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    row.map(|r| r.user.into_domain().map(|u| (u, r.csrf))).transpose()
}

pub async fn delete_session(pool: &Pool<Db>, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
    Ok(())
}

pub async fn purge_sessions(pool: &Pool<Db>, now: OffsetDateTime) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(pool).await?.rows_affected())
}

// ---- the standing roster and per-incident roles ----

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

pub async fn roster(pool: &Pool<Db>) -> Result<Vec<Assignment>> {
    let rows: Vec<AssignmentRow> = sqlx::query_as(concat!(assignment_select!(), " FROM roster r LEFT JOIN users p ON p.id = r.primary_user LEFT JOIN users d ON d.id = r.deputy_user"))
    .fetch_all(pool)
    .await?;
    assignments(rows)
}

pub async fn set_roster(pool: &Pool<Db>, role: StaffRole, primary: Option<Uuid>, deputy: Option<Uuid>, by: &str, at: OffsetDateTime) -> Result<()> {
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

pub async fn roles(pool: &Pool<Db>, incident_id: Uuid) -> Result<Vec<Assignment>> {
    roles_in(pool, incident_id).await
}

async fn roles_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, incident_id: Uuid) -> Result<Vec<Assignment>> {
    let rows: Vec<AssignmentRow> = sqlx::query_as(concat!(assignment_select!(), " FROM incident_roles r LEFT JOIN users p ON p.id = r.primary_user
         LEFT JOIN users d ON d.id = r.deputy_user WHERE r.incident_id = $1"))
    .bind(incident_id)
    .fetch_all(ex)
    .await?;
    assignments(rows)
}

pub async fn assign_role(
    pool: &Pool<Db>,
    incident_id: Uuid,
    role: StaffRole,
    primary: Option<Uuid>,
    deputy: Option<Uuid>,
    actor: &Actor,
    at: OffsetDateTime,
) -> Result<Vec<Assignment>> {
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

// ---- incidents ----

macro_rules! incident_columns {
    () => {
        "id, title, kind, status, channels, exercise, created_at, activated_at, standing_down_at, closed_at"
    };
}

async fn affected_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E, id: Uuid) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT org_code FROM incident_orgs WHERE incident_id = $1 ORDER BY org_code").bind(id).fetch_all(ex).await?)
}

pub async fn create_incident(pool: &Pool<Db>, n: &NewIncident, actor: &Actor, at: OffsetDateTime) -> Result<Incident> {
    let id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    let mut events = Vec::new();
    sqlx::query(
        "INSERT INTO incidents (id, title, kind, status, channels, exercise, created_at, created_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)",
    )
    .bind(id)
    .bind(&n.title)
    .bind(n.kind.as_str())
    .bind(Status::Prepared.as_str())
    .bind(channels_to_string(&n.channels))
    .bind(n.exercise)
    .bind(at)
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?;
    for code in &n.affected {
        sqlx::query("INSERT INTO incident_orgs (incident_id, org_code) VALUES ($1, $2)").bind(id).bind(code).execute(&mut *tx).await?;
    }
    // The standing roster pre-fills the incident's crisis staff; deactivated people are left out.
    sqlx::query(
        "INSERT INTO incident_roles (incident_id, role, primary_user, deputy_user)
         SELECT $1, r.role, CASE WHEN p.active THEN r.primary_user END, CASE WHEN d.active THEN r.deputy_user END
         FROM roster r LEFT JOIN users p ON p.id = r.primary_user LEFT JOIN users d ON d.id = r.deputy_user",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let incident = Incident {
        id,
        title: n.title.clone(),
        kind: n.kind,
        status: Status::Prepared,
        affected: n.affected.clone(),
        channels: n.channels.clone(),
        exercise: n.exercise,
        created_at: at,
        activated_at: None,
        standing_down_at: None,
        closed_at: None,
    };
    append_in_tx(&mut tx, &incident, actor, narrative::created(&incident), at, &mut events).await?;
    events.push(NewEvent::about(&incident, Event::IncidentCreated(incident.clone())));
    emit_all(&mut tx, events, at).await?;
    tx.commit().await?;
    Ok(incident)
}

pub async fn incident(pool: &Pool<Db>, id: Uuid) -> Result<Option<Incident>> {
    let row: Option<IncidentRow> =
        sqlx::query_as(concat!("SELECT ", incident_columns!(), " FROM incidents WHERE id = $1")).bind(id).fetch_optional(pool).await?;
    match row {
        Some(r) => Ok(Some(r.into_domain(affected_in(pool, id).await?)?)),
        None => Ok(None),
    }
}

/// All incidents, newest first; `status` filters when given.
pub async fn incidents(pool: &Pool<Db>, status: Option<Status>) -> Result<Vec<Incident>> {
    let filter = status.map(|s| s.as_str()).unwrap_or("");
    let rows: Vec<IncidentRow> = sqlx::query_as(concat!("SELECT ", incident_columns!(), " FROM incidents WHERE ($1 = '' OR status = $1) ORDER BY created_at DESC"))
    .bind(filter)
    .fetch_all(pool)
    .await?;
    let pairs: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT o.incident_id, o.org_code FROM incident_orgs o JOIN incidents i ON i.id = o.incident_id
         WHERE ($1 = '' OR i.status = $1) ORDER BY o.org_code",
    )
    .bind(filter)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id = r.id;
        let affected = pairs.iter().filter(|(i, _)| *i == id).map(|(_, c)| c.clone()).collect();
        out.push(r.into_domain(affected)?);
    }
    Ok(out)
}

/// Takes the incident's write lock for the rest of the transaction and returns its current state.
/// The first statement is a write so that SQLite takes its write lock at once (no upgrade deadlock)
/// and PostgreSQL locks the row.
async fn lock_incident(tx: &mut Tx, id: Uuid, at: OffsetDateTime) -> Result<Incident> {
    let done = sqlx::query("UPDATE incidents SET updated_at = $2 WHERE id = $1").bind(id).bind(at).execute(&mut **tx).await?;
    if done.rows_affected() == 0 {
        return Err(not_found("incident"));
    }
    let row: IncidentRow =
        sqlx::query_as(concat!("SELECT ", incident_columns!(), " FROM incidents WHERE id = $1")).bind(id).fetch_one(&mut **tx).await?;
    row.into_domain(affected_in(&mut **tx, id).await?)
}

pub async fn change_status(
    pool: &Pool<Db>,
    id: Uuid,
    to: Status,
    note: Option<&str>,
    actor: &Actor,
    at: OffsetDateTime,
) -> Result<Incident> {
    let mut tx = pool.begin().await?;
    let mut events = Vec::new();
    let mut incident = lock_incident(&mut tx, id, at).await?;
    let from = incident.status;
    let to = from.transition(to)?;
    let note = to.check_note(note)?;
    let sql = match to {
        Status::Active => "UPDATE incidents SET status = $2, activated_at = COALESCE(activated_at, $3) WHERE id = $1",
        Status::StandingDown => "UPDATE incidents SET status = $2, standing_down_at = $3 WHERE id = $1",
        Status::Closed => "UPDATE incidents SET status = $2, closed_at = $3 WHERE id = $1",
        Status::Prepared => unreachable!("no transition leads back to prepared"),
    };
    sqlx::query(sql).bind(id).bind(to.as_str()).bind(at).execute(&mut *tx).await?;
    incident.status = to;
    match to {
        Status::Active => incident.activated_at = incident.activated_at.or(Some(at)),
        Status::StandingDown => incident.standing_down_at = Some(at),
        _ => incident.closed_at = Some(at),
    }
    append_in_tx(&mut tx, &incident, actor, narrative::status_changed(from, to, note.as_deref()), at, &mut events).await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checklist_items WHERE incident_id = $1").bind(id).fetch_one(&mut *tx).await?;
    if to.raises_checklist(existing) {
        let templates: Vec<TemplateItem> = checklist_templates_in(&mut *tx).await?.into_iter().map(|(_, t)| t).collect();
        add_items(&mut tx, id, &checklist::activation_items(&templates, &incident.affected), None).await?;
    }
    events.push(NewEvent::about(&incident, Event::IncidentStatus { id, from, status: to }));
    emit_all(&mut tx, events, at).await?;
    tx.commit().await?;
    Ok(incident)
}

// ---- the log ----

fn author_of(actor: &Actor) -> Author {
    Author { user_id: actor.user_id, name: actor.name.clone(), role: actor.role, org: actor.org.clone() }
}

/// Appends to the log of an incident already locked by this transaction, moves the incident's
/// recorded head, and queues the event.
async fn append_in_tx(
    tx: &mut Tx,
    incident: &Incident,
    actor: &Actor,
    entry: NewLogEntry,
    at: OffsetDateTime,
    events: &mut Vec<NewEvent>,
) -> Result<LogEntry> {
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT log_seq, log_hash FROM incidents WHERE id = $1").bind(incident.id).fetch_one(&mut **tx).await?;
    let entry = entry.validate(head_seq)?;
    let prev = (head_seq > 0).then_some((head_seq, head_hash.as_str()));
    let e = LogEntry::seal(incident.id, prev, at, author_of(actor), entry);
    sqlx::query(
        "INSERT INTO log_entries (incident_id, seq, at, author_id, author_name, author_role, author_org, category, text, corrects, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(e.incident_id)
    .bind(e.seq)
    .bind(e.at)
    .bind(e.author.user_id)
    .bind(&e.author.name)
    .bind(e.author.role.as_str())
    .bind(&e.author.org)
    .bind(e.category.as_str())
    .bind(&e.text)
    .bind(e.corrects)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE incidents SET log_seq = $2, log_hash = $3 WHERE id = $1").bind(e.incident_id).bind(e.seq).bind(&e.hash).execute(&mut **tx).await?;
    events.push(NewEvent::about(incident, Event::LogAppended(e.clone())));
    Ok(e)
}

pub async fn append_log(pool: &Pool<Db>, incident_id: Uuid, entry: NewLogEntry, actor: &Actor, at: OffsetDateTime) -> Result<LogEntry> {
    let mut tx = pool.begin().await?;
    let mut events = Vec::new();
    let incident = lock_incident(&mut tx, incident_id, at).await?;
    let e = append_in_tx(&mut tx, &incident, actor, entry, at, &mut events).await?;
    emit_all(&mut tx, events, at).await?;
    tx.commit().await?;
    Ok(e)
}

pub async fn log(pool: &Pool<Db>, incident_id: Uuid) -> Result<Vec<LogEntry>> {
    let rows: Vec<LogRow> = sqlx::query_as("SELECT * FROM log_entries WHERE incident_id = $1 ORDER BY seq")
        .bind(incident_id)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(LogRow::into_domain).collect()
}

/// The head of the log as the incident records it: (last sequence number, its hash).
pub async fn log_head(pool: &Pool<Db>, incident_id: Uuid) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as("SELECT log_seq, log_hash FROM incidents WHERE id = $1").bind(incident_id).fetch_optional(pool).await?)
}

/// Verifies the log against its chain and the recorded head, hashing rows as they stream in and
/// reading only what the hash covers (`incident_id` is the one asked for: the query selects by it).
/// One read-only snapshot holds the head and the log, so an append meanwhile cannot look like
/// tampering. A row that cannot be read back breaks the log there, before any chain break, as
/// reading the whole log first would find it.
pub async fn verify_log(pool: &Pool<Db>, incident_id: Uuid) -> Result<Option<Verification>> {
    let mut tx = if POSTGRES { pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await? } else { pool.begin().await? };
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT log_seq, log_hash FROM incidents WHERE id = $1").bind(incident_id).fetch_optional(&mut *tx).await?;
    let Some((head_seq, head_hash)) = head else { return Ok(None) };
    let mut rows = sqlx::query(
        "SELECT seq, at, author_id, author_name, author_role, author_org, category, text, corrects, prev_hash, hash
         FROM log_entries WHERE incident_id = $1 ORDER BY seq",
    )
    .bind(incident_id)
    .fetch(&mut *tx);
    let mut verifier = Verifier::new();
    let mut position = 0;
    while let Some(row) = rows.try_next().await? {
        position += 1;
        let seq: i64 = column(&row, 0, "seq")?;
        match stored_entry(&row, incident_id, seq) {
            Ok(e) => {
                verifier.push(&e);
            }
            Err(e) => {
                let reason = format!("the stored entry cannot be read back: {e}");
                return Ok(Some(Verification { valid: false, entries: position, first_invalid: Some(seq), reason: Some(reason) }));
            }
        }
    }
    Ok(Some(verifier.finish_at_head(head_seq, &head_hash)))
}

/// The row as the hash sees it; columns by position, in the order `verify_log` selects them.
fn stored_entry(row: &<Db as sqlx::Database>::Row, incident_id: Uuid, seq: i64) -> Result<Stored<'_>> {
    Ok(Stored {
        incident_id,
        seq,
        at: column(row, 1, "at")?,
        author_id: column(row, 2, "author_id")?,
        author_name: column(row, 3, "author_name")?,
        author_role: column::<&str>(row, 4, "author_role")?.parse().map_err(corrupt)?,
        author_org: column(row, 5, "author_org")?,
        category: column::<&str>(row, 6, "category")?.parse().map_err(corrupt)?,
        text: column(row, 7, "text")?,
        corrects: column(row, 8, "corrects")?,
        prev_hash: column(row, 9, "prev_hash")?,
        hash: column(row, 10, "hash")?,
    })
}

/// Column `i` of `row`; on failure read again by `name`, so that the error names the column.
fn column<'r, T: sqlx::Decode<'r, Db> + sqlx::Type<Db>>(row: &'r <Db as sqlx::Database>::Row, i: usize, name: &str) -> Result<T> {
    Ok(row.try_get(i).or_else(|_| row.try_get(name))?)
}

// ---- checklists and action cards ----

async fn add_items(tx: &mut Tx, incident_id: Uuid, items: &[(TemplateItem, Option<String>)], card_id: Option<Uuid>) -> Result<()> {
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

macro_rules! item_columns {
    () => {
        "id, side, org, title, responsible, card_id, done_by, done_at"
    };
}

pub async fn checklist(pool: &Pool<Db>, incident_id: Uuid) -> Result<Vec<ChecklistItem>> {
    let rows: Vec<ItemRow> = sqlx::query_as(concat!("SELECT ", item_columns!(), " FROM checklist_items WHERE incident_id = $1 ORDER BY position"))
        .bind(incident_id)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(ItemRow::into_domain).collect()
}

pub async fn complete_item(
    pool: &Pool<Db>,
    incident_id: Uuid,
    item_id: Uuid,
    done: bool,
    actor: &Actor,
    at: OffsetDateTime,
) -> Result<ChecklistItem> {
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

async fn checklist_templates_in<'e, E: sqlx::Executor<'e, Database = Db>>(ex: E) -> Result<Vec<(Uuid, TemplateItem)>> {
    let rows: Vec<TemplateRow> = sqlx::query_as("SELECT id, side, title, responsible FROM checklist_templates ORDER BY position").fetch_all(ex).await?;
    rows.into_iter().map(TemplateRow::into_domain).collect()
}

pub async fn checklist_templates(pool: &Pool<Db>) -> Result<Vec<(Uuid, TemplateItem)>> {
    checklist_templates_in(pool).await
}

pub async fn add_checklist_template(pool: &Pool<Db>, item: &TemplateItem, by: &str, at: OffsetDateTime) -> Result<Uuid> {
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

pub async fn delete_checklist_template(pool: &Pool<Db>, id: Uuid, by: &str, at: OffsetDateTime) -> Result<()> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query("DELETE FROM checklist_templates WHERE id = $1").bind(id).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(not_found("checklist template item"));
    }
    admin_event(&mut tx, AdminChange::TemplateDeleted { id }, by, at).await?;
    tx.commit().await?;
    Ok(())
}

macro_rules! card_columns {
    () => {
        "id, kind, title, problem, solution, communication, responsible, steps"
    };
}

pub async fn action_cards(pool: &Pool<Db>) -> Result<Vec<(Uuid, ActionCard)>> {
    let rows: Vec<CardRow> = sqlx::query_as(concat!("SELECT ", card_columns!(), " FROM action_cards ORDER BY kind, title")).fetch_all(pool).await?;
    rows.into_iter().map(CardRow::into_domain).collect()
}

pub async fn add_action_card(pool: &Pool<Db>, card: &ActionCard, by: &str, at: OffsetDateTime) -> Result<Uuid> {
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

/// Deletes an action card that no incident uses; a used card stays as part of those incidents' record.
pub async fn delete_action_card(pool: &Pool<Db>, id: Uuid, by: &str, at: OffsetDateTime) -> Result<()> {
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
pub async fn incident_cards(pool: &Pool<Db>, incident_id: Uuid) -> Result<Vec<(Uuid, ActionCard)>> {
    let rows: Vec<CardRow> = sqlx::query_as(
        "SELECT c.id, c.kind, c.title, c.problem, c.solution, c.communication, c.responsible, c.steps
         FROM incident_cards ic JOIN action_cards c ON c.id = ic.card_id WHERE ic.incident_id = $1 ORDER BY c.title",
    )
    .bind(incident_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(CardRow::into_domain).collect()
}

pub async fn attach_card(pool: &Pool<Db>, incident_id: Uuid, card_id: Uuid, actor: &Actor, at: OffsetDateTime) -> Result<()> {
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

// ---- events: the outbox, written in the same transaction as the change ----

/// Writes the transaction's events, last thing before commit.
async fn emit_all(tx: &mut Tx, events: Vec<NewEvent>, at: OffsetDateTime) -> Result<()> {
    if POSTGRES {
        // Serialise event writers so sequence order is commit order: a reader catching up with
        // `seq > last` then never skips an event that commits late. Taken last, held briefly.
        sqlx::query("SELECT pg_advisory_xact_lock(4242)").execute(&mut **tx).await?;
    }
    let mut last: i64 = 0;
    for ev in events {
        last = sqlx::query_scalar("INSERT INTO events (kind, incident_id, affected, at, payload) VALUES ($1, $2, $3, $4, $5) RETURNING seq")
            .bind(ev.event.kind().as_str())
            .bind(ev.incident_id)
            .bind(ev.affected.join(","))
            .bind(at)
            .bind(ev.event.payload().to_string())
            .fetch_one(&mut **tx)
            .await?;
    }
    if POSTGRES {
        // Delivered at commit, to every node's listener.
        sqlx::query("SELECT pg_notify('kriseservice_events', $1)").bind(last.to_string()).execute(&mut **tx).await?;
    }
    Ok(())
}

/// The secretariat's changes leave a trail in the event table too.
async fn admin_event(tx: &mut Tx, change: AdminChange, by: &str, at: OffsetDateTime) -> Result<()> {
    emit_all(tx, vec![NewEvent::general(Event::AdminChanged { change, by: by.to_string() })], at).await
}

/// Committed events after `after`, in order. A row that no longer parses is reported and skipped,
/// so one damaged row cannot stop live updates for everyone.
pub async fn events_since(pool: &Pool<Db>, after: i64, limit: i64) -> Result<Vec<Committed>> {
    let rows: Vec<EventRow> = sqlx::query_as("SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2")
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| match r.into_domain() {
            Ok(e) => Some(e),
            Err(e) => {
                tracing::error!(error = %e, "skipping an unreadable event row");
                None
            }
        })
        .collect())
}

pub async fn last_event_seq(pool: &Pool<Db>) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events").fetch_one(pool).await?)
}
