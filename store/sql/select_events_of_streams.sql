SELECT stream_id, stream_version, event_type, schema_version, data
FROM events
WHERE stream_id = ANY($1::text[])
ORDER BY stream_id, stream_version;
