-- Messages waiting to be delivered. Written in the same transaction as the change that causes
-- them, delivered later; the idempotency key makes a retried write queue the message only once.
CREATE TABLE outbox (
    id              bigserial   PRIMARY KEY,
    idempotency_key text        NOT NULL UNIQUE,
    relationship_id text        NULL,
    recipient_id    text        NOT NULL,
    recipient_role  text        NOT NULL
        CHECK (recipient_role IN ('participant', 'coordinator', 'owner')),
    template        text        NOT NULL,
    data            jsonb       NOT NULL DEFAULT '{}'::jsonb,
    not_before      timestamptz NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz NULL,
    attempts        int         NOT NULL DEFAULT 0
);

-- The delivery loop only ever looks at undelivered messages.
CREATE INDEX outbox_pending_idx ON outbox (not_before, id) WHERE delivered_at IS NULL;
CREATE INDEX outbox_relationship_idx ON outbox (relationship_id);
