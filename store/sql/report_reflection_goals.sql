SELECT c.relationship_id, c.respondent_id,
       sum(c.goals_rated)::int    AS goals_rated,
       sum(c.goals_achieved)::int AS goals_achieved
FROM closing_reflections AS c
JOIN relationships AS r USING (relationship_id)
WHERE r.programme_id = $1
GROUP BY c.relationship_id, c.respondent_id
ORDER BY c.relationship_id;
