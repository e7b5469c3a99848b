-- Every table the projector writes; the event store and the escalation cases are not read
-- models of it and stay. The exclusive lock TRUNCATE takes makes live projectors wait for the
-- rebuild to commit, after which they continue from the rebuilt state.
TRUNCATE relationships, meetings, pending_prompts, checkin_answers, closing_reflections,
         relationship_projection_state;
