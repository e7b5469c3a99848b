-- Current state of each relationship, projected from its events for coordinators and reports.
CREATE TABLE relationships (
    relationship_id text        PRIMARY KEY,
    programme_id    text        NOT NULL,
    mentor_id       text        NOT NULL,
    mentee_id       text        NOT NULL,
    phase           text        NOT NULL,
    mode            text        NOT NULL,
    health          text        NOT NULL,
    next_due_at     timestamptz NULL,
    escalation_open boolean     NOT NULL DEFAULT false,
    -- Highest stream version folded into this row; guards against stale writes rolling it back.
    last_version    int         NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE INDEX relationships_programme_idx ON relationships (programme_id);
