-- The second factor (TOTP, RFC 6238). Per person: `secret` (base32) is the confirmed one that
-- logins check; `pending` is one being enrolled, until its first code confirms it; `last_step`
-- is the time step of the last code accepted, so that no code of that step or an earlier one is
-- taken again.
CREATE TABLE user_totp (
    user_id BLOB PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret TEXT,
    pending TEXT,
    last_step INTEGER,
    enrolled_at TEXT
);

-- The roles the secretariat requires a second factor of.
CREATE TABLE totp_required (
    role TEXT PRIMARY KEY,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
