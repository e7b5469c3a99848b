-- Sums per relationship, side and respondent; individual answers never leave the database.
SELECT c.relationship_id, c.role, c.respondent_id,
       count(*)::int                                          AS answers,
       sum(c.satisfaction)::double precision                  AS satisfaction_sum,
       sum(c.psychological_safety)::double precision          AS safety_sum
FROM checkin_answers AS c
JOIN relationships AS r USING (relationship_id)
WHERE r.programme_id = $1
GROUP BY c.relationship_id, c.role, c.respondent_id
ORDER BY c.relationship_id, c.role;
