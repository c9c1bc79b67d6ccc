-- Transactional inbox and outbox for consumers and sagas (MassTransit's outbox middleware over our own tables).
-- One inbox row per (message, consumer): written in the same transaction as the consumer's or saga's own writes, so a
-- message already consumed is acknowledged without running again. The messages a consumer sends or publishes while
-- handling it are rows of outbox_messages in that same transaction; they go to the broker after the commit, and a
-- relay delivers whatever a crash left behind. message_id is the MassTransit MessageId the message is delivered with.
CREATE TABLE outbox_inbox_states (
    message_id           uuid        NOT NULL,
    consumer_id          uuid        NOT NULL,
    consumer_type        text        NOT NULL,
    received_at          timestamptz NOT NULL DEFAULT now(),
    receive_count        integer     NOT NULL DEFAULT 0,
    consumed_at          timestamptz NULL,
    delivered_at         timestamptz NULL,
    last_sequence_number bigint      NULL,
    relay_attempts       integer     NOT NULL DEFAULT 0,
    relay_after          timestamptz NULL,
    PRIMARY KEY (message_id, consumer_id)
);

-- The relay's work: consumed, not yet delivered.
CREATE INDEX outbox_inbox_states_undelivered ON outbox_inbox_states (consumed_at)
    WHERE consumed_at IS NOT NULL AND delivered_at IS NULL;
-- The retention sweep.
CREATE INDEX outbox_inbox_states_delivered ON outbox_inbox_states (delivered_at) WHERE delivered_at IS NOT NULL;

CREATE TABLE outbox_messages (
    sequence_number     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id          uuid        NOT NULL UNIQUE,
    inbox_message_id    uuid        NOT NULL,
    inbox_consumer_id   uuid        NOT NULL,
    destination_address text        NULL,
    source_address      text        NULL,
    response_address    text        NULL,
    fault_address       text        NULL,
    conversation_id     uuid        NULL,
    correlation_id      uuid        NULL,
    initiator_id        uuid        NULL,
    request_id          uuid        NULL,
    content_type        text        NOT NULL,
    message_type        text        NOT NULL,
    body                text        NOT NULL,
    headers             text        NULL,
    properties          text        NULL,
    sent_time           timestamptz NOT NULL,
    enqueue_time        timestamptz NULL,
    expiration_time     timestamptz NULL,
    FOREIGN KEY (inbox_message_id, inbox_consumer_id) REFERENCES outbox_inbox_states (message_id, consumer_id) ON DELETE CASCADE
);

CREATE INDEX outbox_messages_inbox ON outbox_messages (inbox_message_id, inbox_consumer_id, sequence_number);
