-- Only the requester's own answers: the partner's answers are never returned, whatever is asked.
SELECT relationship_id, term_number, round_number, respondent_id, role, mode, satisfaction,
       psychological_safety, average_progress, focus, tension_flag, learning_goes_both_ways,
       submitted_at
FROM checkin_answers
WHERE respondent_id = $1 AND ($2::text IS NULL OR relationship_id = $2)
ORDER BY relationship_id, term_number, round_number;
