-- The events that shape a relationship's meeting series, as recorded up to $2 (the moment the
-- message was queued), so a late message carries the series it announced, not a newer one.
SELECT event_type, data
FROM events
WHERE stream_id = $1
  AND recorded_at <= $2
  AND event_type = ANY($3::text[])
ORDER BY stream_version;
