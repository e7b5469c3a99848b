DELETE FROM pending_prompts WHERE relationship_id = $1 AND prompt_id = $2;
