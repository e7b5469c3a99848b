-- Whether the read model knows a person at all ($1), and their relationships (any phase).
SELECT EXISTS (SELECT 1 FROM people WHERE person_id = $1)
           OR EXISTS (SELECT 1 FROM programme_enrolments WHERE person_id = $1)
           OR EXISTS (SELECT 1 FROM pending_prompts WHERE recipient_id = $1)
           OR EXISTS (SELECT 1 FROM outbox WHERE recipient_id = $1)
           OR EXISTS (SELECT 1 FROM reporting_lines WHERE person_id = $1)
           OR EXISTS (SELECT 1 FROM relationships WHERE mentor_id = $1 OR mentee_id = $1)
           AS known,
       EXISTS (SELECT 1 FROM erasures WHERE person_digest = $2) AS already_erased,
       ARRAY(
           SELECT relationship_id FROM relationships
           WHERE mentor_id = $1 OR mentee_id = $1
           ORDER BY relationship_id
       ) AS relationship_ids;
