-- Claims up to $2 due rows for one dispatcher until $4. SKIP LOCKED lets concurrent dispatchers
-- take disjoint rows; a row whose lease ran out (its dispatcher died mid-send) is due again.
-- Claiming counts as an attempt, so a row that keeps killing its dispatcher still gives up.
WITH due AS (
    SELECT id
    FROM outbox
    WHERE delivered_at IS NULL
      AND failed_at IS NULL
      AND (not_before IS NULL OR not_before <= $1)
      AND (claimed_until IS NULL OR claimed_until <= $1)
    ORDER BY id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE outbox AS o
SET claim_token = $3, claimed_until = $4, attempts = o.attempts + 1
FROM due
WHERE o.id = due.id
RETURNING o.id, o.idempotency_key, o.relationship_id, o.recipient_id, o.recipient_role,
          o.template, o.data, o.created_at, o.attempts, o.email_sent_at, o.webhook_sent_at;
