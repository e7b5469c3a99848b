-- Sums per relationship, respondent and survey round (the calendar month, UTC, of the answer).
SELECT c.relationship_id, c.respondent_id,
       (date_trunc('month', c.submitted_at AT TIME ZONE 'UTC') + interval '1 month')
           AT TIME ZONE 'UTC'     AS round_closes_at,
       sum(c.goals_rated)::int    AS goals_rated,
       sum(c.goals_achieved)::int AS goals_achieved
FROM closing_reflections AS c
JOIN relationships AS r USING (relationship_id)
WHERE r.programme_id = $1
GROUP BY c.relationship_id, c.respondent_id, round_closes_at
ORDER BY c.relationship_id, round_closes_at;
