-- Freshness of the published guide, agents' feedback, what citizens ask, callback requests (the
-- only personal data), who read them, and the mail outbox. Times are stored in UTC.
CREATE TABLE guide_freshness (
    incident_id UUID PRIMARY KEY REFERENCES incidents(id),
    version BIGINT NOT NULL,
    next_update_at TIMESTAMPTZ NOT NULL,
    overdue_since TIMESTAMPTZ
);
CREATE INDEX guide_freshness_due ON guide_freshness (next_update_at) WHERE overdue_since IS NULL;

CREATE TABLE feedback (
    id UUID PRIMARY KEY,
    incident_id UUID NOT NULL REFERENCES incidents(id),
    version BIGINT NOT NULL,
    section TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    routed_to TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    resolved_by_version BIGINT,
    handled_by TEXT
);
CREATE INDEX feedback_incident ON feedback (incident_id, created_at);

CREATE TABLE inquiries (
    id UUID PRIMARY KEY,
    incident_id UUID NOT NULL REFERENCES incidents(id),
    version BIGINT NOT NULL,
    situation TEXT,
    text TEXT NOT NULL,
    municipality TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX inquiries_incident ON inquiries (incident_id, at);

CREATE TABLE callback_requests (
    id UUID PRIMARY KEY,
    incident_id UUID NOT NULL REFERENCES incidents(id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    reason TEXT NOT NULL,
    municipality TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX callback_requests_incident ON callback_requests (incident_id, created_at);

CREATE TABLE personal_data_access (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    user_id UUID NOT NULL,
    user_name TEXT NOT NULL,
    incident_id UUID NOT NULL,
    what TEXT NOT NULL,
    records BIGINT NOT NULL
);

CREATE TABLE outbox_mail (
    id BIGSERIAL PRIMARY KEY,
    callback_id UUID REFERENCES callback_requests(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    sent_at TIMESTAMPTZ,
    last_error TEXT
);
CREATE INDEX outbox_mail_due ON outbox_mail (next_attempt_at) WHERE sent_at IS NULL;
