SELECT relationship_id, term_number, respondent_id, role, mode, goals_rated, goals_achieved,
       continue_informally, want_renewal, submitted_at
FROM closing_reflections
WHERE respondent_id = $1 AND ($2::text IS NULL OR relationship_id = $2)
ORDER BY relationship_id, term_number;
