-- The display name of each of the given organisations that has one.
SELECT organisation, display_name FROM organisation_names WHERE organisation = ANY ($1::text[]);
