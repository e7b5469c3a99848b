-- Retention of a programme's participants: the people in its pairs, and how many pairs ended
-- because one of them left the organisation (each such end is one departure).
WITH people AS (
    SELECT mentor_id AS person_id FROM relationships WHERE programme_id = $1 AND phase <> 'declined'
    UNION
    SELECT mentee_id FROM relationships WHERE programme_id = $1 AND phase <> 'declined'
)
SELECT (SELECT count(*) FROM people) AS participants,
       (SELECT count(*) FROM relationships
         WHERE programme_id = $1 AND end_reason = 'participant_left') AS left_during,
       (SELECT count(*) FROM programme_enrolments e
         WHERE e.programme_id = $1
           AND e.person_id NOT IN (SELECT person_id FROM people)) AS enrolled_not_paired;
