SELECT id, idempotency_key, relationship_id, recipient_id, recipient_role, template, data,
       not_before, created_at, delivered_at, attempts
FROM outbox
WHERE idempotency_key = $1;
