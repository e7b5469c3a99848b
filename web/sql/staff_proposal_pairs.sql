-- A proposal's pairs with each criterion's contribution, for the coordinator's review.
SELECT mentor_id, mentee_id, score, contributions
FROM programme_proposed_pairs
WHERE programme_id = $1 AND version = $2
ORDER BY score DESC, mentor_id, mentee_id;
