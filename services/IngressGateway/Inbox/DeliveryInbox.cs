using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Agentic.IngressGateway.Inbox;

/// <summary>SQL over <c>webhook_deliveries</c>, the durable inbox keyed by (source, delivery id), and <c>webhook_outbox</c>, the deliveries whose event the broker has not confirmed yet.</summary>
public sealed class DeliveryInbox(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Inserts a batch in one statement (one transaction, one commit) and says, per delivery in order, whether it was
    /// new, a duplicate (its key recorded before, or earlier in the batch) or refused. A row PostgreSQL refuses (a data
    /// error such as <c>\0</c> in a text column, a value over an index row) must not fail its neighbours: the batch is
    /// then written one delivery at a time and only the refused ones answer <see cref="InsertResult.Rejected"/>.
    /// Any other failure (the database unreachable) throws.
    /// </summary>
    public async Task<IReadOnlyList<InsertResult>> InsertBatchAsync(IReadOnlyList<InboxDelivery> batch, CancellationToken cancellationToken)
    {
        HashSet<(string, string)> inserted;
        try
        {
            inserted = await InsertAllAsync(batch, cancellationToken);
        }
        catch (PostgresException ex) when (IsRefusedRow(ex))
        {
            if (batch.Count == 1)
            {
                return [InsertResult.Rejected($"PostgreSQL refused to store it: {ex.MessageText}")];
            }

            var results = new List<InsertResult>(batch.Count);
            foreach (var delivery in batch)
            {
                results.Add((await InsertBatchAsync([delivery], cancellationToken))[0]);
            }

            return results;
        }

        // A key twice in one batch: the first occurrence is the new one, the next ones are duplicates.
        return batch.Select(d => inserted.Remove((d.Source, d.DeliveryId)) ? InsertResult.New : InsertResult.Duplicate).ToList();
    }

    // Data exceptions (22: invalid byte sequence, string too long ...), integrity (23) and program limits (54: index row
    // too large) are about the row; connection, resource and server failures are not.
    private static bool IsRefusedRow(PostgresException ex) => ex.SqlState.StartsWith("22", StringComparison.Ordinal) ||
        ex.SqlState.StartsWith("23", StringComparison.Ordinal) || ex.SqlState.StartsWith("54", StringComparison.Ordinal);

    private async Task<HashSet<(string Source, string DeliveryId)>> InsertAllAsync(IReadOnlyList<InboxDelivery> batch, CancellationToken cancellationToken)
    {
        // New deliveries with an event to publish also get an outbox row, in the same statement and commit.
        const string sql = """
            WITH inserted AS (
                INSERT INTO webhook_deliveries (source, delivery_id, event, action, correlation_id, body, ignored, reason, malformed, raw_sha256)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::bytea[], $7::boolean[], $8::text[], $9::boolean[], $10::bytea[])
                ON CONFLICT (source, delivery_id) DO NOTHING
                RETURNING source, delivery_id, ignored, received_at
            ), queued AS (
                INSERT INTO webhook_outbox (source, delivery_id, received_at)
                SELECT source, delivery_id, received_at FROM inserted WHERE NOT ignored
            )
            SELECT source, delivery_id FROM inserted
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(d => d.Source).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(d => d.DeliveryId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(d => d.Event).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = batch.Select(d => d.Action).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = batch.Select(d => d.CorrelationId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = batch.Select(d => d.Body).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = batch.Select(d => d.Ignored).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = batch.Select(d => d.Reason).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = batch.Select(d => d.Malformed).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<byte[]?[]> { TypedValue = batch.Select(d => d.RawSha256).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });

        var inserted = new HashSet<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted.Add((reader.GetString(0), reader.GetString(1)));
        }

        return inserted;
    }

    public async Task MarkPublishedAsync(IReadOnlyList<(string Source, string DeliveryId)> keys, CancellationToken cancellationToken)
    {
        const string sql = """
            DELETE FROM webhook_outbox o
            USING unnest(@sources::text[], @ids::text[]) AS k(source, delivery_id)
            WHERE o.source = k.source AND o.delivery_id = k.delivery_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            sources = keys.Select(k => k.Source).ToArray(),
            ids = keys.Select(k => k.DeliveryId).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    public async Task<InboxDelivery?> GetAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT source, delivery_id AS DeliveryId, event, action, correlation_id AS CorrelationId, body, ignored
            FROM webhook_deliveries WHERE source = @source AND delivery_id = @deliveryId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<InboxDelivery>(new CommandDefinition(sql, new { source, deliveryId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<DeliverySummary>> ListRecentAsync(string? source, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT d.source, d.delivery_id AS DeliveryId, d.event, d.action, d.correlation_id AS CorrelationId, octet_length(d.body) AS BodyBytes,
                   d.ignored, d.received_at AS ReceivedAt, (NOT d.ignored AND o.delivery_id IS NULL) AS Published,
                   CASE WHEN d.malformed THEN 'malformed' WHEN d.ignored THEN 'ignored' WHEN o.delivery_id IS NULL THEN 'published' ELSE 'queued' END AS Status,
                   d.reason, encode(d.raw_sha256, 'hex') AS RawSha256
            FROM webhook_deliveries d
            LEFT JOIN webhook_outbox o ON o.source = d.source AND o.delivery_id = d.delivery_id
            WHERE @source::text IS NULL OR d.source = @source
            ORDER BY d.received_at DESC
            LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<DeliverySummary>(new CommandDefinition(sql, new { source, limit }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// Runs <paramref name="relay"/> over the oldest unpublished deliveries, locked (SKIP LOCKED, so several gateway
    /// instances share the work) until the transaction ends; the ones it returns are marked published.
    /// </summary>
    public async Task<int> RelayUnpublishedAsync(
        TimeSpan minAge, int limit, Func<IReadOnlyList<InboxDelivery>, Task<IReadOnlyList<InboxDelivery>>> relay, CancellationToken cancellationToken)
    {
        const string select = """
            SELECT d.source, d.delivery_id AS DeliveryId, d.event, d.action, d.correlation_id AS CorrelationId, d.body, d.ignored
            FROM webhook_outbox o
            JOIN webhook_deliveries d ON d.source = o.source AND d.delivery_id = o.delivery_id
            WHERE o.received_at < now() - @minAge
            ORDER BY o.received_at
            LIMIT @limit
            FOR UPDATE OF o SKIP LOCKED
            """;
        const string mark = """
            DELETE FROM webhook_outbox o
            USING unnest(@sources::text[], @ids::text[]) AS k(source, delivery_id)
            WHERE o.source = k.source AND o.delivery_id = k.delivery_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = (await connection.QueryAsync<InboxDelivery>(new CommandDefinition(select, new { minAge, limit }, transaction, cancellationToken: cancellationToken))).ToList();
        if (pending.Count == 0)
        {
            return 0;
        }

        var published = await relay(pending);
        await connection.ExecuteAsync(new CommandDefinition(mark, new
        {
            sources = published.Select(d => d.Source).ToArray(),
            ids = published.Select(d => d.DeliveryId).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return published.Count;
    }
}
