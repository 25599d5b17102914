CREATE TABLE organisations (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    region TEXT,
    population INTEGER NOT NULL DEFAULT 0,
    member BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    org TEXT NOT NULL REFERENCES organisations(code),
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE roster (
    role TEXT PRIMARY KEY,
    primary_user BLOB REFERENCES users(id),
    deputy_user BLOB REFERENCES users(id)
);

CREATE TABLE incidents (
    id BLOB PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    channels TEXT NOT NULL,
    exercise BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    created_by BLOB NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL,
    activated_at TEXT,
    -- The last log entry, written with it: what verification checks the chain reaches.
    log_seq INTEGER NOT NULL DEFAULT 0,
    log_hash TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    standing_down_at TEXT,
    closed_at TEXT
);
CREATE INDEX incidents_status ON incidents(status);

CREATE TABLE incident_orgs (
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    org_code TEXT NOT NULL REFERENCES organisations(code),
    PRIMARY KEY (incident_id, org_code)
);

CREATE TABLE incident_roles (
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    role TEXT NOT NULL,
    primary_user BLOB REFERENCES users(id),
    deputy_user BLOB REFERENCES users(id),
    PRIMARY KEY (incident_id, role)
);

CREATE TABLE log_entries (
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    author_id BLOB NOT NULL,
    author_name TEXT NOT NULL,
    author_role TEXT NOT NULL,
    author_org TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    corrects INTEGER,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
);
-- The log is append-only; the hash chain catches whoever gets past these.
CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;

CREATE TABLE checklist_templates (
    id BLOB PRIMARY KEY,
    position INTEGER NOT NULL,
    side TEXT NOT NULL,
    title TEXT NOT NULL,
    responsible TEXT NOT NULL
);

CREATE TABLE action_cards (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    problem TEXT NOT NULL,
    solution TEXT NOT NULL,
    communication TEXT NOT NULL,
    responsible TEXT NOT NULL,
    steps TEXT NOT NULL
);

CREATE TABLE checklist_items (
    id BLOB PRIMARY KEY,
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    position INTEGER NOT NULL,
    side TEXT NOT NULL,
    org TEXT REFERENCES organisations(code),
    title TEXT NOT NULL,
    responsible TEXT NOT NULL,
    card_id BLOB REFERENCES action_cards(id),
    done_by TEXT,
    done_at TEXT
);
CREATE INDEX checklist_items_incident ON checklist_items(incident_id, position);

CREATE TABLE incident_cards (
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    card_id BLOB NOT NULL REFERENCES action_cards(id),
    PRIMARY KEY (incident_id, card_id)
);

CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    incident_id BLOB,
    affected TEXT NOT NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL
);
