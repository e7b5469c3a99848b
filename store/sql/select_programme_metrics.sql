SELECT programme_id, relationships, pairs_by_phase, pairs_by_mode, pairs_by_health,
       meetings_held, meetings_missed, meetings_cancelled, escalations_open,
       escalations_resolved, escalations_to_owner, mean_time_to_resolve, mutual_evolutions,
       completed, ended_early, declined, early_ends_by_reason
FROM programme_metrics
WHERE programme_id = $1;
