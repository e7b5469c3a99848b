-- A programme's member organisations with their coordinators.
SELECT organisation, coordinator_ids FROM programme_organisations
WHERE programme_id = $1 ORDER BY organisation;
