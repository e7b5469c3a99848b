-- Closes a case once; resolving it again keeps the first resolution.
UPDATE escalations SET
    status      = 'resolved',
    resolution  = $2,
    resolved_at = $3
WHERE escalation_key = $1
  AND status <> 'resolved'
RETURNING escalation_key;
