-- Addresses before a roster import, locked so a concurrent change is seen in order.
SELECT person_id, email FROM people WHERE person_id = ANY($1::text[]) ORDER BY person_id FOR UPDATE;
