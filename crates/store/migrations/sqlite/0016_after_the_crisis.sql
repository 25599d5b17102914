-- After the crisis: the KPIs' targets, the evaluation forms and their anonymous answers, the
-- after-action report's own parts (pinned log entries, strengths and improvements, the
-- improvement plan), and the economic model's tariffs and immutable statements.

-- When a feedback was resolved: what its resolution time is measured to.
ALTER TABLE feedback ADD COLUMN resolved_at TEXT;

-- The secretariat's targets, one row.
CREATE TABLE kpi_targets (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    targets TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- The secretariat's form per audience (the built-in one until it keeps its own).
CREATE TABLE evaluation_templates (
    audience TEXT PRIMARY KEY,
    template TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- A form sent for one incident to one audience, with the template as it was when sent.
CREATE TABLE evaluation_forms (
    id BLOB PRIMARY KEY,
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    audience TEXT NOT NULL,
    template TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    remind_at TEXT NOT NULL,
    reminded_at TEXT,
    closes_at TEXT NOT NULL,
    UNIQUE (incident_id, audience)
);
CREATE INDEX evaluation_forms_remind ON evaluation_forms (remind_at) WHERE reminded_at IS NULL;

-- Incidents closed before there were evaluation forms: nobody is asked about them now.
CREATE TABLE evaluation_not_sent (
    incident_id BLOB PRIMARY KEY REFERENCES incidents(id)
);
INSERT INTO evaluation_not_sent (incident_id) SELECT id FROM incidents WHERE status = 'closed';

-- Who was asked, by the digest of their link, and whether they answered: the response rate per
-- organisation. Nothing here says which answer is whose.
CREATE TABLE evaluation_invites (
    form_id BLOB NOT NULL REFERENCES evaluation_forms(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    org TEXT NOT NULL,
    token_digest TEXT NOT NULL UNIQUE,
    -- The reminder's own link (the first one keeps working).
    reminder_digest TEXT UNIQUE,
    answered BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (form_id, user_id)
);

-- The answers: no person, no organisation, no time, and (WITHOUT ROWID, a random key) no order
-- that could be matched to the invites.
CREATE TABLE evaluation_answers (
    id BLOB PRIMARY KEY,
    form_id BLOB NOT NULL REFERENCES evaluation_forms(id),
    answers TEXT NOT NULL
) WITHOUT ROWID;

-- Log entries the crisis staff pinned to the report's timeline.
CREATE TABLE log_pins (
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    seq INTEGER NOT NULL,
    pinned_by TEXT NOT NULL,
    pinned_at TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
);

-- What the crisis staff wrote: strengths and areas for improvement.
CREATE TABLE report_notes (
    incident_id BLOB PRIMARY KEY REFERENCES incidents(id),
    strengths TEXT NOT NULL,
    improvements TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- The improvement plan: corrective actions tracked until done.
CREATE TABLE corrective_actions (
    id BLOB PRIMARY KEY,
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    text TEXT NOT NULL,
    owner TEXT NOT NULL,
    due TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX corrective_actions_open ON corrective_actions (status, due);

-- The tariff from a date on, with the opening hours it counts by.
CREATE TABLE tariffs (
    valid_from TEXT PRIMARY KEY,
    activation_fee INTEGER NOT NULL,
    hour_rate INTEGER NOT NULL,
    outside_surcharge INTEGER NOT NULL,
    bid_compensation INTEGER NOT NULL,
    opening_hours TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- An issued statement (amounts in øre). Immutable: a correction is a new statement that
-- replaces the old one.
CREATE TABLE statements (
    id BLOB PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    org TEXT NOT NULL REFERENCES organisations(code),
    kind TEXT NOT NULL,
    tariff_from TEXT NOT NULL REFERENCES tariffs(valid_from),
    lines TEXT NOT NULL,
    total INTEGER NOT NULL,
    vat INTEGER NOT NULL,
    replaces BLOB REFERENCES statements(id),
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL
);
CREATE INDEX statements_incident ON statements (incident_id, number);
CREATE TRIGGER statements_no_update BEFORE UPDATE ON statements
BEGIN SELECT RAISE(ABORT, 'an issued statement is immutable'); END;
CREATE TRIGGER statements_no_delete BEFORE DELETE ON statements
BEGIN SELECT RAISE(ABORT, 'an issued statement is immutable'); END;
