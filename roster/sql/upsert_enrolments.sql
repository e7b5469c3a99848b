INSERT INTO programme_enrolments (programme_id, person_id, profile)
SELECT $1, person_id, profile FROM unnest($2::text[], $3::jsonb[]) AS t(person_id, profile)
ON CONFLICT (programme_id, person_id) DO UPDATE SET
    profile    = EXCLUDED.profile,
    updated_at = now()
WHERE programme_enrolments.profile IS DISTINCT FROM EXCLUDED.profile
RETURNING person_id, (xmax = 0) AS inserted;
