-- People erased on request (right to erasure). Holds a SHA-256 digest of the person id, never the
-- id itself, so a repeated `twoway erase` can answer "already erased" instead of "unknown person".
-- A digest of an employee id is pseudonymous, not anonymous: whoever holds the roster can match it.
CREATE TABLE erasures (
    person_digest text        PRIMARY KEY,
    erased_at     timestamptz NOT NULL DEFAULT now()
);
