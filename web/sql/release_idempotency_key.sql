-- The request failed: free the key so that a retry is answered afresh.
DELETE FROM api_idempotency_keys
WHERE api_key_hash = $1 AND idempotency_key = $2 AND fingerprint = $3 AND completed_at IS NULL
