-- Claims the key for this request: a new row, or one whose earlier claim expired or was
-- abandoned (a crashed request never completed it). Returns nothing when the key is taken.
INSERT INTO api_idempotency_keys AS k (api_key_hash, idempotency_key, fingerprint)
VALUES ($1, $2, $3)
ON CONFLICT (api_key_hash, idempotency_key) DO UPDATE
    SET fingerprint = EXCLUDED.fingerprint,
        status_code = NULL,
        response_body = NULL,
        location = NULL,
        created_at = now(),
        completed_at = NULL
    WHERE k.created_at < now() - make_interval(secs => $4)
       OR (k.completed_at IS NULL AND k.created_at < now() - make_interval(secs => $5))
RETURNING 1
