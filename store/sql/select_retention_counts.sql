-- Retention of a programme ($1, its term from $3 to $4) among the people of the organisations
-- asked for ($2): everyone on their roster (the people directory, and anyone HR reported as a
-- leaver) or in the programme, grouped by whether they were enrolled (in the programme's roster or
-- in one of its pairs). A person counts when they were still there on the first day; they left
-- during the programme up to its last day, after it from the day after. Someone missing from the
-- directory counts with the organisation their leaver event named, else the default one.
WITH enrolled AS (
    SELECT person_id FROM programme_enrolments WHERE programme_id = $1
    UNION
    SELECT mentor_id FROM relationships WHERE programme_id = $1 AND phase <> 'declined'
    UNION
    SELECT mentee_id FROM relationships WHERE programme_id = $1 AND phase <> 'declined'
),
everyone AS (
    SELECT person_id FROM people WHERE organisation = ANY ($2::text[])
    UNION
    SELECT person_id FROM leavers WHERE organisation = ANY ($2::text[])
    UNION
    SELECT person_id FROM enrolled
)
SELECT ev.person_id IN (SELECT person_id FROM enrolled)              AS enrolled,
       count(*) FILTER (WHERE l.left_on IS NULL OR l.left_on >= $3)   AS people,
       count(*) FILTER (WHERE l.left_on BETWEEN $3 AND $4)            AS left_during,
       count(*) FILTER (WHERE l.left_on > $4)                         AS left_after
FROM everyone ev
LEFT JOIN people p USING (person_id)
LEFT JOIN leavers l USING (person_id)
WHERE coalesce(p.organisation, l.organisation, 'default') = ANY ($2::text[])
GROUP BY 1;
