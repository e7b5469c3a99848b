-- The member organisations that list a person among their coordinators, per programme.
SELECT programme_id, organisation
FROM programme_organisations
WHERE $1 = ANY (coordinator_ids);
