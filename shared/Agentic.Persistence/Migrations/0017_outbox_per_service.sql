-- One inbox/outbox pair per service (each table has one owner): the Result Processor's saga and consumers, the Check
-- Analyzer's and PR Discovery's consumers each get {owner}_outbox_inbox_states and {owner}_outbox_messages, shaped
-- like 0015's shared pair. Rows the shared pair still holds (an outbox a crash left undelivered, inbox rows within their
-- retention) move to their owner by the consumer's type; then the shared pair is dropped.

CREATE TABLE result_processor_outbox_inbox_states (LIKE outbox_inbox_states INCLUDING ALL);
CREATE TABLE result_processor_outbox_messages (LIKE outbox_messages INCLUDING ALL);
ALTER TABLE result_processor_outbox_messages ADD FOREIGN KEY (inbox_message_id, inbox_consumer_id)
    REFERENCES result_processor_outbox_inbox_states (message_id, consumer_id) ON DELETE CASCADE;
INSERT INTO result_processor_outbox_inbox_states SELECT * FROM outbox_inbox_states WHERE consumer_type LIKE 'Agentic.ResultProcessor.%';
INSERT INTO result_processor_outbox_messages OVERRIDING SYSTEM VALUE
    SELECT m.* FROM outbox_messages m
    JOIN outbox_inbox_states s ON s.message_id = m.inbox_message_id AND s.consumer_id = m.inbox_consumer_id
    WHERE s.consumer_type LIKE 'Agentic.ResultProcessor.%';
SELECT setval(pg_get_serial_sequence('result_processor_outbox_messages', 'sequence_number'),
    (SELECT coalesce(max(sequence_number), 0) + 1 FROM result_processor_outbox_messages), false);

CREATE TABLE check_analyzer_outbox_inbox_states (LIKE outbox_inbox_states INCLUDING ALL);
CREATE TABLE check_analyzer_outbox_messages (LIKE outbox_messages INCLUDING ALL);
ALTER TABLE check_analyzer_outbox_messages ADD FOREIGN KEY (inbox_message_id, inbox_consumer_id)
    REFERENCES check_analyzer_outbox_inbox_states (message_id, consumer_id) ON DELETE CASCADE;
INSERT INTO check_analyzer_outbox_inbox_states SELECT * FROM outbox_inbox_states WHERE consumer_type LIKE 'Agentic.CheckAnalyzer.%';
INSERT INTO check_analyzer_outbox_messages OVERRIDING SYSTEM VALUE
    SELECT m.* FROM outbox_messages m
    JOIN outbox_inbox_states s ON s.message_id = m.inbox_message_id AND s.consumer_id = m.inbox_consumer_id
    WHERE s.consumer_type LIKE 'Agentic.CheckAnalyzer.%';
SELECT setval(pg_get_serial_sequence('check_analyzer_outbox_messages', 'sequence_number'),
    (SELECT coalesce(max(sequence_number), 0) + 1 FROM check_analyzer_outbox_messages), false);

CREATE TABLE pr_discovery_outbox_inbox_states (LIKE outbox_inbox_states INCLUDING ALL);
CREATE TABLE pr_discovery_outbox_messages (LIKE outbox_messages INCLUDING ALL);
ALTER TABLE pr_discovery_outbox_messages ADD FOREIGN KEY (inbox_message_id, inbox_consumer_id)
    REFERENCES pr_discovery_outbox_inbox_states (message_id, consumer_id) ON DELETE CASCADE;
INSERT INTO pr_discovery_outbox_inbox_states SELECT * FROM outbox_inbox_states WHERE consumer_type LIKE 'Agentic.PullRequestDiscovery.%';
INSERT INTO pr_discovery_outbox_messages OVERRIDING SYSTEM VALUE
    SELECT m.* FROM outbox_messages m
    JOIN outbox_inbox_states s ON s.message_id = m.inbox_message_id AND s.consumer_id = m.inbox_consumer_id
    WHERE s.consumer_type LIKE 'Agentic.PullRequestDiscovery.%';
SELECT setval(pg_get_serial_sequence('pr_discovery_outbox_messages', 'sequence_number'),
    (SELECT coalesce(max(sequence_number), 0) + 1 FROM pr_discovery_outbox_messages), false);

DROP TABLE outbox_messages;
DROP TABLE outbox_inbox_states;
