-- What the chatbot answered, counted per crisis and per piece of its guide: a situation row
-- (by its wording, as inquiries keep it; '' for the other sections), the citizen summary or the
-- contacts. Counts only, no question text: the authority sees which rows citizens need.
CREATE TABLE chat_answers (
    incident_id UUID NOT NULL REFERENCES incidents(id),
    section TEXT NOT NULL,
    situation TEXT NOT NULL,
    answered BIGINT NOT NULL,
    PRIMARY KEY (incident_id, section, situation)
);
