-- Every read-model row that belongs to one person ($1), in one statement so it commits or not at
-- all. Relationships they were part of ($2) keep their figures; the id becomes the marker $3, and
-- the private notes of those relationships' escalations (written by or about them) are dropped.
-- The append-only `events` table is not touched: see docs/reliability.md.
WITH
people_deleted AS (DELETE FROM people WHERE person_id = $1 RETURNING 1),
checkins_deleted AS (DELETE FROM checkin_answers WHERE respondent_id = $1 RETURNING 1),
reflections_deleted AS (DELETE FROM closing_reflections WHERE respondent_id = $1 RETURNING 1),
prompts_deleted AS (DELETE FROM pending_prompts WHERE recipient_id = $1 RETURNING 1),
outbox_deleted AS (
    DELETE FROM outbox WHERE recipient_id = $1 AND delivered_at IS NULL RETURNING 1
),
outbox_blanked AS (
    UPDATE outbox SET data = '{}'::jsonb, recipient_id = $3
    WHERE recipient_id = $1 AND delivered_at IS NOT NULL
    RETURNING 1
),
enrolments_deleted AS (DELETE FROM programme_enrolments WHERE person_id = $1 RETURNING 1),
unmatched_deleted AS (DELETE FROM programme_unmatched WHERE person_id = $1 RETURNING 1),
reporting_deleted AS (DELETE FROM reporting_lines WHERE person_id = $1 RETURNING 1),
leaver_deleted AS (DELETE FROM leavers WHERE person_id = $1 RETURNING 1),
-- Replays of HR API answers that name the person anywhere in their JSON body.
replays_deleted AS (
    DELETE FROM api_idempotency_keys
    WHERE jsonb_path_exists(response_body, 'strict $.** ? (@ == $id)', jsonb_build_object('id', $1))
    RETURNING 1
),
-- Coordinator and owner notices of those relationships keep no one's words (a tension note, a
-- decline reason): the words of an erased person must not outlive them in a queued mail.
notices_stripped AS (
    UPDATE outbox SET data = data - 'private_note' - 'reason'
    WHERE relationship_id = ANY($2::text[]) AND recipient_role IN ('coordinator', 'owner')
      AND (data ? 'private_note' OR (template = 'match_declined' AND data ? 'reason'))
    RETURNING 1
),
notes_blanked AS (
    UPDATE escalations SET private_note = NULL
    WHERE relationship_id = ANY($2::text[]) AND private_note IS NOT NULL
    RETURNING 1
),
states_deleted AS (
    DELETE FROM relationship_projection_state WHERE relationship_id = ANY($2::text[]) RETURNING 1
),
relationships_pseudonymised AS (
    UPDATE relationships
    SET mentor_id = CASE WHEN mentor_id = $1 THEN $3 ELSE mentor_id END,
        mentee_id = CASE WHEN mentee_id = $1 THEN $3 ELSE mentee_id END
    WHERE mentor_id = $1 OR mentee_id = $1
    RETURNING 1
)
SELECT (SELECT count(*) FROM people_deleted)               AS people,
       (SELECT count(*) FROM checkins_deleted)             AS checkin_answers,
       (SELECT count(*) FROM reflections_deleted)          AS closing_reflections,
       (SELECT count(*) FROM prompts_deleted)              AS pending_prompts,
       (SELECT count(*) FROM outbox_deleted)               AS outbox_undelivered,
       (SELECT count(*) FROM outbox_blanked)               AS outbox_delivered_blanked,
       (SELECT count(*) FROM enrolments_deleted)           AS programme_enrolments,
       (SELECT count(*) FROM unmatched_deleted)            AS programme_unmatched,
       (SELECT count(*) FROM reporting_deleted)            AS reporting_lines,
       (SELECT count(*) FROM leaver_deleted)               AS leavers,
       (SELECT count(*) FROM replays_deleted)              AS api_replays,
       (SELECT count(*) FROM notes_blanked)                AS escalation_notes,
       (SELECT count(*) FROM notices_stripped)             AS coordinator_notices,
       (SELECT count(*) FROM states_deleted)               AS projection_states,
       (SELECT count(*) FROM relationships_pseudonymised)  AS relationships_pseudonymised;
