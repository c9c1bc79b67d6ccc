using System.Globalization;
using System.Text;
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

    private const string InsertColumns = """
        message_id, inbox_message_id, inbox_consumer_id, destination_address, source_address, response_address, fault_address,
        conversation_id, correlation_id, initiator_id, request_id, content_type, message_type, body, headers, properties,
        sent_time, enqueue_time, expiration_time
        """;

    /// <summary>Prepended to the writes of a pass after the consume: their commit need not wait for the disk (see <see cref="PostgresOutboxContextFactory"/>).</summary>
    private const string Relaxed = "SET LOCAL synchronous_commit TO OFF;\n";

    private readonly string _lockUpsertSql;
    private readonly string _lockSelectSql;
    private readonly string _setConsumedSql;
    private readonly string _setDeliveredSql;
    private readonly string _setLastSequenceNumberSql;
    private readonly string _loadMessagesSql;
    private readonly string _removeMessagesSql;
    private readonly string _deliverAndRemoveSql;
    private readonly string _addMessagesSql;
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
        _deliverAndRemoveSql = $"""
            WITH delivered AS ({_setDeliveredSql})
            DELETE FROM {messages} WHERE inbox_message_id = @MessageId AND inbox_consumer_id = @ConsumerId
            """;
        // The consumed mark and every row the consumer sent, in one statement; the rows' VALUES lists follow.
        _addMessagesSql = $"""
            WITH consumed AS ({_setConsumedSql})
            INSERT INTO {messages} ({InsertColumns})
            VALUES
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

    /// <summary>
    /// Marks the message consumed and writes the messages its consumer sent, in one statement: the sent messages come
    /// back with their sequence numbers, in the order they were sent, for the delivery right after the commit.
    /// </summary>
    internal async Task<List<PostgresOutboxMessage>> SetConsumedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, IReadOnlyList<PostgresOutboxMessage> sent, CancellationToken cancellationToken)
    {
        if (sent.Count == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(_setConsumedSql, state, transaction, cancellationToken: cancellationToken));
            return [];
        }

        var sql = new StringBuilder(_addMessagesSql);
        var parameters = new DynamicParameters(new { state.MessageId, state.ConsumerId });
        for (var i = 0; i < sent.Count; i++)
        {
            var m = sent[i];
            var p = string.Create(CultureInfo.InvariantCulture, $"@m{i}_");
            sql.Append(i == 0 ? "(" : ",\n(")
                .Append(CultureInfo.InvariantCulture, $"{p}id, @MessageId, @ConsumerId, {p}destination, {p}source, {p}response, {p}fault, ")
                .Append(CultureInfo.InvariantCulture, $"{p}conversation, {p}correlation, {p}initiator, {p}request, {p}contentType, {p}messageType, {p}body, {p}headers, {p}properties, ")
                .Append(CultureInfo.InvariantCulture, $"{p}sent, {p}enqueue, {p}expiration)");
            p = p[1..];
            parameters.Add(p + "id", m.MessageId);
            parameters.Add(p + "destination", m.DestinationAddress);
            parameters.Add(p + "source", m.SourceAddress);
            parameters.Add(p + "response", m.ResponseAddress);
            parameters.Add(p + "fault", m.FaultAddress);
            parameters.Add(p + "conversation", m.ConversationId);
            parameters.Add(p + "correlation", m.CorrelationId);
            parameters.Add(p + "initiator", m.InitiatorId);
            parameters.Add(p + "request", m.RequestId);
            parameters.Add(p + "contentType", m.ContentType);
            parameters.Add(p + "messageType", m.MessageType);
            parameters.Add(p + "body", m.Body);
            parameters.Add(p + "headers", m.HeadersJson);
            parameters.Add(p + "properties", m.PropertiesJson);
            parameters.Add(p + "sent", m.SentTime);
            parameters.Add(p + "enqueue", m.EnqueueTime);
            parameters.Add(p + "expiration", m.ExpirationTime);
        }

        sql.Append("\nRETURNING message_id, sequence_number");
        var numbers = (await connection.QueryAsync<(Guid MessageId, long SequenceNumber)>(
            new CommandDefinition(sql.ToString(), parameters, transaction, cancellationToken: cancellationToken))).ToDictionary(r => r.MessageId, r => r.SequenceNumber);
        return sent.Select(m => m.WithSequenceNumber(numbers[m.MessageId])).OrderBy(m => m.SequenceNumber).ToList();
    }

    internal Task SetDeliveredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, bool relaxed, CancellationToken cancellationToken)
    {
        state.DeliveredUnwritten = false;
        return connection.ExecuteAsync(new CommandDefinition(relaxed ? Relaxed + _setDeliveredSql : _setDeliveredSql, state, transaction, cancellationToken: cancellationToken));
    }

    internal Task SetLastSequenceNumberAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, bool relaxed, CancellationToken cancellationToken)
    {
        return connection.ExecuteAsync(new CommandDefinition(relaxed ? Relaxed + _setLastSequenceNumberSql : _setLastSequenceNumberSql, state, transaction, cancellationToken: cancellationToken));
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

    /// <summary>Removes the delivered outbox rows; a delivered mark not yet written is written by the same statement.</summary>
    internal Task RemoveMessagesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state, bool relaxed, CancellationToken cancellationToken)
    {
        var sql = state.DeliveredUnwritten ? _deliverAndRemoveSql : _removeMessagesSql;
        state.DeliveredUnwritten = false;
        return connection.ExecuteAsync(new CommandDefinition(relaxed ? Relaxed + sql : sql, state, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>What the consumer sent, as its outbox row will hold it (written with the consumed mark, <see cref="SetConsumedAsync"/>).</summary>
    internal static PostgresOutboxMessage Capture<T>(InboxState state, SendContext<T> context, SerializerContext serializer)
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

        return new PostgresOutboxMessage
        {
            MessageId = messageId,
            InboxMessageId = state.MessageId,
            InboxConsumerId = state.ConsumerId,
            DestinationAddress = context.DestinationAddress?.ToString(),
            SourceAddress = context.SourceAddress?.ToString(),
            ResponseAddress = context.ResponseAddress?.ToString(),
            FaultAddress = context.FaultAddress?.ToString(),
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            ContentType = context.ContentType?.ToString() ?? context.Serialization.DefaultContentType.ToString(),
            MessageType = string.Join(";", context.SupportedMessageTypes),
            Body = context.Serializer.GetMessageBody(context).GetString(),
            HeadersJson = serializer.SerializeDictionary(context.Headers.GetAll()),
            PropertiesJson = properties,
            SentTime = context.SentTime ?? now,
            EnqueueTime = context.Delay is { } delay ? now + delay : null,
            ExpirationTime = context.TimeToLive is { } ttl ? now + ttl : null,
        };
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

    /// <summary>Marked delivered in memory, to be written with the removal (or before the commit): one statement fewer.</summary>
    public bool DeliveredUnwritten { get; set; }
}
