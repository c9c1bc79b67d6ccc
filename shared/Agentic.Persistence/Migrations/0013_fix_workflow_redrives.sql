-- Stall re-drives: the Result Processor's stall sweep finds active fix workflows whose row has not changed for a while
-- (updated_at) and that have re-driven their current step fewer times than the cap. The count lives in the saga's JSON
-- (data->>'Redrives', reset on entering each step); this generated column makes it a column the sweep filters on.
ALTER TABLE fix_workflow_sagas
    ADD COLUMN redrives integer GENERATED ALWAYS AS (coalesce((data->>'Redrives')::integer, 0)) STORED;

CREATE INDEX fix_workflow_sagas_stall ON fix_workflow_sagas (updated_at) WHERE data->>'DeadlineAt' IS NOT NULL;
