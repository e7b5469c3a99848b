-- The latest applied staff action on each case of the given audit streams: where it stands.
SELECT DISTINCT ON (stream_id, data ->> 'escalation_id')
       stream_id, data ->> 'escalation_id' AS escalation_id, data ->> 'actor' AS actor,
       data ->> 'action' AS action, occurred_at
FROM events
WHERE stream_id = ANY ($1::text[])
  AND event_type = 'staff_action_taken'
  AND data ->> 'outcome' = 'applied'
  AND data ? 'escalation_id'
ORDER BY stream_id, data ->> 'escalation_id', stream_version DESC;
