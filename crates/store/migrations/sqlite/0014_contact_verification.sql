-- A contact method is verified by a code sent through it and typed back in, or by a link in
-- the same message. Only digests are kept. One pending verification per method: asking again
-- replaces it.
CREATE TABLE contact_verifications (
    method_id BLOB PRIMARY KEY REFERENCES contact_methods(id) ON DELETE CASCADE,
    code_digest TEXT NOT NULL,
    code_expires_at TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    link_digest TEXT NOT NULL UNIQUE,
    link_expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- When the person was last reminded that the method is about to go stale.
ALTER TABLE contact_methods ADD COLUMN reminded_at TEXT;
