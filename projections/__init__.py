"""Read models projected from the event store: the inbox, meetings, answers, programme reports.

`projector.project_stream` folds a relationship's new events into the read tables inside the
caller's transaction (the `record_events` activity), and `rebuild.rebuild_read_models` rebuilds
them all from the `events` table. Both run the same pure code (`changes.project_events`), which
is what keeps a rebuild identical to the live tables.
"""
