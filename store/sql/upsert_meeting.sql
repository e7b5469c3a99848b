INSERT INTO meetings (
    relationship_id, number, term_number, scheduled_at, ends_at, status, revision,
    status_changed_at
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (relationship_id, number) DO UPDATE SET
    term_number       = EXCLUDED.term_number,
    scheduled_at      = EXCLUDED.scheduled_at,
    ends_at           = EXCLUDED.ends_at,
    status            = EXCLUDED.status,
    revision          = EXCLUDED.revision,
    status_changed_at = EXCLUDED.status_changed_at;
