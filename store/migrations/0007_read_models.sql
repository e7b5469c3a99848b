-- Read models projected from the event store in the same transaction as the append, and
-- rebuildable from it (`twoway projections rebuild`). Nothing here is a source of truth.

-- The folded state of each stream and the version it reached: the live projector folds only the
-- events after `version`, so a retried batch finds nothing new and changes nothing.
-- Internal to the projector: like the events, the state holds coordinator-only notes, so no
-- query API returns it.
CREATE TABLE relationship_projection_state (
    relationship_id text        PRIMARY KEY,
    version         int         NOT NULL CHECK (version >= 1),
    state           jsonb       NOT NULL
);

-- Facts the coordinator's reports need that the snapshot columns did not carry.
ALTER TABLE relationships
    ADD COLUMN proposed_at      timestamptz NULL,
    ADD COLUMN initial_mode     text        NULL,
    ADD COLUMN became_mutual_at timestamptz NULL,
    ADD COLUMN term_number      int         NOT NULL DEFAULT 1,
    ADD COLUMN end_reason       text        NULL,
    ADD COLUMN ended_at         timestamptz NULL;

CREATE TABLE meetings (
    relationship_id   text        NOT NULL,
    number            int         NOT NULL CHECK (number >= 1),
    term_number       int         NOT NULL,
    scheduled_at      timestamptz NOT NULL,
    ends_at           timestamptz NOT NULL,
    status            text        NOT NULL
        CHECK (status IN ('scheduled', 'awaiting_log', 'held', 'missed', 'cancelled')),
    -- Bumped by every reschedule.
    revision          int         NOT NULL DEFAULT 0,
    status_changed_at timestamptz NOT NULL,
    held_at           timestamptz GENERATED ALWAYS AS
        (CASE WHEN status = 'held' THEN status_changed_at END) STORED,
    PRIMARY KEY (relationship_id, number)
);

-- What each person still has to answer: the inbox lists a person's rows, soonest due first.
-- Prompt ids are unique within a relationship only (`consent:mentor`).
CREATE TABLE pending_prompts (
    relationship_id      text        NOT NULL,
    prompt_id            text        NOT NULL,
    recipient_id         text        NOT NULL,
    kind                 text        NOT NULL,
    issued_at            timestamptz NOT NULL,
    due_at               timestamptz NOT NULL,
    remind_at            timestamptz NULL,
    term_number          int         NOT NULL,
    contract_version     int         NULL,
    meeting_number       int         NULL,
    meeting_scheduled_at timestamptz NULL,
    checkin_round        int         NULL,
    PRIMARY KEY (relationship_id, prompt_id)
);

CREATE INDEX pending_prompts_recipient_idx ON pending_prompts (recipient_id, due_at);

-- One row per person per check-in round. Private to its author: the query API only returns a
-- person's own rows, and reports only show aggregates over enough respondents. Free text (the
-- private note to the coordinator) is not copied here.
CREATE TABLE checkin_answers (
    relationship_id         text             NOT NULL,
    term_number             int              NOT NULL,
    round_number            int              NOT NULL,
    respondent_id           text             NOT NULL,
    role                    text             NOT NULL CHECK (role IN ('mentor', 'mentee')),
    mode                    text             NOT NULL,
    satisfaction            smallint         NOT NULL,
    psychological_safety    smallint         NOT NULL,
    average_progress        double precision NULL,
    focus                   text             NOT NULL,
    tension_flag            boolean          NOT NULL,
    learning_goes_both_ways boolean          NOT NULL,
    submitted_at            timestamptz      NOT NULL,
    PRIMARY KEY (relationship_id, term_number, round_number, respondent_id)
);

CREATE INDEX checkin_answers_respondent_idx ON checkin_answers (respondent_id);

-- One row per person per term; the reflection's free text stays in the event.
CREATE TABLE closing_reflections (
    relationship_id     text        NOT NULL,
    term_number         int         NOT NULL,
    respondent_id       text        NOT NULL,
    role                text        NOT NULL CHECK (role IN ('mentor', 'mentee')),
    mode                text        NOT NULL,
    goals_rated         int         NOT NULL,
    goals_achieved      int         NOT NULL,
    continue_informally boolean     NOT NULL,
    want_renewal        boolean     NOT NULL,
    submitted_at        timestamptz NOT NULL,
    PRIMARY KEY (relationship_id, term_number, respondent_id)
);

CREATE INDEX closing_reflections_respondent_idx ON closing_reflections (respondent_id);

-- Escalation cases for reports and coordinators, without the participant's private note.
CREATE VIEW escalation_cases AS
SELECT escalation_key, relationship_id, programme_id, reason_codes, severity, level,
       assigned_to, respond_by, opened_at, status, overdue_at, resolution, resolved_at,
       -- Level 2 and up: the coordinator missed the deadline and the owner was asked.
       level > 1                 AS escalated_to_owner,
       resolved_at - opened_at   AS time_to_resolve
FROM escalations;

-- Programme-wide counts for dashboards. Counts only: figures from individual answers live in
-- `projections/reports.py`, which suppresses groups that are too small to stay anonymous.
CREATE VIEW programme_metrics AS
WITH pairs AS (
    SELECT programme_id,
           count(*)                                                  AS relationships,
           count(*) FILTER (WHERE became_mutual_at IS NOT NULL)      AS mutual_evolutions,
           count(*) FILTER (WHERE phase = 'completed')               AS completed,
           count(*) FILTER (WHERE phase = 'ended_early')             AS ended_early,
           count(*) FILTER (WHERE phase = 'declined')                AS declined
    FROM relationships
    GROUP BY programme_id
),
by_phase AS (
    SELECT programme_id, jsonb_object_agg(phase, n) AS pairs_by_phase
    FROM (SELECT programme_id, phase, count(*) AS n FROM relationships GROUP BY 1, 2) AS c
    GROUP BY programme_id
),
by_mode AS (
    SELECT programme_id, jsonb_object_agg(mode, n) AS pairs_by_mode
    FROM (SELECT programme_id, mode, count(*) AS n FROM relationships GROUP BY 1, 2) AS c
    GROUP BY programme_id
),
by_health AS (
    SELECT programme_id, jsonb_object_agg(health, n) AS pairs_by_health
    FROM (SELECT programme_id, health, count(*) AS n FROM relationships GROUP BY 1, 2) AS c
    GROUP BY programme_id
),
early_ends AS (
    SELECT programme_id, jsonb_object_agg(end_reason, n) AS early_ends_by_reason
    FROM (
        SELECT programme_id, coalesce(end_reason, 'unknown') AS end_reason, count(*) AS n
        FROM relationships
        WHERE phase = 'ended_early'
        GROUP BY 1, 2
    ) AS c
    GROUP BY programme_id
),
meeting_counts AS (
    SELECT r.programme_id,
           count(*) FILTER (WHERE m.status = 'held')      AS meetings_held,
           count(*) FILTER (WHERE m.status = 'missed')    AS meetings_missed,
           count(*) FILTER (WHERE m.status = 'cancelled') AS meetings_cancelled
    FROM meetings AS m
    JOIN relationships AS r USING (relationship_id)
    GROUP BY r.programme_id
),
escalation_counts AS (
    SELECT programme_id,
           count(*) FILTER (WHERE status <> 'resolved')       AS escalations_open,
           count(*) FILTER (WHERE status = 'resolved')        AS escalations_resolved,
           count(*) FILTER (WHERE escalated_to_owner)         AS escalations_to_owner,
           avg(time_to_resolve) FILTER (WHERE status = 'resolved') AS mean_time_to_resolve
    FROM escalation_cases
    GROUP BY programme_id
)
SELECT p.programme_id,
       p.relationships,
       coalesce(ph.pairs_by_phase, '{}'::jsonb)        AS pairs_by_phase,
       coalesce(md.pairs_by_mode, '{}'::jsonb)         AS pairs_by_mode,
       coalesce(hl.pairs_by_health, '{}'::jsonb)       AS pairs_by_health,
       coalesce(mc.meetings_held, 0)                   AS meetings_held,
       coalesce(mc.meetings_missed, 0)                 AS meetings_missed,
       coalesce(mc.meetings_cancelled, 0)              AS meetings_cancelled,
       coalesce(ec.escalations_open, 0)                AS escalations_open,
       coalesce(ec.escalations_resolved, 0)            AS escalations_resolved,
       coalesce(ec.escalations_to_owner, 0)            AS escalations_to_owner,
       ec.mean_time_to_resolve,
       p.mutual_evolutions,
       p.completed,
       p.ended_early,
       p.declined,
       coalesce(ee.early_ends_by_reason, '{}'::jsonb)  AS early_ends_by_reason
FROM pairs AS p
LEFT JOIN by_phase AS ph USING (programme_id)
LEFT JOIN by_mode AS md USING (programme_id)
LEFT JOIN by_health AS hl USING (programme_id)
LEFT JOIN early_ends AS ee USING (programme_id)
LEFT JOIN meeting_counts AS mc USING (programme_id)
LEFT JOIN escalation_counts AS ec USING (programme_id);
