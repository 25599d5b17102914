-- Call statistics per interval from the contact-centre platform, the staffing lead's targets
-- and the forecast figures the staffing lead set by hand. Times are stored in UTC.
CREATE TABLE call_intervals (
    incident_id UUID NOT NULL REFERENCES incidents(id),
    start TIMESTAMPTZ NOT NULL,
    length_s BIGINT NOT NULL,
    offered BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    abandoned BIGINT NOT NULL,
    answered_within_target BIGINT NOT NULL,
    avg_handle_s DOUBLE PRECISION NOT NULL,
    avg_wait_s DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (incident_id, start)
);

CREATE TABLE staffing_settings (
    incident_id UUID PRIMARY KEY REFERENCES incidents(id),
    settings TEXT NOT NULL
);

CREATE TABLE forecast_overrides (
    incident_id UUID NOT NULL REFERENCES incidents(id),
    start TIMESTAMPTZ NOT NULL,
    calls DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (incident_id, start)
);
