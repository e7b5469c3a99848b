-- An HR "participant left" event ($1 person, $2 their organisation, $3 the day they left).
-- A replayed or corrected event moves the date; the organisation stays the one recorded first.
INSERT INTO leavers (person_id, organisation, left_on)
VALUES ($1, $2, $3)
ON CONFLICT (person_id) DO UPDATE SET left_on = EXCLUDED.left_on, recorded_at = now();
