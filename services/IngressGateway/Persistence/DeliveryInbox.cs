using Dapper;
using Npgsql;

namespace Agentic.IngressGateway.Persistence;

/// <summary>The durable inbox of webhook deliveries, keyed by (source, delivery id).</summary>
public sealed class DeliveryInbox(NpgsqlDataSource dataSource)
{
    /// <summary>Records a delivery; false when this delivery id was accepted before.</summary>
    public async Task<bool> TryAcceptAsync(InboxDelivery delivery, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO webhook_deliveries (source, delivery_id, event, action, correlation_id, body, ignored)
            VALUES (@Source, @DeliveryId, @Event, @Action, @CorrelationId, @Body, @Ignored)
            ON CONFLICT (source, delivery_id) DO NOTHING
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, delivery, cancellationToken: cancellationToken)) == 1;
    }

    public async Task MarkPublishedAsync(string source, string deliveryId, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE webhook_deliveries SET published_at = now(), publish_attempts = publish_attempts + 1, last_error = NULL
            WHERE source = @source AND delivery_id = @deliveryId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { source, deliveryId }, cancellationToken: cancellationToken));
    }

    public async Task MarkFailedAsync(string source, string deliveryId, string error, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE webhook_deliveries SET publish_attempts = publish_attempts + 1, last_error = left(@error, 2000)
            WHERE source = @source AND delivery_id = @deliveryId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { source, deliveryId, error }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<InboxDelivery>> ListUnpublishedAsync(int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT source, delivery_id AS DeliveryId, event, action, correlation_id AS CorrelationId, body, ignored
            FROM webhook_deliveries
            WHERE published_at IS NULL AND NOT ignored
            ORDER BY received_at
            LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<InboxDelivery>(new CommandDefinition(sql, new { limit }, cancellationToken: cancellationToken))).ToList();
    }
}

public sealed record InboxDelivery(string Source, string DeliveryId, string Event, string? Action, Guid CorrelationId, byte[] Body, bool Ignored);
