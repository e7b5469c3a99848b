SELECT relationship_id, prompt_id, recipient_id, kind, issued_at, due_at, remind_at,
       term_number, contract_version, meeting_number, meeting_scheduled_at, checkin_round
FROM pending_prompts
WHERE recipient_id = $1
ORDER BY due_at, relationship_id, prompt_id;
