SELECT EXISTS (SELECT 1 FROM operator_sessions WHERE session_hash = $1 AND expires_at > $2);
