-- The programmes an organisation is recorded as a member of.
SELECT programme_id FROM programme_organisations WHERE organisation = $1;
