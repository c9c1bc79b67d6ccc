using MassTransit;
using MassTransit.Middleware;
using MassTransit.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Agentic.Persistence.Outbox;

/// <summary>
/// Delivers the outbox rows a crash (or a broker outage) left behind: a message consumed and committed whose outbox
/// did not reach the broker, oldest first and in the order they were sent, with the MessageId they were written with.
/// A failing delivery is retried with a doubling delay. Also forgets inbox rows older than the retention.
/// </summary>
public sealed partial class PostgresOutboxRelay(
    NpgsqlDataSource dataSource, PostgresOutboxStore store, IBus bus, IOptions<PostgresOutboxOptions> options, ILogger<PostgresOutboxRelay> logger)
    : BackgroundService
{
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RelayInterval);
        var nextCleanup = DateTime.UtcNow;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RelayOnceAsync(stoppingToken);
                if (DateTime.UtcNow >= nextCleanup)
                {
                    nextCleanup = DateTime.UtcNow + CleanupInterval;
                    var forgotten = await store.DeleteExpiredAsync(dataSource, options.Value.InboxRetention, stoppingToken);
                    if (forgotten > 0)
                    {
                        LogForgotten(logger, forgotten);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(logger, ex);
            }
        }
    }

    /// <summary>One pass: delivers every leftover outbox until none is left or a delivery fails; how many messages were sent.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var state = await store.LockUndeliveredAsync(connection, transaction, options.Value.RelayMinAge, cancellationToken);
            if (state is null)
            {
                return sent;
            }

            var messages = await store.LoadMessagesAsync(connection, transaction, state, int.MaxValue, cancellationToken);
            foreach (var message in messages)
            {
                try
                {
                    await SendAsync(message, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    var delay = Backoff(state.RelayAttempts);
                    await store.PostponeAsync(connection, transaction, state, delay, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    LogDeliveryFailed(logger, ex, state.MessageId, message.MessageId, delay);
                    return sent;
                }

                state.LastSequenceNumber = message.SequenceNumber;
                sent++;
            }

            state.DeliveredUnwritten = true;
            await store.RemoveMessagesAsync(connection, transaction, state, relaxed: false, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogRelayed(logger, messages.Count, state.MessageId);
        }
    }

    private async Task SendAsync(PostgresOutboxMessage message, CancellationToken cancellationToken)
    {
        if (message.DestinationAddress is null)
        {
            return;
        }

        message.Deserialize(SystemTextJsonMessageSerializer.Instance);
        var destination = new Uri(message.DestinationAddress);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.MessageDeliveryTimeout);
        var endpoint = await bus.GetSendEndpoint(destination);
        await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(message, destination), timeout.Token);
    }

    private TimeSpan Backoff(int attempts)
    {
        var interval = options.Value.RelayInterval;
        var max = options.Value.RelayMaxBackoff;
        var delay = interval * Math.Pow(2, Math.Min(attempts, 16));
        return delay < max ? delay : max;
    }

    [LoggerMessage(1, LogLevel.Information, "Relayed {Count} outbox message(s) of message {InboxMessageId} left undelivered")]
    private static partial void LogRelayed(ILogger logger, int count, Guid inboxMessageId);

    [LoggerMessage(2, LogLevel.Warning, "Outbox message {MessageId} (of {InboxMessageId}) could not be delivered; retrying in {Delay}")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, Guid inboxMessageId, Guid messageId, TimeSpan delay);

    [LoggerMessage(3, LogLevel.Warning, "Outbox relay pass failed; retrying on the next tick")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Forgot {Count} inbox row(s) past their retention")]
    private static partial void LogForgotten(ILogger logger, int count);
}
