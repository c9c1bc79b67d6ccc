using Agentic.Persistence.Outbox;
using MassTransit;
using MassTransit.Saga;
using Npgsql;

namespace Agentic.Persistence.Sagas;

/// <summary>
/// MassTransit saga repository over Npgsql + Dapper: one connection and transaction per message, the instance row
/// locked with <c>SELECT ... FOR UPDATE</c> for the duration, committed after the state machine has run (with the
/// message's inbox and outbox rows when the endpoint uses <see cref="PostgresOutboxExtensions.UsePostgresOutbox"/>).
/// Sagas correlate by id only (<c>CorrelateById</c>): query correlation is refused with a clear error.
/// </summary>
public sealed class PostgresSagaRepositoryContextFactory<TSaga>(
    NpgsqlDataSource dataSource,
    PostgresSagaOptions<TSaga> options,
    ISagaConsumeContextFactory<PostgresSagaDatabaseContext<TSaga>, TSaga> factory)
    : ISagaRepositoryContextFactory<TSaga>, IQuerySagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        // On an endpoint with the inbox/outbox, the saga row is written in the transaction of the message's inbox and
        // outbox rows, which their owner commits; otherwise in a transaction of its own.
        await using var database = context.TryGetOutboxTransaction(out var connection, out var transaction)
            ? new PostgresSagaDatabaseContext<TSaga>(connection, transaction, options.TableName, owned: false)
            : await OpenAsync(context.CancellationToken);
        var repositoryContext = new PostgresSagaRepositoryContext<TSaga, T>(database, context, factory);
        await next.Send(repositoryContext);
        await database.CommitAsync(context.CancellationToken);
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw QueryNotSupported();

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteAsync(asyncMethod, cancellationToken);

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteAsync(asyncMethod, cancellationToken);

    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "postgresql");
        context.Add("table", options.TableName);
    }

    internal static NotSupportedException QueryNotSupported() =>
        new($"Saga {typeof(TSaga).Name}: the PostgreSQL saga repository correlates by CorrelationId only; use CorrelateById for every event.");

    private async Task<PostgresSagaDatabaseContext<TSaga>> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
            return new PostgresSagaDatabaseContext<TSaga>(connection, transaction, options.TableName);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<T> ExecuteAsync<T>(Func<PostgresSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken)
    {
        await using var database = await OpenAsync(cancellationToken);
        var result = await asyncMethod(new PostgresSagaRepositoryContext<TSaga>(database, cancellationToken));
        await database.CommitAsync(cancellationToken);
        return result;
    }
}
