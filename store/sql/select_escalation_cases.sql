-- $1 programme_id, $2 status or null (open / overdue / resolved)
SELECT escalation_key, relationship_id, programme_id, reason_codes, severity, level,
       assigned_to, respond_by, opened_at, status, overdue_at, resolution, resolved_at,
       escalated_to_owner, time_to_resolve
FROM escalation_cases
WHERE programme_id = $1 AND ($2::text IS NULL OR status = $2)
ORDER BY opened_at, escalation_key;
