using Npgsql;

namespace Agentic.Persistence.Outbox;

/// <summary>
/// The connection and transaction in which the inbox row and the outbox rows of the message being consumed are written,
/// available to the consumer (and to the saga repository) as a payload of its <c>ConsumeContext</c>: what the consumer
/// writes there commits, or rolls back, with them.
/// </summary>
public sealed class PostgresOutboxTransaction
{
    public NpgsqlConnection? Connection { get; private set; }

    public NpgsqlTransaction? Transaction { get; private set; }

    internal void Enter(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    internal void Leave()
    {
        Connection = null;
        Transaction = null;
    }
}
