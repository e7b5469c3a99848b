-- The kind of one prompt still open for this person in the read model (primary key lookup).
-- $1 relationship_id, $2 prompt_id, $3 recipient_id
SELECT kind
FROM pending_prompts
WHERE relationship_id = $1 AND prompt_id = $2 AND recipient_id = $3;
