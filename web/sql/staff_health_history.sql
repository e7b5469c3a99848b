-- Every health change of one relationship, oldest first, with its reasons.
SELECT occurred_at, data ->> 'level' AS level, data ->> 'previous_level' AS previous_level,
       data -> 'reasons' AS reasons
FROM events
WHERE stream_id = $1 AND event_type = 'health_assessed'
ORDER BY stream_version;
