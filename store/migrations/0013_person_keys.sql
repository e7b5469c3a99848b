-- Crypto-shredding: one data key per person. Personal values in stored events (their id, and the
-- words they wrote) are sealed with it; erasing the person deletes this row, and every sealed copy
-- (the event store, its backups, read models rebuilt from it) becomes unreadable at once.
-- The key is kept wrapped (AES-GCM) by the deployment key (TWOWAY_ENCRYPTION_KEYS), never in the
-- clear, and the person is named by the SHA-256 digest of their id, never by the id itself.
CREATE TABLE person_keys (
    person_digest   text        PRIMARY KEY,
    wrapping_key_id text        NOT NULL,
    wrapped_key     bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
