-- Sums per relationship, side, respondent and survey round; individual answers never leave the
-- database. A survey round is the calendar month (UTC) of the answer; it closes when the month
-- ends, and reports publish closed rounds only.
SELECT c.relationship_id, c.role, c.respondent_id,
       (date_trunc('month', c.submitted_at AT TIME ZONE 'UTC') + interval '1 month')
           AT TIME ZONE 'UTC'                                 AS round_closes_at,
       count(*)::int                                          AS answers,
       sum(c.satisfaction)::double precision                  AS satisfaction_sum,
       sum(c.psychological_safety)::double precision          AS safety_sum
FROM checkin_answers AS c
JOIN relationships AS r USING (relationship_id)
WHERE r.programme_id = $1
GROUP BY c.relationship_id, c.role, c.respondent_id, round_closes_at
ORDER BY c.relationship_id, c.role, round_closes_at;
