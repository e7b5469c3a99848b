-- Delivery state of outbox rows. A dispatcher claims a row for a lease (claim_token,
-- claimed_until) before it sends, so concurrent dispatchers never send the same row at once and a
-- dispatcher that dies mid-send leaves a row that is retried only once its lease has run out.
ALTER TABLE outbox
    ADD COLUMN claim_token     uuid        NULL,
    ADD COLUMN claimed_until   timestamptz NULL,
    -- Per channel, so a retry after a chat failure does not send the e-mail again.
    ADD COLUMN email_sent_at   timestamptz NULL,
    ADD COLUMN webhook_sent_at timestamptz NULL,
    -- Gave up after too many attempts, or the receiver refused the message for good.
    ADD COLUMN failed_at       timestamptz NULL,
    -- An error class or SMTP code, never message text (it may quote an address).
    ADD COLUMN last_error      text        NULL;

DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (not_before, id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
