SELECT fingerprint, status_code, response_body, location
FROM api_idempotency_keys
WHERE api_key_hash = $1 AND idempotency_key = $2
