-- One staff action appended at the end of its audit stream; a concurrent append that took the
-- same position fails on the (stream_id, stream_version) key and is retried by the caller.
INSERT INTO events (stream_id, stream_version, event_type, schema_version, occurred_at, data)
SELECT $1, coalesce(max(stream_version), 0) + 1, 'staff_action_taken', 1, $2, $3::jsonb
FROM events
WHERE stream_id = $1
RETURNING stream_version;
