-- Every stream once, in a stable order, so a rebuild processes them the same way each time.
SELECT DISTINCT stream_id FROM events ORDER BY stream_id;
