-- Sign-out; expired sessions of anyone are swept on the way.
DELETE FROM operator_sessions WHERE session_hash = $1 OR expires_at <= $2;
