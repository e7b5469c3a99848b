SELECT stream_version, event_type, schema_version, data
FROM events
WHERE stream_id = $1 AND stream_version > $2
ORDER BY stream_version;
