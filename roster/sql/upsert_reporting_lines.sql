INSERT INTO reporting_lines (person_id, manager_id)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT (person_id) DO UPDATE SET
    manager_id = EXCLUDED.manager_id,
    updated_at = now()
WHERE reporting_lines.manager_id IS DISTINCT FROM EXCLUDED.manager_id
RETURNING person_id, (xmax = 0) AS inserted;
