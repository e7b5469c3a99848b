-- The address before a change, locked so two concurrent changes each see the one before them.
SELECT email FROM people WHERE person_id = $1 FOR UPDATE;
