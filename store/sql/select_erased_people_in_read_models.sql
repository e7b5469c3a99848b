-- People named by the rebuilt read tables whose id digest is in `erasures`: the event store still
-- holds them, so a rebuild projects them back and must scrub them again.
WITH named AS (
    SELECT mentor_id AS person_id FROM relationships
    UNION SELECT mentee_id FROM relationships
    UNION SELECT respondent_id FROM checkin_answers
    UNION SELECT respondent_id FROM closing_reflections
    UNION SELECT recipient_id FROM pending_prompts
)
SELECT person_id FROM named
WHERE encode(sha256(convert_to(person_id, 'UTF8')), 'hex') IN (SELECT person_digest FROM erasures)
ORDER BY person_id;
