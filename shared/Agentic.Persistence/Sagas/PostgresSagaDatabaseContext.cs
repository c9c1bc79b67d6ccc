using System.Reflection;
using System.Text.Json;
using Dapper;
using MassTransit;
using Npgsql;

namespace Agentic.Persistence.Sagas;

/// <summary>
/// One connection and one transaction for the handling of one message by one saga. Instances are loaded with
/// <c>SELECT ... FOR UPDATE</c>, so a second message for the same saga waits for the first to commit; updates also
/// check the <see cref="ISagaVersion.Version"/> column so that a lost update is an error, never silent.
/// </summary>
public sealed class PostgresSagaDatabaseContext<TSaga> : IAsyncDisposable
    where TSaga : class, ISaga
{
    private static readonly PropertyInfo? CurrentStateProperty =
        typeof(TSaga).GetProperty("CurrentState", BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var t } p && t == typeof(string) ? p : null;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly string _table;
    private readonly bool _owned;
    private bool _committed;

    /// <param name="owned">False when the transaction is the inbox/outbox's: then its owner commits and disposes it.</param>
    internal PostgresSagaDatabaseContext(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, bool owned = true)
    {
        _connection = connection;
        _transaction = transaction;
        _table = table;
        _owned = owned;
    }

    public async Task<TSaga?> LoadAsync(Guid correlationId, CancellationToken cancellationToken)
    {
        var sql = $"SELECT data::text FROM {_table} WHERE correlation_id = @correlationId FOR UPDATE";
        var json = await _connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql, new { correlationId }, _transaction, cancellationToken: cancellationToken));
        return json is null ? null : JsonSerializer.Deserialize<TSaga>(json, PostgresSagaJson.Options);
    }

    /// <summary>Inserts the instance unless one with its id exists; false when it did (another message created it first).</summary>
    public async Task<bool> TryInsertAsync(TSaga instance, CancellationToken cancellationToken)
    {
        var sql = $"""
            INSERT INTO {_table} (correlation_id, current_state, version, data)
            VALUES (@CorrelationId, @CurrentState, @Version, @Data::jsonb)
            ON CONFLICT (correlation_id) DO NOTHING
            """;
        SetVersion(instance, 1);
        return await _connection.ExecuteAsync(new CommandDefinition(sql, Row(instance), _transaction, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Inserts a new instance; a concurrent insert of the same id fails with a unique violation and the message is retried.</summary>
    public Task InsertAsync(TSaga instance, CancellationToken cancellationToken)
    {
        var sql = $"""
            INSERT INTO {_table} (correlation_id, current_state, version, data)
            VALUES (@CorrelationId, @CurrentState, @Version, @Data::jsonb)
            """;
        SetVersion(instance, 1);
        return _connection.ExecuteAsync(new CommandDefinition(sql, Row(instance), _transaction, cancellationToken: cancellationToken));
    }

    public async Task UpdateAsync(TSaga instance, CancellationToken cancellationToken)
    {
        var expected = instance is ISagaVersion versioned ? versioned.Version : 0;
        SetVersion(instance, expected + 1);
        var sql = $"""
            UPDATE {_table}
            SET current_state = @CurrentState, version = @Version, data = @Data::jsonb, updated_at = now()
            WHERE correlation_id = @CorrelationId AND (@Expected = 0 OR version = @Expected)
            """;
        var row = Row(instance);
        var updated = await _connection.ExecuteAsync(new CommandDefinition(sql, new { row.CorrelationId, row.CurrentState, row.Version, row.Data, Expected = expected }, _transaction, cancellationToken: cancellationToken));
        if (updated != 1)
        {
            throw new SagaException($"Saga {typeof(TSaga).Name} {instance.CorrelationId} was changed by someone else (expected version {expected}).", typeof(TSaga), instance.CorrelationId);
        }
    }

    public Task DeleteAsync(TSaga instance, CancellationToken cancellationToken)
    {
        var sql = $"DELETE FROM {_table} WHERE correlation_id = @CorrelationId";
        return _connection.ExecuteAsync(new CommandDefinition(sql, new { instance.CorrelationId }, _transaction, cancellationToken: cancellationToken));
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_owned)
        {
            await _transaction.CommitAsync(cancellationToken);
        }

        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_owned)
        {
            return;
        }

        if (!_committed)
        {
            await _transaction.RollbackAsync(CancellationToken.None);
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static void SetVersion(TSaga instance, int version)
    {
        if (instance is ISagaVersion versioned)
        {
            versioned.Version = version;
        }
    }

    private static SagaRow Row(TSaga instance) => new(
        instance.CorrelationId,
        CurrentStateProperty?.GetValue(instance) as string ?? string.Empty,
        instance is ISagaVersion versioned ? versioned.Version : 1,
        JsonSerializer.Serialize(instance, PostgresSagaJson.Options));

    private sealed record SagaRow(Guid CorrelationId, string CurrentState, int Version, string Data);
}
