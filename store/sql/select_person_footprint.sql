-- Whether the read model knows a person at all ($1), and whether they were erased before ($2).
SELECT EXISTS (SELECT 1 FROM people WHERE person_id = $1)
           OR EXISTS (SELECT 1 FROM programme_enrolments WHERE person_id = $1)
           OR EXISTS (SELECT 1 FROM pending_prompts WHERE recipient_id = $1)
           OR EXISTS (SELECT 1 FROM outbox WHERE recipient_id = $1)
           OR EXISTS (SELECT 1 FROM reporting_lines WHERE person_id = $1)
           OR EXISTS (SELECT 1 FROM leavers WHERE person_id = $1)
           OR EXISTS (SELECT 1 FROM relationships WHERE mentor_id = $1 OR mentee_id = $1)
           AS known,
       EXISTS (SELECT 1 FROM erasures WHERE person_digest = $2) AS already_erased;
