SELECT person_id, display_name, email, time_zone, working_hours_start, working_hours_end,
       working_days, locale, organisation
FROM people
WHERE person_id = $1;
