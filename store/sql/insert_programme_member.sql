-- A member organisation of a programme; one already recorded keeps its row.
INSERT INTO programme_organisations (programme_id, organisation, coordinator_ids)
VALUES ($1, $2, $3)
ON CONFLICT (programme_id, organisation) DO NOTHING;
