-- Pairs whose health is amber or red and that are not over; NULL programmes means all.
SELECT relationship_id, programme_id, phase, health, escalation_open, next_due_at, updated_at
FROM relationships
WHERE health IN ('amber', 'red')
  AND phase NOT IN ('completed', 'declined', 'ended_early')
  AND ($1::text[] IS NULL OR programme_id = ANY ($1::text[]))
ORDER BY relationship_id
LIMIT 1000;
