-- The Notifier remembers what it created at the destination (the GitHub comment id is external_id, the
-- agentic/fix check run id here) and which report sequence it last delivered.
ALTER TABLE notifications
    ADD COLUMN check_run_id bigint,
    ADD COLUMN delivered_sequence integer NOT NULL DEFAULT 0;
