INSERT INTO organisation_names (organisation, display_name)
VALUES ($1, $2)
ON CONFLICT (organisation) DO UPDATE SET display_name = EXCLUDED.display_name, updated_at = now();
