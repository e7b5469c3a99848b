-- Queues a message once per idempotency key; returns nothing when it was queued before.
INSERT INTO outbox (
    idempotency_key, relationship_id, recipient_id, recipient_role, template, data, not_before
)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id;
