INSERT INTO relationship_projection_state (relationship_id, version, state)
VALUES ($1, $2, $3)
ON CONFLICT (relationship_id) DO UPDATE SET
    version = EXCLUDED.version,
    state   = EXCLUDED.state
WHERE relationship_projection_state.version < EXCLUDED.version;
