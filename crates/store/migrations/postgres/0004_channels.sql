-- The shared knowledge base's everyday guides, and tokens for integrations (the contact-centre
-- platform) that are not a person.
CREATE TABLE everyday_guides (
    municipality TEXT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    hash TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (municipality, slug)
);

CREATE TABLE integration_tokens (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
