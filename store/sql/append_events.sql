-- Appends a batch of events to one stream in a single round trip. Positions already taken are
-- skipped, so replaying the same batch (an activity retry) changes nothing.
-- $1 stream_id, $2..$6 parallel arrays: stream_version, event_type, schema_version, occurred_at, data
WITH inserted AS (
    INSERT INTO events (stream_id, stream_version, event_type, schema_version, occurred_at, data)
    SELECT $1, batch.stream_version, batch.event_type, batch.schema_version, batch.occurred_at, batch.data
    FROM unnest($2::int[], $3::text[], $4::int[], $5::timestamptz[], $6::jsonb[])
        AS batch (stream_version, event_type, schema_version, occurred_at, data)
    ON CONFLICT (stream_id, stream_version) DO NOTHING
    RETURNING 1
)
SELECT count(*)::int AS appended FROM inserted;
