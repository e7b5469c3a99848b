SELECT global_position, stream_id, stream_version, event_type, schema_version,
       occurred_at, data, recorded_at
FROM events
WHERE stream_id = $1 AND stream_version > $2
ORDER BY stream_version;
