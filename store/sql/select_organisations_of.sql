-- The organisation of each of the given people that is in the directory.
SELECT person_id, organisation FROM people WHERE person_id = ANY ($1::text[]);
