-- Moves an unresolved case to overdue, optionally at a higher level with a new assignee and
-- deadline. Re-applying the same change matches again (so a retry can still enqueue its
-- notification); a late, lower-level change or one after resolution matches nothing.
-- $1 key, $2 level or null, $3 assigned_to or null, $4 respond_by or null, $5 occurred_at
UPDATE escalations SET
    status      = 'overdue',
    level       = coalesce($2, level),
    assigned_to = coalesce($3, assigned_to),
    respond_by  = coalesce($4, respond_by),
    overdue_at  = coalesce(overdue_at, $5)
WHERE escalation_key = $1
  AND status <> 'resolved'
  AND ($2::int IS NULL OR level <= $2::int)
RETURNING escalation_key, relationship_id, programme_id, reason_codes, severity, level,
          assigned_to, respond_by, opened_at, status, overdue_at, resolution, resolved_at,
          private_note;
