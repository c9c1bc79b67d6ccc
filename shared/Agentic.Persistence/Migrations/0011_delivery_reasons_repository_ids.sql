-- Version 11: why a delivery published nothing, and repositories keyed by GitHub's id alone.

-- The gateway records every signed delivery it can key: 'reason' says why nothing was published (an event nobody
-- uses, a command inside a code block, an author who may not ask for a fix, a malformed payload). 'raw_sha256' is
-- the hash of the bytes as received when 'body' is a cleaned copy (invalid UTF-8, lone surrogates or \u0000 replaced
-- with U+FFFD so that every reader can parse it).
ALTER TABLE webhook_deliveries
    ADD COLUMN reason text,
    ADD COLUMN malformed boolean NOT NULL DEFAULT false,
    ADD COLUMN raw_sha256 bytea;

-- A repository is its GitHub id: deleted and re-created, renamed or transferred, it may come back under a name another
-- id held. The name belongs to the id GitHub last gave it to; an older holder keeps its row (history refers to it)
-- with the name released, and reconciliation no longer walks it.
ALTER TABLE repositories DROP CONSTRAINT repositories_owner_name_key;
ALTER TABLE repositories ADD COLUMN name_released_at timestamptz;
-- Names differing only in case were two rows before; GitHub's names are case-insensitive: the latest holder keeps it.
UPDATE repositories r SET name_released_at = now()
WHERE EXISTS (
    SELECT 1 FROM repositories o
    WHERE lower(o.owner) = lower(r.owner) AND lower(o.name) = lower(r.name)
      AND (o.updated_at, o.id) > (r.updated_at, r.id));
CREATE UNIQUE INDEX repositories_current_name ON repositories (lower(owner), lower(name)) WHERE name_released_at IS NULL;
