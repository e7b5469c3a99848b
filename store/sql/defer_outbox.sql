-- Outside the recipient's working hours: wait until $3. Waiting is not a failed attempt.
UPDATE outbox
SET claim_token = NULL, claimed_until = NULL, not_before = $3, attempts = attempts - 1
WHERE id = $1 AND claim_token = $2
RETURNING id;
