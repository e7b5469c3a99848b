INSERT INTO programme_evaluations (programme_id, evaluation, evaluated_at)
VALUES ($1, $2, $3)
ON CONFLICT (programme_id) DO NOTHING;
