-- Figures for the HR API list: how many relationships sit in each phase and health.
SELECT phase, health, count(*)::int AS relationships
FROM relationships
WHERE ($1::text IS NULL OR programme_id = $1)
  AND ($2::text IS NULL OR mentor_id = $2 OR mentee_id = $2)
  -- An organisation sees the pairs with at least one of its people (unlisted: default).
  AND ($3::text IS NULL
       OR coalesce((SELECT organisation FROM people WHERE person_id = mentor_id), 'default') = $3
       OR coalesce((SELECT organisation FROM people WHERE person_id = mentee_id), 'default') = $3)
GROUP BY phase, health
ORDER BY phase, health;
