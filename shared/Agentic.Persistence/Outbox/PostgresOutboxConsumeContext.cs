using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Npgsql;

namespace Agentic.Persistence.Outbox;

/// <summary>
/// One pass of MassTransit's outbox pipe (<see cref="OutboxMessagePipe{TMessage}"/>) over one transaction: what the
/// consumer sends or publishes becomes outbox rows, and the inbox row says whether the message was
/// consumed and its outbox delivered.
/// </summary>
internal sealed class PostgresOutboxConsumeContext<TMessage> : OutboxConsumeContextProxy<TMessage>
    where TMessage : class
{
    private readonly PostgresOutboxStore _store;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly InboxState _state;
    private readonly int _deliveryLimit;

    public PostgresOutboxConsumeContext(
        ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
        PostgresOutboxStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state)
        : base(context, options, provider)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _state = state;
        _deliveryLimit = options.MessageDeliveryLimit;
    }

    public override bool ContinueProcessing { get; set; } = true;

    public override bool IsMessageConsumed => _state.Consumed;

    public override bool IsOutboxDelivered => _state.Delivered;

    public override int ReceiveCount => _state.ReceiveCount;

    public override long? LastSequenceNumber => _state.LastSequenceNumber;

    /// <summary>Whether this pass wrote outbox rows (for the test-only crash hook).</summary>
    public int Added { get; private set; }

    public override async Task SetConsumed()
    {
        await _store.SetConsumedAsync(_connection, _transaction, _state, CancellationToken);
        _state.Consumed = true;
    }

    public override async Task SetDelivered()
    {
        await _store.SetDeliveredAsync(_connection, _transaction, _state, CancellationToken);
        _state.Delivered = true;
    }

    public override async Task<List<OutboxMessageContext>> LoadOutboxMessages()
    {
        // One more than a pass sends: the pipe marks the outbox delivered only when it saw fewer than its limit.
        var messages = await _store.LoadMessagesAsync(_connection, _transaction, _state, _deliveryLimit + 1, CancellationToken);
        foreach (var message in messages)
        {
            message.Deserialize(SerializerContext);
        }

        return messages.ConvertAll(message => (OutboxMessageContext)message);
    }

    /// <summary>
    /// Kept in memory: the pass's transaction writes it once, with the delivered mark or, for a pass stopped at its
    /// limit, before its commit (a row per message would change nothing, since a failed pass rolls back as a whole).
    /// </summary>
    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message)
    {
        _state.LastSequenceNumber = message.SequenceNumber;
        return Task.CompletedTask;
    }

    public override Task RemoveOutboxMessages() => _store.RemoveMessagesAsync(_connection, _transaction, _state, CancellationToken);

    public override async Task AddSend<T>(SendContext<T> context)
    {
        await _store.AddMessageAsync(_connection, _transaction, _state, context, SerializerContext, CancellationToken);
        Added++;
    }
}
