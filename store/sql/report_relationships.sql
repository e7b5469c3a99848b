-- One row per projected relationship of a programme, with what the report aggregates.
-- $1 programme_id
WITH meeting_counts AS (
    SELECT relationship_id,
           count(*) FILTER (WHERE status = 'held')   AS meetings_held,
           count(*) FILTER (WHERE status = 'missed') AS meetings_missed
    FROM meetings
    GROUP BY relationship_id
),
escalation_counts AS (
    SELECT relationship_id,
           count(*)                                    AS escalations_opened,
           count(*) FILTER (WHERE status = 'resolved') AS escalations_resolved,
           count(*) FILTER (WHERE escalated_to_owner)  AS escalations_to_owner,
           coalesce(sum(extract(epoch FROM time_to_resolve)), 0)::double precision
                                                       AS seconds_to_resolve
    FROM escalation_cases
    GROUP BY relationship_id
)
SELECT r.relationship_id, r.proposed_at, r.phase, r.mode, r.initial_mode, r.became_mutual_at,
       r.end_reason,
       coalesce(m.meetings_held, 0)          AS meetings_held,
       coalesce(m.meetings_missed, 0)        AS meetings_missed,
       coalesce(e.escalations_opened, 0)     AS escalations_opened,
       coalesce(e.escalations_resolved, 0)   AS escalations_resolved,
       coalesce(e.escalations_to_owner, 0)   AS escalations_to_owner,
       coalesce(e.seconds_to_resolve, 0)     AS seconds_to_resolve
FROM relationships AS r
LEFT JOIN meeting_counts AS m USING (relationship_id)
LEFT JOIN escalation_counts AS e USING (relationship_id)
-- Rows written from a workflow snapshot (no proposal folded) carry no intake date: left out.
WHERE r.programme_id = $1 AND r.proposed_at IS NOT NULL
ORDER BY r.relationship_id;
