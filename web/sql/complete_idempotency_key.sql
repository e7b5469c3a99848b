UPDATE api_idempotency_keys
SET status_code = $4, response_body = $5, location = $6, completed_at = now()
WHERE api_key_hash = $1 AND idempotency_key = $2 AND fingerprint = $3 AND completed_at IS NULL
