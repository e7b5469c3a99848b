-- A participant's relationships, newest activity first; the inbox and HR events start here.
-- The phase is the one the two people see (a mediation they were not told of stays hidden);
-- rows written from a workflow snapshot carry none yet, so fall back to the phase.
SELECT relationship_id, programme_id, mentor_id, mentee_id,
       coalesce(participant_phase, phase) AS phase, mode, health,
       next_due_at, escalation_open, last_version, updated_at
FROM relationships
WHERE mentor_id = $1 OR mentee_id = $1
ORDER BY updated_at DESC, relationship_id;
