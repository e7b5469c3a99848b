-- Figures for the HR API list: how many relationships sit in each phase and health.
SELECT phase, health, count(*)::int AS relationships
FROM relationships
WHERE ($1::text IS NULL OR programme_id = $1)
  AND ($2::text IS NULL OR mentor_id = $2 OR mentee_id = $2)
GROUP BY phase, health
ORDER BY phase, health;
