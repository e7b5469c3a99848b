-- Pairs whose health is amber or red and that are not over, with the reasons of their latest
-- health change; NULL programmes means all (operators).
SELECT r.relationship_id, r.programme_id, r.phase, r.health, r.escalation_open, r.next_due_at,
       coalesce(h.reasons, '[]'::jsonb) AS reasons, h.occurred_at AS health_since
FROM relationships r
LEFT JOIN LATERAL (
    SELECT e.data -> 'reasons' AS reasons, e.occurred_at
    FROM events e
    WHERE e.stream_id = r.relationship_id AND e.event_type = 'health_assessed'
    ORDER BY e.stream_version DESC
    LIMIT 1
) h ON true
WHERE r.health IN ('amber', 'red')
  AND r.phase NOT IN ('completed', 'declined', 'ended_early')
  AND ($1::text[] IS NULL OR r.programme_id = ANY ($1::text[]))
ORDER BY r.relationship_id
LIMIT 1000;
