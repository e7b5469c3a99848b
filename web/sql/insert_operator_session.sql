INSERT INTO operator_sessions (session_hash, expires_at) VALUES ($1, $2);
