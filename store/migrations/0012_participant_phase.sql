-- The phase as the two people of a pair see it. A case opened from one person's check-in puts
-- the relationship in mediation at once, but until the coordinator involves both, the inbox keeps
-- showing the phase the mediation started from: the change would point at whoever raised it.
-- Cases opened before this column existed had already been announced to both, so existing rows
-- show their phase as it is.
ALTER TABLE relationships ADD COLUMN participant_phase text NULL;
UPDATE relationships SET participant_phase = phase;
