using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Npgsql;

namespace Agentic.Persistence.Outbox;

/// <summary>
/// One pass of MassTransit's outbox pipe (<see cref="OutboxMessagePipe{TMessage}"/>) over one transaction: what the
/// consumer sends or publishes becomes outbox rows, and the inbox row says whether the message was
/// consumed and its outbox delivered. What the consumer sends is kept in memory and written with the consumed mark, and
/// the delivery pass of the same receive sends those messages without reading them back.
/// </summary>
internal sealed class PostgresOutboxConsumeContext<TMessage> : OutboxConsumeContextProxy<TMessage>
    where TMessage : class
{
    private readonly PostgresOutboxStore _store;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly InboxState _state;
    private readonly int _deliveryLimit;
    private readonly bool _relaxed;
    private readonly IReadOnlyList<PostgresOutboxMessage>? _written;
    private readonly List<PostgresOutboxMessage> _sent = [];

    /// <param name="relaxed">A pass after the consume's transaction: its writes commit without waiting for the disk.</param>
    /// <param name="written">The outbox rows this receive's consume wrote (null when it did not run in this receive: they are read).</param>
    public PostgresOutboxConsumeContext(
        ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
        PostgresOutboxStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, InboxState state,
        bool relaxed, IReadOnlyList<PostgresOutboxMessage>? written)
        : base(context, options, provider)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _state = state;
        _deliveryLimit = options.MessageDeliveryLimit;
        _relaxed = relaxed;
        _written = written;
    }

    public override bool ContinueProcessing { get; set; } = true;

    public override bool IsMessageConsumed => _state.Consumed;

    public override bool IsOutboxDelivered => _state.Delivered;

    public override int ReceiveCount => _state.ReceiveCount;

    public override long? LastSequenceNumber => _state.LastSequenceNumber;

    /// <summary>How many outbox rows this pass wrote (for the test-only crash hook).</summary>
    public int Added => Written?.Count ?? 0;

    /// <summary>The outbox rows the consume of this pass wrote, with their sequence numbers (null if it consumed nothing).</summary>
    public List<PostgresOutboxMessage>? Written { get; private set; }

    public override async Task SetConsumed()
    {
        Written = await _store.SetConsumedAsync(_connection, _transaction, _state, _sent, CancellationToken);
        _state.Consumed = true;
    }

    /// <summary>Written with the removal that follows in the same transaction (or by the factory before its commit).</summary>
    public override Task SetDelivered()
    {
        _state.Delivered = true;
        _state.DeliveredUnwritten = true;
        return Task.CompletedTask;
    }

    public override async Task<List<OutboxMessageContext>> LoadOutboxMessages()
    {
        // One more than a pass sends: the pipe marks the outbox delivered only when it saw fewer than its limit. The rows
        // this receive wrote are not read back: under the inbox row's lock, the unsent ones are exactly those after
        // LastSequenceNumber (a delivery by another handler or the relay marks the row delivered in the same transaction).
        var messages = _written is null
            ? await _store.LoadMessagesAsync(_connection, _transaction, _state, _deliveryLimit + 1, CancellationToken)
            : _written.Where(m => m.SequenceNumber > (_state.LastSequenceNumber ?? 0)).Take(_deliveryLimit + 1).ToList();
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

    public override Task RemoveOutboxMessages() => _store.RemoveMessagesAsync(_connection, _transaction, _state, _relaxed, CancellationToken);

    /// <summary>Kept until the consume ends: <see cref="SetConsumed"/> writes every row with the consumed mark, in one statement.</summary>
    public override Task AddSend<T>(SendContext<T> context)
    {
        _sent.Add(PostgresOutboxStore.Capture(_state, context, SerializerContext));
        return Task.CompletedTask;
    }
}
