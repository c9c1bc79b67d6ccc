-- The LLM verdict cache is scoped to one installation and repository: a log hash alone let a repository receive a
-- verdict (root cause, files) written from another repository's log, possibly steered by that repository's content.
-- Rows written before have no scope and are never reused as a cache entry (they still answer their own workflow).
ALTER TABLE analyses
    ADD COLUMN installation_id bigint,
    ADD COLUMN repository_id   bigint;

DROP INDEX analyses_log_hash;
CREATE INDEX analyses_llm_cache ON analyses (installation_id, repository_id, log_hash, created_at DESC) WHERE llm_calls > 0;
