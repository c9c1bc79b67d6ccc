using Dapper;
using MassTransit;
using MassTransit.Context;
using Npgsql;

namespace Agentic.Persistence.Outbox;

/// <summary>
/// The SQL of one service's inbox (<c>{owner}_outbox_inbox_states</c>) and outbox (<c>{owner}_outbox_messages</c>)
/// tables, always inside the caller's transaction. Each service that uses the outbox owns its own pair (migration 0017).
/// </summary>
public sealed class PostgresOutboxStore
{
    /// <summary>The services whose tables the migrations create.</summary>
    public static readonly IReadOnlySet<string> Owners = new HashSet<string>(StringComparer.Ordinal) { "result_processor", "check_analyzer", "pr_discovery" };

    private const string Returned = """
            message_id AS MessageId, consumer_id AS ConsumerId, receive_count AS ReceiveCount,
            consumed_at IS NOT NULL AS Consumed, delivered_at IS NOT NULL AS Delivered, last_sequence_number AS LastSequenceNumber
        """;

    private const string MessageColumns = """
        sequence_number AS SequenceNumber, message_id AS MessageId, inbox_message_id AS InboxMessageId, inbox_consumer_id AS InboxConsumerId,
        destination_address AS DestinationAddress, source_address AS SourceAddress, response_address AS ResponseAddress,
        fault_address AS FaultAddress, conversation_id AS ConversationId, correlation_id AS CorrelationId, initiator_id AS InitiatorId,
        request_id AS RequestId, content_type AS ContentType, message_type AS MessageType, body AS Body, headers AS HeadersJson,
        properties AS PropertiesJson, sent_time AS SentTime, enqueue_time AS EnqueueTime, expiration_time AS ExpirationTime
        """;

    private readonly string _lockUpsertSql;
    private readonly string _lockSelectSql;
    private readonly string _setConsumedSql;
    private readonly string _setDeliveredSql;
    private readonly string _setLastSequenceNumberSql;
    private readonly string _loadMessagesSql;
    private readonly string _removeMessagesSql;
    private readonly string _addMessageSql;
    private readonly string _lockUndeliveredSql;
    private readonly string _postponeSql;
    private readonly string _deleteExpiredSql;

    public PostgresOutboxStore(string owner)
    {
        if (!Owners.Contains(owner))
        {
            throw new ArgumentException($"The outbox owner must be one of {string.Join(", ", Owners.Order(StringComparer.Ordinal))}, not '{owner}'.", nameof(owner));
        }

        Owner = owner;
        var inbox = owner + "_outbox_inbox_states";
        var messages = owner + "_outbox_messages";

        // The statements are built once per owner: table names are not parameters.
        _lockUpsertSql = $"""
            INSERT INTO {inbox} (message_id, consumer_id, consumer_type, receive_count)
            VALUES (@messageId, @consumerId, @consumerType, 1)
            ON CONFLICT (message_id, consumer_id) DO UPDATE
                SET receive_count = {inbox}.receive_count + @increment
            RETURNING {Returned}
            """;
        _lockSelectSql = $"""
            SELECT {Returned} FROM {inbox} WHERE message_id = @messageId AND consumer_id = @consumerId FOR UPDATE
            """;
        _setConsumedSql = $"UPDATE {inbox} SET consumed_at = now() WHERE message_id = @MessageId AND consumer_id = @ConsumerId";
        _setDeliveredSql = $"""
            UPDATE {inbox} SET delivered_at = now(), last_sequence_number = @LastSequenceNumber, relay_after = NULL
            WHERE message_id = @MessageId AND consumer_id = @ConsumerId
            """;
        _setLastSequenceNumberSql = $"UPDATE {inbox} SET last_sequence_number = @LastSequenceNumber WHERE message_id = @MessageId AND consumer_id = @ConsumerId";
        _loadMessagesSql = $"""
            SELECT {MessageColumns} FROM {messages}
            WHERE inbox_message_id = @MessageId AND inbox_consumer_id = @ConsumerId AND sequence_number > coalesce(@LastSequenceNumber, 0)
            ORDER BY sequence_number
            LIMIT @limit
            """;
        _removeMessagesSql = $"DELETE FROM {messages} WHERE inbox_message_id = @MessageId AND inbox_consumer_id = @ConsumerId";
        _addMessageSql = $"""
            INSERT INTO {messages} (message_id, inbox_message_id, inbox_consumer_id, destination_address, source_address,
                response_address, fault_address, conversation_id, correlation_id, initiator_id, request_id, content_type,
                message_type, body, headers, properties, sent_time, enqueue_time, expiration_time)
            VALUES (@messageId, @inboxMessageId, @inboxConsumerId, @destinationAddress, @sourceAddress,
                @responseAddress, @faultAddress, @conversationId, @correlationId, @initiatorId, @requestId, @contentType,
                @messageType, @body, @headers, @properties, @sentTime, @enqueueTime, @expirationTime)
            """;
        _lockUndeliveredSql = $"""
            SELECT message_id AS MessageId, consumer_id AS ConsumerId, receive_count AS ReceiveCount, true AS Consumed, false AS Delivered,
                   last_sequence_number AS LastSequenceNumber, relay_attempts AS RelayAttempts
            FROM {inbox}
            WHERE consumed_at IS NOT NULL AND delivered_at IS NULL AND consumed_at < now() - @minAge
              AND (relay_after IS NULL OR relay_after <= now())
            ORDER BY consumed_at, message_id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """;
        _postponeSql = $"""
            UPDATE {inbox}
            SET relay_attempts = relay_attempts + 1, relay_after = now() + @delay, last_sequence_number = @LastSequenceNumber
            WHERE message_id = @MessageId AND consumer_id = @ConsumerId
            """;
        _deleteExpiredSql = $"""
            DELETE FROM {inbox}
            WHERE (delivered_at IS NOT NULL AND delivered_at < now() - @retention)
               OR (consumed_at IS NULL AND received_at < now() - @retention)
            """;
    }

    public string Owner { get; }

    /// <summary>
    /// Creates or locks (until the transaction ends) the inbox row of this message for this consumer. A later pass of the
    /// same receive only locks the row its first pass created (no new row version), unless the row is gone.
    /// </summary>
    internal async Task<InboxState> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid messageId, Guid consumerId, string consumerType, bool countReceive, CancellationToken cancellationToken)
    {
        var parameters = new { messageId, consumerId, consumerType, increment = countReceive ? 1 : 0 };
        if (!countReceive
            && await connection.QuerySingleOrDefaultAsync<InboxState>(new CommandDefinition(_lockSelectSql, parameters, transaction, cancellationToken: cancellationToken)) is { } locked)
        {
            return locked;
        }

        return await connection.QuerySingleAsync<InboxState>(new CommandDefinition(_lockUpsertSql, parameters, transaction, cancellationToken: cancellationToken));
    }

    internal Task SetConsumedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, CancellationToken cancellationToken)
    {
        return connection.ExecuteAsync(new CommandDefinition(_setConsumedSql, state, transaction, cancellationToken: cancellationToken));
    }

    internal Task SetDeliveredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, CancellationToken cancellationToken)
    {
        return connection.ExecuteAsync(new CommandDefinition(_setDeliveredSql, state, transaction, cancellationToken: cancellationToken));
    }

    internal Task SetLastSequenceNumberAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, CancellationToken cancellationToken)
    {
        return connection.ExecuteAsync(new CommandDefinition(_setLastSequenceNumberSql, state, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The messages not yet sent, oldest first: at most <paramref name="limit"/> (one more tells the caller there are more).</summary>
    internal async Task<List<PostgresOutboxMessage>> LoadMessagesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, int limit, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<PostgresOutboxMessage>(new CommandDefinition(_loadMessagesSql, new
        {
            state.MessageId,
            state.ConsumerId,
            state.LastSequenceNumber,
            limit,
        }, transaction, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    internal Task RemoveMessagesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, CancellationToken cancellationToken)
    {
        return connection.ExecuteAsync(new CommandDefinition(_removeMessagesSql, state, transaction, cancellationToken: cancellationToken));
    }

    internal async Task AddMessageAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, SendContext<T> context, SerializerContext serializer, CancellationToken cancellationToken)
        where T : class
    {
        var messageId = context.MessageId ?? throw new MessageException(typeof(T), "The outbox needs the SendContext's MessageId.");
        var now = DateTime.UtcNow;
        string? properties = null;
        if (context is TransportSendContext<T> transportSendContext)
        {
            var values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transportSendContext.WritePropertiesTo(values);
            properties = serializer.SerializeDictionary(values);
        }

        await connection.ExecuteAsync(new CommandDefinition(_addMessageSql, new
        {
            messageId,
            inboxMessageId = state.MessageId,
            inboxConsumerId = state.ConsumerId,
            destinationAddress = context.DestinationAddress?.ToString(),
            sourceAddress = context.SourceAddress?.ToString(),
            responseAddress = context.ResponseAddress?.ToString(),
            faultAddress = context.FaultAddress?.ToString(),
            conversationId = context.ConversationId,
            correlationId = context.CorrelationId,
            initiatorId = context.InitiatorId,
            requestId = context.RequestId,
            contentType = context.ContentType?.ToString() ?? context.Serialization.DefaultContentType.ToString(),
            messageType = string.Join(";", context.SupportedMessageTypes),
            body = context.Serializer.GetMessageBody(context).GetString(),
            headers = serializer.SerializeDictionary(context.Headers.GetAll()),
            properties,
            sentTime = context.SentTime ?? now,
            enqueueTime = context.Delay is { } delay ? now + delay : (DateTime?)null,
            expirationTime = context.TimeToLive is { } ttl ? now + ttl : (DateTime?)null,
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Locks the oldest inbox row whose outbox a crash left undelivered (skipping rows a handler holds), if any.</summary>
    internal Task<InboxState?> LockUndeliveredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan minAge, CancellationToken cancellationToken)
    {
        return connection.QuerySingleOrDefaultAsync<InboxState?>(new CommandDefinition(_lockUndeliveredSql, new { minAge }, transaction, cancellationToken: cancellationToken));
    }

    internal Task PostponeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, TimeSpan delay, CancellationToken cancellationToken)
    {
        return connection.ExecuteAsync(new CommandDefinition(_postponeSql, new { state.MessageId, state.ConsumerId, state.LastSequenceNumber, delay }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Forgets inbox rows older than the retention: delivered ones, and ones never consumed (their message went to an error queue).</summary>
    internal async Task<int> DeleteExpiredAsync(NpgsqlDataSource dataSource, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(_deleteExpiredSql, new { retention }, cancellationToken: cancellationToken));
    }
}

/// <summary>One message's inbox row for one consumer.</summary>
internal sealed class InboxState
{
    public Guid MessageId { get; init; }

    public Guid ConsumerId { get; init; }

    public int ReceiveCount { get; init; }

    public bool Consumed { get; set; }

    public bool Delivered { get; set; }

    public long? LastSequenceNumber { get; set; }

    public int RelayAttempts { get; init; }
}
