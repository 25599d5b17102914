-- The crisis guide: one working draft per incident, and immutable published versions.
CREATE TABLE guide_drafts (
    incident_id BLOB PRIMARY KEY REFERENCES incidents(id),
    content TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE guide_versions (
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (incident_id, version)
);
CREATE TRIGGER guide_versions_no_update BEFORE UPDATE ON guide_versions
BEGIN SELECT RAISE(ABORT, 'published guide versions are immutable'); END;
