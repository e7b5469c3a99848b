-- Put people (just imported by an organisation's roster) in that organisation.
UPDATE people SET organisation = $2 WHERE person_id = ANY ($1::text[]) AND organisation <> $2;
