-- Relationships for the HR API list: optional programme and participant filters, bounded.
SELECT relationship_id, programme_id, mentor_id, mentee_id, phase, mode, health,
       next_due_at, escalation_open, last_version, updated_at
FROM relationships
WHERE ($1::text IS NULL OR programme_id = $1)
  AND ($2::text IS NULL OR mentor_id = $2 OR mentee_id = $2)
ORDER BY relationship_id
LIMIT $3;
