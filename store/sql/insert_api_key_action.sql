-- What an HR API key changed: method, path (ids only, never a body) and the answer's status.
INSERT INTO api_key_actions (key_id, organisation, method, path, status)
VALUES ($1, $2, $3, $4, $5);
