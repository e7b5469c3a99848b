-- Whether the stream already holds an event past the given version.
SELECT EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND stream_version > $2);
