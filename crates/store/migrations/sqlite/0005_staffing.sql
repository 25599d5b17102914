-- Call statistics per interval from the contact-centre platform, the staffing lead's targets
-- and the forecast figures the staffing lead set by hand. Times are stored in UTC.
CREATE TABLE call_intervals (
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    start TEXT NOT NULL,
    length_s INTEGER NOT NULL,
    offered INTEGER NOT NULL,
    answered INTEGER NOT NULL,
    abandoned INTEGER NOT NULL,
    answered_within_target INTEGER NOT NULL,
    avg_handle_s REAL NOT NULL,
    avg_wait_s REAL NOT NULL,
    PRIMARY KEY (incident_id, start)
);

CREATE TABLE staffing_settings (
    incident_id BLOB PRIMARY KEY REFERENCES incidents(id),
    settings TEXT NOT NULL
);

CREATE TABLE forecast_overrides (
    incident_id BLOB NOT NULL REFERENCES incidents(id),
    start TEXT NOT NULL,
    calls REAL NOT NULL,
    PRIMARY KEY (incident_id, start)
);
