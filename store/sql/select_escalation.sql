SELECT escalation_key, relationship_id, programme_id, reason_codes, severity, level,
       assigned_to, respond_by, opened_at, status, overdue_at, resolution, resolved_at,
       private_note
FROM escalations
WHERE escalation_key = $1;
