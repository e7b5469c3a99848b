SELECT version, state FROM relationship_projection_state WHERE relationship_id = $1;
