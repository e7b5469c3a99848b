SELECT profile FROM programme_enrolments WHERE programme_id = $1 ORDER BY person_id;
