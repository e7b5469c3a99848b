-- Organisations: a person belongs to one, a programme has one or more member organisations
-- (each with its own coordinators), and every change an HR API key makes is recorded with the
-- key's id. Single-organisation deployments never name one: everything is 'default'.
ALTER TABLE people ADD COLUMN organisation text NOT NULL DEFAULT 'default';

CREATE INDEX people_organisation ON people (organisation);

-- A programme without rows here belongs to the default organisation alone (programmes created
-- before organisations, or from the command line).
CREATE TABLE programme_organisations (
    programme_id    text        NOT NULL,
    organisation    text        NOT NULL,
    coordinator_ids text[]      NOT NULL DEFAULT '{}',
    added_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (programme_id, organisation)
);

-- What each key changed: method, path (ids only, never a body) and the answer's status.
CREATE TABLE api_key_actions (
    action_id    bigserial   PRIMARY KEY,
    key_id       text        NOT NULL,
    organisation text        NOT NULL,
    method       text        NOT NULL,
    path         text        NOT NULL,
    status       int         NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX api_key_actions_key ON api_key_actions (key_id, at);
