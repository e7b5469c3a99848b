-- A failed attempt: retry after $3, or give up when $4 is set. Guarded by the claim token.
UPDATE outbox
SET claim_token = NULL, claimed_until = NULL, not_before = $3, failed_at = $4, last_error = $5
WHERE id = $1 AND claim_token = $2
RETURNING id;
