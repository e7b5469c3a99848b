-- Which of the given programmes have member organisations recorded (cross-organisation ones).
SELECT DISTINCT programme_id
FROM programme_organisations
WHERE programme_id = ANY ($1::text[]);
