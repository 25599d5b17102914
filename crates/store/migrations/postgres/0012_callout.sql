-- Calling out the crisis staff.

-- One outbox for every channel (it takes over the callback mails' outbox_mail). A row is queued in
-- the transaction that decides to send it and delivered off the request path. `link` is a path on
-- the service (an acknowledgement link), made absolute with the public address when sent.
-- Mail is retried after a lease; SMS and Teams are claimed once (`next_attempt_at` cleared), since
-- a gateway that timed out may still have sent the text: only a failure known to be safe is retried.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link_label TEXT,
    link TEXT,
    callback_id UUID REFERENCES callback_requests(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    sent_at TIMESTAMPTZ,
    provider_ref TEXT,
    delivered_at TIMESTAMPTZ,
    -- queued, sent, failed, unknown (may have gone), delivered, undelivered
    state TEXT NOT NULL DEFAULT 'queued',
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_provider_ref ON outbox (provider_ref);

INSERT INTO outbox (channel, address, subject, body, callback_id, created_at, attempts, next_attempt_at, sent_at, state, last_error)
SELECT 'email', recipient, subject, body, callback_id, created_at, attempts, next_attempt_at, sent_at,
       CASE WHEN sent_at IS NOT NULL THEN 'sent' WHEN next_attempt_at IS NULL THEN 'failed' ELSE 'queued' END, last_error
FROM outbox_mail ORDER BY id;
DROP TABLE outbox_mail;

-- A person's ways to be reached, and when each was last shown to work.
CREATE TABLE contact_methods (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    verified_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, channel, address)
);

-- When a verified method goes stale, as the secretariat set it (one row).
CREATE TABLE callout_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    stale_after_days BIGINT NOT NULL
);

-- How each role's call-out escalates, as the secretariat set it.
CREATE TABLE callout_policies (
    role TEXT PRIMARY KEY,
    wait_seconds BIGINT NOT NULL,
    rounds BIGINT NOT NULL
);

-- One call-out of an incident's crisis staff (or a staffing call to the shift contacts).
CREATE TABLE callouts (
    id UUID PRIMARY KEY,
    incident_id UUID NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    exercise BOOLEAN NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    started_by TEXT NOT NULL
);
CREATE INDEX callouts_incident ON callouts (incident_id, started_at);

-- The frozen chain: each role's steps, fixed when the call-out started. A step is notified once,
-- when due, unless the role was acknowledged first; its acknowledgement link's token is made then
-- (only its SHA-256 digest is kept) and lasts until `expires_at`. A staffing call's steps are its
-- recipients, all due at once (role 'shift_contact').
CREATE TABLE callout_steps (
    callout_id UUID NOT NULL REFERENCES callouts(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    position BIGINT NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id),
    person_name TEXT NOT NULL,
    due_at TIMESTAMPTZ NOT NULL,
    notified_at TIMESTAMPTZ,
    token_digest TEXT UNIQUE,
    expires_at TIMESTAMPTZ,
    PRIMARY KEY (callout_id, role, position)
);
CREATE INDEX callout_steps_due ON callout_steps (due_at) WHERE notified_at IS NULL;

-- Each message a step sent, on which channel, through which outbox row.
CREATE TABLE callout_messages (
    callout_id UUID NOT NULL,
    role TEXT NOT NULL,
    position BIGINT NOT NULL,
    outbox_id BIGINT NOT NULL REFERENCES outbox(id),
    PRIMARY KEY (outbox_id),
    FOREIGN KEY (callout_id, role, position) REFERENCES callout_steps(callout_id, role, position) ON DELETE CASCADE
);

-- Who acknowledged a role's call-out, when and how; a role without a row is still being called.
CREATE TABLE callout_acks (
    callout_id UUID NOT NULL REFERENCES callouts(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id),
    person_name TEXT NOT NULL,
    via TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (callout_id, role)
);
