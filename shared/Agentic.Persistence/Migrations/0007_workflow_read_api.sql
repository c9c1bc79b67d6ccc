-- The Result Processor's read API (GET /api/workflows) lists fix workflows newest first by when their saga started and
-- pages with that time as the cursor; the table keeps every finished workflow, so without an index each page (and the
-- dashboard's refresh every two seconds) would scan and sort all of them.
CREATE INDEX fix_workflow_sagas_created ON fix_workflow_sagas (created_at DESC, correlation_id DESC);
-- A workflow's detail shows its command executions; the table is keyed by execution id only.
CREATE INDEX command_executions_workflow ON command_executions (workflow_id, started_at);
