INSERT INTO closing_reflections (
    relationship_id, term_number, respondent_id, role, mode, goals_rated, goals_achieved,
    continue_informally, want_renewal, submitted_at
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (relationship_id, term_number, respondent_id) DO UPDATE SET
    role                = EXCLUDED.role,
    mode                = EXCLUDED.mode,
    goals_rated         = EXCLUDED.goals_rated,
    goals_achieved      = EXCLUDED.goals_achieved,
    continue_informally = EXCLUDED.continue_informally,
    want_renewal        = EXCLUDED.want_renewal,
    submitted_at        = EXCLUDED.submitted_at;
