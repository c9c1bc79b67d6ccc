-- Never written: an attempt's history is its command_executions row (command, arguments, outcome, patch, validation
-- evidence, timing) plus the saga's attempt count, and every consumer is idempotent by a natural key (delivery id,
-- claim row, saga state, report sequence) rather than by a processed-message log.
DROP TABLE fix_attempts;
DROP TABLE processed_messages;
