-- Every relationship (any phase) that names the person ($1) as mentor or mentee.
SELECT relationship_id FROM relationships
WHERE mentor_id = $1 OR mentee_id = $1
ORDER BY relationship_id;
