-- Positions in a batch that the stream already holds with a different event. A true retry
-- carries identical events; anything else means two writers disagree about the history.
-- $1 stream_id, $2..$4 parallel arrays: stream_version, event_type, data
SELECT stored.stream_version
FROM unnest($2::int[], $3::text[], $4::jsonb[]) AS batch (stream_version, event_type, data)
JOIN events AS stored
    ON stored.stream_id = $1 AND stored.stream_version = batch.stream_version
WHERE stored.event_type <> batch.event_type OR stored.data <> batch.data
ORDER BY stored.stream_version;
