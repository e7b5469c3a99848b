-- Open and overdue cases, soonest deadline first; NULL programmes means every programme
-- (operators). The participant's private note is deliberately not selected here.
SELECT escalation_key, relationship_id, programme_id, reason_codes, severity, level,
       assigned_to, respond_by, opened_at, status, overdue_at, resolution, resolved_at
FROM escalations
WHERE status <> 'resolved'
  AND ($1::text[] IS NULL OR programme_id = ANY ($1::text[]))
ORDER BY respond_by, escalation_key
LIMIT 500;
