-- The programmes where a person was made coordinator or owner of a pair (pairs started directly
-- through the API have no programme workflow whose definition could be read).
SELECT DISTINCT data ->> 'programme_id' AS programme_id,
       (data ->> 'coordinator_id' = $1) AS coordinator,
       (data ->> 'owner_id' = $1)       AS owner
FROM events
WHERE event_type = 'relationship_proposed'
  AND (data ->> 'coordinator_id' = $1 OR data ->> 'owner_id' = $1);
