-- Operator sign-in sessions of the codec server and report pages. The cookie holds a random
-- session id, never the operator token; only the id's SHA-256 is kept, so a copy of this table
-- opens nothing. Signing out deletes the row, which ends the session in every web process.
CREATE TABLE operator_sessions (
    session_hash text        PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

CREATE INDEX operator_sessions_expires_at ON operator_sessions (expires_at);

-- Who last changed a person's e-mail address (an HR API key, by the first hex digits of its
-- digest) and when: the address decides who receives that person's inbox links.
ALTER TABLE people
    ADD COLUMN email_changed_by text,
    ADD COLUMN email_changed_at timestamptz;

-- 'person': a notice about the person themselves (an address change), sent at once rather than
-- held for their working hours like a participant's prompts.
ALTER TABLE outbox DROP CONSTRAINT outbox_recipient_role_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_recipient_role_check
    CHECK (recipient_role IN ('participant', 'coordinator', 'owner', 'person'));
