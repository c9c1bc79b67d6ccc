-- Saga timeouts: an active fix workflow keeps its current step's deadline in data->>'DeadlineAt' (cleared when it
-- finishes). The Result Processor's deadline sweep looks only at those rows.
CREATE INDEX fix_workflow_sagas_deadline ON fix_workflow_sagas (correlation_id) WHERE data->>'DeadlineAt' IS NOT NULL;
