-- Idempotency keys (`Idempotency-Key` on the API's POSTs): a client that lost the answer to a
-- request sends it again with the same key and gets the stored answer instead of a second write.
-- One row per caller and key; `status` and `body` are empty while the first request is served.
CREATE TABLE idempotency_keys (
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
