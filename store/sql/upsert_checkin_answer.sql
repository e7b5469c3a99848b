INSERT INTO checkin_answers (
    relationship_id, term_number, round_number, respondent_id, role, mode, satisfaction,
    psychological_safety, average_progress, focus, tension_flag, learning_goes_both_ways,
    submitted_at
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (relationship_id, term_number, round_number, respondent_id) DO UPDATE SET
    role                    = EXCLUDED.role,
    mode                    = EXCLUDED.mode,
    satisfaction            = EXCLUDED.satisfaction,
    psychological_safety    = EXCLUDED.psychological_safety,
    average_progress        = EXCLUDED.average_progress,
    focus                   = EXCLUDED.focus,
    tension_flag            = EXCLUDED.tension_flag,
    learning_goes_both_ways = EXCLUDED.learning_goes_both_ways,
    submitted_at            = EXCLUDED.submitted_at;
