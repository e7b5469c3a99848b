-- Programmes: who is enrolled with which matching profile, the org chart the matcher walks, and
-- every proposal with its explanations. Names and e-mail addresses stay in `people`.

-- From HR rosters; the whole chain is needed, so managers outside any programme are kept too.
CREATE TABLE reporting_lines (
    person_id  text        PRIMARY KEY,
    manager_id text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE programme_enrolments (
    programme_id text        NOT NULL,
    person_id    text        NOT NULL,
    -- The matching profile (domain.matching.Candidate as JSON); diversity only with consent.
    profile      jsonb       NOT NULL,
    enrolled_at  timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (programme_id, person_id)
);

CREATE TABLE programme_proposals (
    programme_id text             NOT NULL,
    version      int              NOT NULL,
    method       text             NOT NULL,
    total_score  double precision NOT NULL,
    created_at   timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (programme_id, version)
);

CREATE TABLE programme_proposed_pairs (
    programme_id  text             NOT NULL,
    version       int              NOT NULL,
    mentor_id     text             NOT NULL,
    mentee_id     text             NOT NULL,
    score         double precision NOT NULL,
    -- Each criterion's contribution, so a coordinator can explain the pair.
    contributions jsonb            NOT NULL,
    PRIMARY KEY (programme_id, version, mentor_id, mentee_id),
    FOREIGN KEY (programme_id, version) REFERENCES programme_proposals ON DELETE CASCADE
);

CREATE TABLE programme_unmatched (
    programme_id text  NOT NULL,
    version      int   NOT NULL,
    person_id    text  NOT NULL,
    side         text  NOT NULL,
    reasons      jsonb NOT NULL,
    PRIMARY KEY (programme_id, version, person_id),
    FOREIGN KEY (programme_id, version) REFERENCES programme_proposals ON DELETE CASCADE
);

CREATE TABLE programme_evaluations (
    programme_id text        PRIMARY KEY,
    evaluation   jsonb       NOT NULL,
    evaluated_at timestamptz NOT NULL
);
