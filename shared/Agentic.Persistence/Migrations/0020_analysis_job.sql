-- Where the failed check ran in CI (workflow file, job, failed step and its command), stored with the verdict so a
-- redelivered request re-publishes it too. The Check Analyzer writes and reads it whole (a CiJobReference as JSON);
-- nothing filters on it. Null when unknown (not GitHub Actions, or the job and run could not be read).
ALTER TABLE analyses ADD COLUMN job jsonb;
