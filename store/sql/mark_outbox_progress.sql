-- Records what a claim holder has sent ($4 e-mail, $5 chat) and, when $6, that the row is done.
-- Guarded by the claim token: a dispatcher whose lease was taken over marks nothing.
UPDATE outbox
SET email_sent_at   = CASE WHEN $4 THEN coalesce(email_sent_at, $3) ELSE email_sent_at END,
    webhook_sent_at = CASE WHEN $5 THEN coalesce(webhook_sent_at, $3) ELSE webhook_sent_at END,
    delivered_at    = CASE WHEN $6 THEN $3 ELSE delivered_at END,
    claim_token     = CASE WHEN $6 THEN NULL ELSE claim_token END,
    claimed_until   = CASE WHEN $6 THEN NULL ELSE claimed_until END,
    last_error      = CASE WHEN $6 THEN NULL ELSE last_error END
WHERE id = $1 AND claim_token = $2
RETURNING id;
