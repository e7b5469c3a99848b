-- Relationships for the HR API list: optional programme and participant filters, bounded.
SELECT relationship_id, programme_id, mentor_id, mentee_id, phase, mode, health,
       next_due_at, escalation_open, last_version, updated_at
FROM relationships
WHERE ($1::text IS NULL OR programme_id = $1)
  AND ($2::text IS NULL OR mentor_id = $2 OR mentee_id = $2)
  -- An organisation sees the pairs with at least one of its people (unlisted: default).
  AND ($4::text IS NULL
       OR coalesce((SELECT organisation FROM people WHERE person_id = mentor_id), 'default') = $4
       OR coalesce((SELECT organisation FROM people WHERE person_id = mentee_id), 'default') = $4)
ORDER BY relationship_id
LIMIT $3;
