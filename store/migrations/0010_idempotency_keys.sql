-- Idempotency-Key for the HR API's creating POSTs: one row per (API key, idempotency key).
-- The API key is kept only as its SHA-256 digest (the same one TWOWAY_API_KEY_HASHES holds), so
-- two HR systems can never see, or collide with, each other's keys.
CREATE TABLE api_idempotency_keys (
    api_key_hash    text        NOT NULL,
    idempotency_key text        NOT NULL,
    -- SHA-256 of method, path, query and the request body: a reused key with another request
    -- is refused instead of answered with a response to something else.
    fingerprint     text        NOT NULL,
    -- NULL while the first request is still being answered.
    status_code     int,
    response_body   jsonb,
    location        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    PRIMARY KEY (api_key_hash, idempotency_key)
);

-- Expired rows are deleted by age.
CREATE INDEX api_idempotency_keys_created_at ON api_idempotency_keys (created_at);
