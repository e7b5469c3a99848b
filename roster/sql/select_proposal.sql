SELECT total_score, method,
       (SELECT count(*) FROM programme_unmatched u
        WHERE u.programme_id = p.programme_id AND u.version = p.version) AS unmatched
FROM programme_proposals p WHERE programme_id = $1 AND version = $2;
