using System.Diagnostics;
using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Agentic.Persistence.Outbox;

/// <summary>
/// MassTransit's consumer outbox (<see cref="OutboxConsumeFilter{TContext,TMessage}"/>) over our PostgreSQL: each pass
/// of its pipe runs in one transaction that first locks the message's inbox row, all of them on one connection. Pass one
/// runs the consumer (its outbox rows, written with the consumed mark in one statement, its inbox row and, through
/// <see cref="PostgresOutboxTransaction"/>, its own writes commit together); the next sends the outbox rows from memory
/// (not read back), then marks them delivered and removes them in one statement, and acknowledges the message.
/// A consume that sent nothing finishes in its own transaction. A message seen again after its consumption is not
/// consumed again: its outbox is delivered if it was not, and it is acknowledged.
/// </summary>
internal sealed partial class PostgresOutboxContextFactory(
    NpgsqlDataSource dataSource, PostgresOutboxStore store, IServiceProvider services, PostgresOutboxFaults faults, IOptions<PostgresOutboxOptions> outboxOptions,
    ILogger<PostgresOutboxContextFactory> logger)
    : IOutboxContextFactory<NpgsqlDataSource>
{
    private int _committedOutboxes;

    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = context.GetOriginalMessageId() ?? throw new MessageException(typeof(T), "The outbox needs the message's MessageId.");
        var ambient = context.GetOrAddPayload(() => new PostgresOutboxTransaction());
        var provider = context.TryGetPayload(out IServiceProvider? scoped) ? scoped : services;
        var countReceive = true;
        var continueProcessing = true;
        List<PostgresOutboxMessage>? written = null;

        // One connection for every pass of this receive, each pass its own transaction.
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        while (continueProcessing)
        {
            // The passes after the first only deliver the outbox, mark it delivered and remove it. Their commits need not wait
            // for the disk (their writes begin with SET LOCAL synchronous_commit TO OFF): lost in a database crash, the outbox
            // is delivered again (same message ids), and every consumer behind an inbox, or idempotent by its own ids, takes it once.
            var relaxed = !countReceive;
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, context.CancellationToken);
            var state = await store.LockAsync(
                connection, transaction, messageId, options.ConsumerId, options.ConsumerType, countReceive, context.CancellationToken);
            countReceive = false;
            var consumedBefore = state.Consumed;
            var sequenceBefore = state.LastSequenceNumber;
            if (consumedBefore && state.ReceiveCount > 1 && !state.Delivered)
            {
                LogRedelivering(logger, messageId, options.ConsumerType);
            }

            var added = 0;
            ambient.Enter(connection, transaction);
            try
            {
                bool sameTransaction;
                do
                {
                    var (wasConsumed, wasDelivered) = (state.Consumed, state.Delivered);
                    var outboxContext = new PostgresOutboxConsumeContext<T>(context, options, provider, store, connection, transaction, state, relaxed, written);
                    await next.Send(outboxContext);
                    added += outboxContext.Added;
                    written = outboxContext.Written ?? written;
                    continueProcessing = outboxContext.ContinueProcessing;

                    // The next pass shares this transaction when nothing has to reach the broker before a commit: after a
                    // consume that sent nothing, and after the delivery that emptied the outbox (only its removal is left).
                    sameTransaction = continueProcessing
                        && ((!wasConsumed && state.Consumed && outboxContext.Added == 0) || (wasConsumed && !wasDelivered && state.Delivered));
                }
                while (sameTransaction);

                if (state.DeliveredUnwritten)
                {
                    await store.SetDeliveredAsync(connection, transaction, state, relaxed, context.CancellationToken);
                }
                else if (!state.Delivered && state.LastSequenceNumber != sequenceBefore)
                {
                    // A delivery pass that stopped at its limit: the next pass resumes after the last message sent.
                    await store.SetLastSequenceNumberAsync(connection, transaction, state, relaxed, context.CancellationToken);
                }

                await transaction.CommitAsync(context.CancellationToken);
            }
            finally
            {
                ambient.Leave();
            }

            if (!consumedBefore && state.Consumed && added > 0)
            {
                CrashIfAsked(options.ConsumerType);
                if (faults.AfterConsumeCommitted is { } hook)
                {
                    await hook(messageId, options.ConsumerType);
                }
            }
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("postgresOutbox");

    /// <summary>The test-only fault of <see cref="PostgresOutboxOptions.CrashAfterCommittedOutboxes"/>: die like kill -9 between commit and delivery.</summary>
    private void CrashIfAsked(string consumerType)
    {
        var fault = outboxOptions.Value;
        if (fault.CrashAfterCommittedOutboxes <= 0
            || (fault.CrashConsumerType is { Length: > 0 } only && !string.Equals(only, consumerType, StringComparison.Ordinal)
                && !consumerType.EndsWith("." + only, StringComparison.Ordinal))
            || (fault.CrashOnceMarker is { Length: > 0 } marker && File.Exists(marker))
            || Interlocked.Increment(ref _committedOutboxes) != fault.CrashAfterCommittedOutboxes)
        {
            return;
        }

        LogCrashing(logger, fault.CrashAfterCommittedOutboxes);
        if (fault.CrashOnceMarker is { Length: > 0 } once)
        {
            File.WriteAllText(once, DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        Process.GetCurrentProcess().Kill();
    }

    [LoggerMessage(1, LogLevel.Information, "Message {MessageId} was already consumed by {Consumer}; delivering its outbox, not consuming it again")]
    private static partial void LogRedelivering(ILogger logger, Guid messageId, string consumer);

    [LoggerMessage(2, LogLevel.Critical, "TEST ONLY Outbox:CrashAfterCommittedOutboxes={Count}: killing this process after a commit, before its outbox is delivered")]
    private static partial void LogCrashing(ILogger logger, int count);
}
