INSERT INTO pending_prompts (
    relationship_id, prompt_id, recipient_id, kind, issued_at, due_at, remind_at,
    term_number, contract_version, meeting_number, meeting_scheduled_at, checkin_round
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (relationship_id, prompt_id) DO UPDATE SET
    recipient_id         = EXCLUDED.recipient_id,
    kind                 = EXCLUDED.kind,
    issued_at            = EXCLUDED.issued_at,
    due_at               = EXCLUDED.due_at,
    remind_at            = EXCLUDED.remind_at,
    term_number          = EXCLUDED.term_number,
    contract_version     = EXCLUDED.contract_version,
    meeting_number       = EXCLUDED.meeting_number,
    meeting_scheduled_at = EXCLUDED.meeting_scheduled_at,
    checkin_round        = EXCLUDED.checkin_round;
