-- An analysis keeps the reduced evidence and the files it names, so a redelivered request (or a cache hit on the
-- same reduced log) answers with the same verdict the LLM gave, files included, without fetching the log again.
ALTER TABLE analyses
    ADD COLUMN evidence text   NOT NULL DEFAULT '',
    ADD COLUMN files    text[] NOT NULL DEFAULT '{}';
