-- Enrolment, matching, completion and satisfaction by each consented diversity attribute of a
-- programme's enrolled people of the organisations asked for ($2; someone missing from the
-- directory counts with the default one). Attributes are only stored with consent. Small groups
-- are withheld by the caller.
WITH enrolled AS (
    SELECT e.person_id, d.key AS attribute, d.value AS value
    FROM programme_enrolments e,
         jsonb_each_text(coalesce(e.profile -> 'diversity', '{}'::jsonb)) AS d
    WHERE e.programme_id = $1
      AND coalesce((SELECT p.organisation FROM people p WHERE p.person_id = e.person_id),
                   'default') = ANY ($2::text[])
),
paired AS (
    SELECT relationship_id, mentor_id AS person_id, phase FROM relationships WHERE programme_id = $1
    UNION ALL
    SELECT relationship_id, mentee_id, phase FROM relationships WHERE programme_id = $1
)
SELECT en.attribute, en.value,
       count(DISTINCT en.person_id)                                               AS enrolled,
       count(DISTINCT p.person_id) FILTER (WHERE p.phase <> 'declined')           AS matched,
       count(DISTINCT p.person_id) FILTER (WHERE p.phase = 'completed')           AS completed,
       count(DISTINCT p.person_id) FILTER (WHERE p.phase IN ('completed', 'ended_early')) AS ended,
       avg(c.satisfaction)::double precision                                      AS satisfaction,
       count(DISTINCT c.respondent_id)                                            AS respondents
FROM enrolled en
LEFT JOIN paired p ON p.person_id = en.person_id
LEFT JOIN checkin_answers c
       ON c.respondent_id = en.person_id AND c.relationship_id = p.relationship_id
GROUP BY en.attribute, en.value
ORDER BY en.attribute, en.value;
