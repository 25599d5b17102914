-- The shift plan of an incident's crisis line: each shift's base share per member municipality,
-- the members' bids for the open seats, and what was awarded. A shift's base share is the sum of
-- its members' base seats; the rest of its agents are offered.
CREATE TABLE shifts (
    id UUID PRIMARY KEY,
    incident_id UUID NOT NULL REFERENCES incidents(id),
    start TIMESTAMPTZ NOT NULL,
    end_at TIMESTAMPTZ NOT NULL,
    agents BIGINT NOT NULL
);
CREATE INDEX shifts_incident ON shifts (incident_id, start);

CREATE TABLE shift_members (
    shift_id UUID NOT NULL REFERENCES shifts(id),
    org TEXT NOT NULL REFERENCES organisations(code),
    base BIGINT NOT NULL,
    bid BIGINT NOT NULL,
    awarded BIGINT NOT NULL,
    bid_by TEXT,
    bid_at TIMESTAMPTZ,
    PRIMARY KEY (shift_id, org)
);
