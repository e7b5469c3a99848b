-- Cases a coordinator must answer by a deadline; overdue cases climb to the programme owner.
CREATE TABLE escalations (
    escalation_key  text        PRIMARY KEY,
    relationship_id text        NOT NULL,
    programme_id    text        NOT NULL,
    reason_codes    text[]      NOT NULL,
    severity        text        NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    level           int         NOT NULL CHECK (level >= 0),
    assigned_to     text        NOT NULL,
    respond_by      timestamptz NOT NULL,
    opened_at       timestamptz NOT NULL,
    status          text        NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'overdue', 'resolved')),
    overdue_at      timestamptz NULL,
    resolution      text        NULL,
    resolved_at     timestamptz NULL,
    -- Written by a participant for the coordinator only: never copy it into notifications or logs.
    private_note    text        NULL
);

CREATE INDEX escalations_status_idx ON escalations (status);
CREATE INDEX escalations_relationship_idx ON escalations (relationship_id);
