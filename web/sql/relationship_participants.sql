-- The two people of each given relationship, to narrow staff lists to an organisation's pairs.
SELECT relationship_id, mentor_id, mentee_id
FROM relationships
WHERE relationship_id = ANY ($1::text[]);
