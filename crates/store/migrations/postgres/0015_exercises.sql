-- Exercises. The secretariat's own scenarios (the built-in ones live in the program), each as
-- the JSON of its import format.
CREATE TABLE scenarios (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL
);

-- An exercise incident and the scenario it plays, as it was when it was started (injects are
-- rows of their own: the controller may edit them while it runs). The clock is a reading:
-- scenario milliseconds at a wall-clock instant, a speed, and whether it runs.
CREATE TABLE exercises (
    incident_id UUID PRIMARY KEY REFERENCES incidents(id),
    scenario_id TEXT NOT NULL,
    scenario TEXT NOT NULL,
    clock_ms BIGINT NOT NULL,
    clock_since TIMESTAMPTZ NOT NULL,
    speed BIGINT NOT NULL,
    running BOOLEAN NOT NULL,
    -- Scenario seconds up to which the synthetic citizens have called, asked and written.
    load_s BIGINT NOT NULL DEFAULT 0,
    started_at TIMESTAMPTZ NOT NULL,
    started_by TEXT NOT NULL,
    archived_at TIMESTAMPTZ
);
CREATE INDEX exercises_running ON exercises(running);

CREATE TABLE exercise_injects (
    incident_id UUID NOT NULL REFERENCES exercises(incident_id),
    number BIGINT NOT NULL,
    -- Scenario seconds, or NULL for a manual inject.
    at_s BIGINT,
    inject TEXT NOT NULL,
    delivered_at TIMESTAMPTZ,
    -- The scenario second it was delivered at.
    delivered_s BIGINT,
    delivered_by TEXT,
    PRIMARY KEY (incident_id, number)
);
CREATE INDEX exercise_injects_due ON exercise_injects(incident_id, delivered_at, at_s);

-- Who takes part beyond the incident's crisis staff, and as what: the controller runs the
-- clock, evaluators observe, players receive what is sent to agents or to their authority.
CREATE TABLE exercise_parts (
    incident_id UUID NOT NULL REFERENCES exercises(incident_id),
    user_id UUID NOT NULL REFERENCES users(id),
    part TEXT NOT NULL,
    PRIMARY KEY (incident_id, user_id)
);

CREATE TABLE exercise_observations (
    id UUID PRIMARY KEY,
    incident_id UUID NOT NULL REFERENCES exercises(incident_id),
    inject BIGINT,
    objective TEXT NOT NULL,
    rating TEXT NOT NULL,
    text TEXT NOT NULL,
    author_id UUID NOT NULL,
    author_name TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX exercise_observations_incident ON exercise_observations(incident_id, at);
