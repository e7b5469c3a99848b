-- Every health change of a programme's relationships, oldest first, for "health over time".
SELECT e.stream_id, e.occurred_at, e.data ->> 'level' AS level
FROM events e
JOIN relationships r ON r.relationship_id = e.stream_id
WHERE r.programme_id = $1 AND e.event_type = 'health_assessed'
ORDER BY e.occurred_at, e.stream_id, e.stream_version
