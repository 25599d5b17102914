-- The contact lists the secretariat keeps for each organisation: the affected authority's crisis
-- contacts, the member municipalities' shift contacts, the phone vendor's helpdesk and the
-- knowledge-base contact, each with when somebody last checked it and who.
CREATE TABLE contact_list_entries (
    id BLOB PRIMARY KEY,
    org TEXT NOT NULL REFERENCES organisations(code),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    function TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    last_verified_at TEXT,
    last_verified_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contact_list_entries_org ON contact_list_entries (org);
