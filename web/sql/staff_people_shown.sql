-- Who the given people are, for a staff page's labels: name and organisation (never an address).
SELECT person_id, display_name, organisation FROM people WHERE person_id = ANY ($1::text[]);
