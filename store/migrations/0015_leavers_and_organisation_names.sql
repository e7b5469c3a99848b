-- Who left their organisation, and when: every HR "participant left" event is kept here, whether
-- or not the person had an open pair, so programme outcomes can compare the retention of enrolled
-- people with that of the rest of the roster. One row per person: a replayed or corrected event
-- moves the date. Erasing the person deletes the row.
CREATE TABLE leavers (
    person_id    text        PRIMARY KEY,
    organisation text        NOT NULL,
    left_on      date        NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX leavers_organisation ON leavers (organisation, left_on);

-- An organisation's own name, as its people read it in their mail ("at Acme Ltd"). An
-- organisation without a row here is named by its id.
CREATE TABLE organisation_names (
    organisation text        PRIMARY KEY,
    display_name text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
