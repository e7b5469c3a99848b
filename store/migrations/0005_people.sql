-- Who a recipient id is: the only place names and e-mail addresses live. Outbox rows, events and
-- workflow payloads carry ids; delivery looks the person up here at send time.
CREATE TABLE people (
    person_id           text        PRIMARY KEY,
    display_name        text        NOT NULL,
    email               text        NOT NULL,
    -- IANA zone name (Europe/Paris); reminders to participants wait for their working hours.
    time_zone           text        NOT NULL DEFAULT 'UTC',
    working_hours_start time        NOT NULL DEFAULT '09:00',
    working_hours_end   time        NOT NULL DEFAULT '17:30',
    -- ISO weekdays, 1 = Monday ... 7 = Sunday.
    working_days        smallint[]  NOT NULL DEFAULT '{1,2,3,4,5}',
    locale              text        NOT NULL DEFAULT 'en',
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- Working hours never span midnight; a night shift is not a mentoring slot.
    CHECK (working_hours_start < working_hours_end),
    CHECK (working_days <@ '{1,2,3,4,5,6,7}'::smallint[])
);
