-- Records who changed a person's address ($2: an API key id) when the upsert changed it.
UPDATE people SET email_changed_by = $2, email_changed_at = now()
WHERE person_id = $1
RETURNING email_changed_at;
