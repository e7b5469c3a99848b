-- Serialises projectors of one stream until the end of the transaction (two attempts of the same
-- activity may overlap after a timeout); other streams are not held up.
SELECT pg_advisory_xact_lock(hashtextextended('projection:' || $1, 0));
