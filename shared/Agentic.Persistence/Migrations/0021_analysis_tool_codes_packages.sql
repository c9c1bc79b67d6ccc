-- The verdict's tool (a format or lint failure's fixer, a dependency failure's package manager), the codes it reported
-- and the packages it could not resolve, stored with the verdict so a redelivered request re-publishes them too (the
-- Command Dispatcher picks its command and registry lookup by them). The Check Analyzer writes and reads them; nothing
-- filters on them. Tool is null and the arrays empty when the classification named none (rows older than this too).
ALTER TABLE analyses
    ADD COLUMN tool text,
    ADD COLUMN codes text[] NOT NULL DEFAULT '{}',
    ADD COLUMN packages text[] NOT NULL DEFAULT '{}';
