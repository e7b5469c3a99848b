-- Starts this row's own lease just before its send, so rows late in a long batch are not
-- taken over (and sent twice) while earlier ones are still being sent.
UPDATE outbox
SET claimed_until = $3
WHERE id = $1 AND claim_token = $2
RETURNING id;
