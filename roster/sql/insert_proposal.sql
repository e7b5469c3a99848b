INSERT INTO programme_proposals (programme_id, version, method, total_score)
VALUES ($1, $2, $3, $4)
ON CONFLICT (programme_id, version) DO NOTHING
RETURNING version;
