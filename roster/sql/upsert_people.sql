-- The directory part of a roster, in one statement. Rows whose values did not change are not
-- touched at all (not even updated_at), which is what makes re-importing a roster a no-op.
INSERT INTO people (person_id, display_name, email, time_zone, working_hours_start, working_hours_end)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::time[], $6::time[])
ON CONFLICT (person_id) DO UPDATE SET
    display_name        = EXCLUDED.display_name,
    email               = EXCLUDED.email,
    time_zone           = EXCLUDED.time_zone,
    working_hours_start = EXCLUDED.working_hours_start,
    working_hours_end   = EXCLUDED.working_hours_end,
    updated_at          = now()
WHERE (people.display_name, people.email, people.time_zone, people.working_hours_start,
       people.working_hours_end)
      IS DISTINCT FROM
      (EXCLUDED.display_name, EXCLUDED.email, EXCLUDED.time_zone, EXCLUDED.working_hours_start,
       EXCLUDED.working_hours_end)
RETURNING person_id, (xmax = 0) AS inserted;
