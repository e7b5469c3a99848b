SELECT person_id, display_name, email, time_zone, working_hours_start, working_hours_end,
       working_days, locale, organisation,
       (SELECT display_name FROM organisation_names n WHERE n.organisation = people.organisation)
           AS organisation_name
FROM people
WHERE person_id = $1;
