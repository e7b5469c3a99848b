SELECT relationship_id, programme_id, mentor_id, mentee_id, phase, mode, health,
       next_due_at, escalation_open, last_version, updated_at
FROM relationships
WHERE relationship_id = $1;
