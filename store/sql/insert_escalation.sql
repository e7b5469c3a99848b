-- Opens a case once per key; returns nothing when the case was opened before.
INSERT INTO escalations (
    escalation_key, relationship_id, programme_id, reason_codes, severity, level,
    assigned_to, respond_by, opened_at, private_note
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (escalation_key) DO NOTHING
RETURNING escalation_key;
