-- Every relationship naming the person ($1) as mentor or mentee, with its phase.
SELECT relationship_id, phase FROM relationships
WHERE mentor_id = $1 OR mentee_id = $1
ORDER BY relationship_id;
