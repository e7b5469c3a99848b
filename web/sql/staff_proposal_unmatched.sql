-- Who a proposal left without a partner, and why.
SELECT person_id, side, reasons
FROM programme_unmatched
WHERE programme_id = $1 AND version = $2
ORDER BY side, person_id;
