-- One row per person; the roster import re-sends everyone, so an upsert keeps it idempotent.
INSERT INTO people (
    person_id, display_name, email, time_zone, working_hours_start, working_hours_end,
    working_days, locale
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (person_id) DO UPDATE SET
    display_name        = EXCLUDED.display_name,
    email               = EXCLUDED.email,
    time_zone           = EXCLUDED.time_zone,
    working_hours_start = EXCLUDED.working_hours_start,
    working_hours_end   = EXCLUDED.working_hours_end,
    working_days        = EXCLUDED.working_days,
    locale              = EXCLUDED.locale,
    updated_at          = now();
