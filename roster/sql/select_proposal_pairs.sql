SELECT mentor_id, mentee_id, score FROM programme_proposed_pairs
WHERE programme_id = $1 AND version = $2 ORDER BY mentor_id, mentee_id;
