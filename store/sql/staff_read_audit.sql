SELECT stream_version, occurred_at, data
FROM events
WHERE stream_id = $1 AND event_type = 'staff_action_taken'
ORDER BY stream_version;
