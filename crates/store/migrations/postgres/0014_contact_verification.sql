-- A contact method is verified by a code sent through it and typed back in, or by a link in
-- the same message. Only digests are kept. One pending verification per method: asking again
-- replaces it.
CREATE TABLE contact_verifications (
    method_id UUID PRIMARY KEY REFERENCES contact_methods(id) ON DELETE CASCADE,
    code_digest TEXT NOT NULL,
    code_expires_at TIMESTAMPTZ NOT NULL,
    tries BIGINT NOT NULL DEFAULT 0,
    link_digest TEXT NOT NULL UNIQUE,
    link_expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- When the person was last reminded that the method is about to go stale.
ALTER TABLE contact_methods ADD COLUMN reminded_at TIMESTAMPTZ;

-- An acknowledgement's time was kept as text: it is a time like every other.
ALTER TABLE callout_acks ALTER COLUMN at TYPE TIMESTAMPTZ USING at::timestamptz;
