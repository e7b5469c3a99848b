-- What a coordinator's digest reports: open pairs whose health is not green, overdue cases.
SELECT
    (SELECT count(*) FROM relationships
     WHERE programme_id = $1 AND health IN ('amber', 'red')
       AND phase NOT IN ('completed', 'declined', 'ended_early')) AS at_risk,
    (SELECT count(*) FROM escalations
     WHERE programme_id = $1 AND status = 'overdue') AS overdue_escalations;
