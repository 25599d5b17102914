-- Bearer tokens expire, and are revoked one by one by their public id (the first 12 characters of
-- the token's hash); sessions also end after an idle spell. Tokens made before this have no
-- expiry (NULL) until they are revoked; `kriseservice token list` shows them.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE integration_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN idle_until TIMESTAMPTZ;
