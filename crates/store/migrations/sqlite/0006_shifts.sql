-- The shift plan of an incident's crisis line: each shift's base share per member municipality,
-- the members' bids for the open seats, and what was awarded. A shift's base share is the sum of
-- its members' base seats; the rest of its agents are offered.
CREATE TABLE shifts (
    id BLOB PRIMARY KEY,
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    start TEXT NOT NULL,
    end_at TEXT NOT NULL,
    agents INTEGER NOT NULL
);
CREATE INDEX shifts_incident ON shifts (incident_id, start);

CREATE TABLE shift_members (
    shift_id BLOB NOT NULL REFERENCES shifts(id),
    org TEXT NOT NULL REFERENCES organisations(code),
    base INTEGER NOT NULL,
    bid INTEGER NOT NULL,
    awarded INTEGER NOT NULL,
    bid_by TEXT,
    bid_at TEXT,
    PRIMARY KEY (shift_id, org)
);
