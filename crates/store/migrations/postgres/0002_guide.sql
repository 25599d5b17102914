-- The crisis guide: one working draft per incident, and immutable published versions.
CREATE TABLE guide_drafts (
    incident_id UUID PRIMARY KEY REFERENCES incidents(id),
    content TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE guide_versions (
    incident_id UUID NOT NULL REFERENCES incidents(id),
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (incident_id, version)
);
CREATE FUNCTION guide_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'published guide versions are immutable'; END $$;
CREATE TRIGGER guide_versions_no_update BEFORE UPDATE ON guide_versions
FOR EACH ROW EXECUTE FUNCTION guide_versions_immutable();
