CREATE TABLE organisations (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    region TEXT,
    population BIGINT NOT NULL DEFAULT 0,
    member BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    org TEXT NOT NULL REFERENCES organisations(code),
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE roster (
    role TEXT PRIMARY KEY,
    primary_user UUID REFERENCES users(id),
    deputy_user UUID REFERENCES users(id)
);

CREATE TABLE incidents (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    channels TEXT NOT NULL,
    exercise BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL REFERENCES users(id),
    updated_at TIMESTAMPTZ NOT NULL,
    activated_at TIMESTAMPTZ,
    -- The last log entry, written with it: what verification checks the chain reaches.
    log_seq BIGINT NOT NULL DEFAULT 0,
    log_hash TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    standing_down_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ
);
CREATE INDEX incidents_status ON incidents(status);

CREATE TABLE incident_orgs (
    incident_id UUID NOT NULL REFERENCES incidents(id),
    org_code TEXT NOT NULL REFERENCES organisations(code),
    PRIMARY KEY (incident_id, org_code)
);

CREATE TABLE incident_roles (
    incident_id UUID NOT NULL REFERENCES incidents(id),
    role TEXT NOT NULL,
    primary_user UUID REFERENCES users(id),
    deputy_user UUID REFERENCES users(id),
    PRIMARY KEY (incident_id, role)
);

CREATE TABLE log_entries (
    incident_id UUID NOT NULL REFERENCES incidents(id),
    seq BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    author_id UUID NOT NULL,
    author_name TEXT NOT NULL,
    author_role TEXT NOT NULL,
    author_org TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    corrects BIGINT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
);
-- The log is append-only; the hash chain catches whoever gets past these.
CREATE FUNCTION log_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the log is append-only'; END $$;
CREATE TRIGGER log_entries_no_change BEFORE UPDATE OR DELETE ON log_entries
FOR EACH ROW EXECUTE FUNCTION log_entries_append_only();

CREATE TABLE checklist_templates (
    id UUID PRIMARY KEY,
    position BIGINT NOT NULL,
    side TEXT NOT NULL,
    title TEXT NOT NULL,
    responsible TEXT NOT NULL
);

CREATE TABLE action_cards (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    problem TEXT NOT NULL,
    solution TEXT NOT NULL,
    communication TEXT NOT NULL,
    responsible TEXT NOT NULL,
    steps TEXT NOT NULL
);

CREATE TABLE checklist_items (
    id UUID PRIMARY KEY,
    incident_id UUID NOT NULL REFERENCES incidents(id),
    position BIGINT NOT NULL,
    side TEXT NOT NULL,
    org TEXT REFERENCES organisations(code),
    title TEXT NOT NULL,
    responsible TEXT NOT NULL,
    card_id UUID REFERENCES action_cards(id),
    done_by TEXT,
    done_at TIMESTAMPTZ
);
CREATE INDEX checklist_items_incident ON checklist_items(incident_id, position);

CREATE TABLE incident_cards (
    incident_id UUID NOT NULL REFERENCES incidents(id),
    card_id UUID NOT NULL REFERENCES action_cards(id),
    PRIMARY KEY (incident_id, card_id)
);

CREATE TABLE events (
    seq BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    incident_id UUID,
    affected TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    payload TEXT NOT NULL
);
