-- Exercises. The secretariat's own scenarios (the built-in ones live in the program), each as
-- the JSON of its import format.
CREATE TABLE scenarios (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- An exercise incident and the scenario it plays, as it was when it was started (injects are
-- rows of their own: the controller may edit them while it runs). The clock is a reading:
-- scenario milliseconds at a wall-clock instant, a speed, and whether it runs.
CREATE TABLE exercises (
    incident_id BLOB PRIMARY KEY REFERENCES incidents(id),
    scenario_id TEXT NOT NULL,
    scenario TEXT NOT NULL,
    clock_ms INTEGER NOT NULL,
    clock_since TEXT NOT NULL,
    speed INTEGER NOT NULL,
    running BOOLEAN NOT NULL,
    -- Scenario seconds up to which the synthetic citizens have called, asked and written.
    load_s INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    started_by TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX exercises_running ON exercises(running);

CREATE TABLE exercise_injects (
    incident_id BLOB NOT NULL REFERENCES exercises(incident_id),
    number INTEGER NOT NULL,
    -- Scenario seconds, or NULL for a manual inject.
    at_s INTEGER,
    inject TEXT NOT NULL,
    delivered_at TEXT,
    -- The scenario second it was delivered at.
    delivered_s INTEGER,
    delivered_by TEXT,
    PRIMARY KEY (incident_id, number)
);
CREATE INDEX exercise_injects_due ON exercise_injects(incident_id, delivered_at, at_s);

-- Who takes part beyond the incident's crisis staff, and as what: the controller runs the
-- clock, evaluators observe, players receive what is sent to agents or to their authority.
CREATE TABLE exercise_parts (
    incident_id BLOB NOT NULL REFERENCES exercises(incident_id),
    user_id BLOB NOT NULL REFERENCES users(id),
    part TEXT NOT NULL,
    PRIMARY KEY (incident_id, user_id)
);

CREATE TABLE exercise_observations (
    id BLOB PRIMARY KEY,
    incident_id BLOB NOT NULL REFERENCES exercises(incident_id),
    inject INTEGER,
    objective TEXT NOT NULL,
    rating TEXT NOT NULL,
    text TEXT NOT NULL,
    author_id BLOB NOT NULL,
    author_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX exercise_observations_incident ON exercise_observations(incident_id, at);
