-- Writes the projected row unless the table already holds a newer (or the same) version, so a
-- retried or late, older batch never rolls the read model back.
INSERT INTO relationships (
    relationship_id, programme_id, mentor_id, mentee_id, phase, mode, health,
    next_due_at, escalation_open, last_version, updated_at
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (relationship_id) DO UPDATE SET
    programme_id    = EXCLUDED.programme_id,
    mentor_id       = EXCLUDED.mentor_id,
    mentee_id       = EXCLUDED.mentee_id,
    phase           = EXCLUDED.phase,
    mode            = EXCLUDED.mode,
    health          = EXCLUDED.health,
    next_due_at     = EXCLUDED.next_due_at,
    escalation_open = EXCLUDED.escalation_open,
    last_version    = EXCLUDED.last_version,
    updated_at      = EXCLUDED.updated_at
WHERE relationships.last_version < EXCLUDED.last_version
RETURNING relationship_id;
