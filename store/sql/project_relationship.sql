-- Writes the relationship row folded from its events. `<=` rather than `<`: a row written from
-- the workflow's snapshot at the same version gives way to the one derived from the events, while
-- an older fold (a late, stale batch) still never rolls the row back.
INSERT INTO relationships (
    relationship_id, programme_id, mentor_id, mentee_id, phase, mode, health,
    next_due_at, escalation_open, last_version, updated_at,
    proposed_at, initial_mode, became_mutual_at, term_number, end_reason, ended_at,
    participant_phase
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
ON CONFLICT (relationship_id) DO UPDATE SET
    programme_id     = EXCLUDED.programme_id,
    mentor_id        = EXCLUDED.mentor_id,
    mentee_id        = EXCLUDED.mentee_id,
    phase            = EXCLUDED.phase,
    mode             = EXCLUDED.mode,
    health           = EXCLUDED.health,
    next_due_at      = EXCLUDED.next_due_at,
    escalation_open  = EXCLUDED.escalation_open,
    last_version     = EXCLUDED.last_version,
    updated_at       = EXCLUDED.updated_at,
    proposed_at      = EXCLUDED.proposed_at,
    initial_mode     = EXCLUDED.initial_mode,
    became_mutual_at = EXCLUDED.became_mutual_at,
    term_number      = EXCLUDED.term_number,
    end_reason       = EXCLUDED.end_reason,
    ended_at         = EXCLUDED.ended_at,
    participant_phase = EXCLUDED.participant_phase
WHERE relationships.last_version <= EXCLUDED.last_version;
