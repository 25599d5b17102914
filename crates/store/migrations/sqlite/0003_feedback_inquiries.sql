-- Freshness of the published guide, agents' feedback, what citizens ask, callback requests (the
-- only personal data), who read them, and the mail outbox. Times are stored in UTC.
CREATE TABLE guide_freshness (
    incident_id BLOB PRIMARY KEY REFERENCES incidents(id),
    version INTEGER NOT NULL,
    next_update_at TEXT NOT NULL,
    overdue_since TEXT
);
CREATE INDEX guide_freshness_due ON guide_freshness (next_update_at) WHERE overdue_since IS NULL;

CREATE TABLE feedback (
    id BLOB PRIMARY KEY,
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    version INTEGER NOT NULL,
    section TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    routed_to TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_by_version INTEGER,
    handled_by TEXT
);
CREATE INDEX feedback_incident ON feedback (incident_id, created_at);

CREATE TABLE inquiries (
    id BLOB PRIMARY KEY,
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    version INTEGER NOT NULL,
    situation TEXT,
    text TEXT NOT NULL,
    municipality TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX inquiries_incident ON inquiries (incident_id, at);

CREATE TABLE callback_requests (
    id BLOB PRIMARY KEY,
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    reason TEXT NOT NULL,
    municipality TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX callback_requests_incident ON callback_requests (incident_id, created_at);

CREATE TABLE personal_data_access (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id BLOB NOT NULL,
    user_name TEXT NOT NULL,
    incident_id BLOB NOT NULL,
    what TEXT NOT NULL,
    records INTEGER NOT NULL
);

CREATE TABLE outbox_mail (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    callback_id BLOB REFERENCES callback_requests(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    sent_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_mail_due ON outbox_mail (next_attempt_at) WHERE sent_at IS NULL;
