-- Every table the projector writes; the event store is not a read model of it and stays. The
-- exclusive lock TRUNCATE takes makes live projectors wait for the rebuild to commit, after which
-- they continue from the rebuilt state.
TRUNCATE relationships, meetings, pending_prompts, checkin_answers, closing_reflections,
         escalations, relationship_projection_state;
