SELECT relationship_id, number, term_number, scheduled_at, ends_at, status, revision,
       status_changed_at
FROM meetings
WHERE relationship_id = $1
ORDER BY number;
