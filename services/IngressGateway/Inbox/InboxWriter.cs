using System.Threading.Channels;
using Agentic.IngressGateway.Options;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Inbox;

/// <summary>
/// Group commit for the inbox: requests queue their delivery and wait; one writer takes whatever has queued up (to
/// <see cref="InboxOptions.MaxBatchSize"/>) and inserts it in one statement and one commit, then answers each request:
/// new or duplicate. While a batch commits the next one gathers, so batches grow with load and latency stays flat.
/// Removing published deliveries from the outbox is batched the same way, off the request path.
/// Every request waits at most <see cref="InboxOptions.CommitTimeout"/> for its commit, and every batch is cancelled
/// at that deadline, so a hung PostgreSQL (stopped, not dead) is answered 503 in seconds rather than after Npgsql's
/// and TCP's own timeouts.
/// </summary>
public sealed partial class InboxWriter(DeliveryInbox inbox, IOptions<InboxOptions> options, ILogger<InboxWriter> logger) : BackgroundService
{
    private readonly Channel<PendingDelivery> _accepts = Channel.CreateUnbounded<PendingDelivery>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<PendingMark> _published = Channel.CreateUnbounded<PendingMark>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>True when the delivery is now durably recorded for the first time, false when it was recorded before.</summary>
    /// <exception cref="InboxUnavailableException">The database could not be written, or not within <see cref="InboxOptions.CommitTimeout"/>.</exception>
    /// <exception cref="InboxRejectedException">PostgreSQL refused this delivery's row (its neighbours were written).</exception>
    public async Task<bool> AcceptAsync(InboxDelivery delivery, CancellationToken cancellationToken)
    {
        var pending = new PendingDelivery(delivery);
        if (!_accepts.Writer.TryWrite(pending))
        {
            throw new InboxUnavailableException(new InvalidOperationException("the gateway is shutting down"));
        }

        try
        {
            // The hard bound, whatever the writer is stuck on (a batch ahead of this one, an open, a cancel request).
            // A row committed after its request gave up is harmless: the redelivery is a duplicate and the relay publishes it.
            return await pending.Completion.Task.WaitAsync(options.Value.CommitTimeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            LogCommitTimedOut(logger, delivery.Source, delivery.DeliveryId, options.Value.CommitTimeout);
            throw new InboxUnavailableException(ex);
        }
    }

    /// <summary>Records (batched) that a delivery's event is on the bus; completes once its outbox row is gone, retrying while the database is away.</summary>
    public Task MarkPublishedAsync(InboxDelivery delivery)
    {
        var pending = new PendingMark((delivery.Source, delivery.DeliveryId));
        if (!_published.Writer.TryWrite(pending))
        {
            return Task.FromException(new InvalidOperationException("the gateway is shutting down"));
        }

        return pending.Completion.Task;
    }

    // The loops run until their channel is completed (at shutdown) and drain what is queued first, so accepted
    // requests get their answer and published deliveries leave the outbox before the process exits.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(WriteAcceptsAsync, CancellationToken.None), Task.Run(WritePublishedAsync, CancellationToken.None));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _accepts.Writer.TryComplete();
        _published.Writer.TryComplete();

        // Marks still failing when the host's shutdown time is up are given up (the relay may publish those again).
        await using var giveUp = cancellationToken.Register(_stopping.Cancel);
        if (ExecuteTask is { } running)
        {
            await running.WaitAsync(cancellationToken);
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    private async Task WriteAcceptsAsync()
    {
        var maxBatch = options.Value.MaxBatchSize;
        var batch = new List<PendingDelivery>(maxBatch);
        while (await _accepts.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < maxBatch && _accepts.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                // Cancelled at the deadline: Npgsql sends PostgreSQL a cancel request and breaks the connection when
                // that goes unanswered too, so the writer itself gets free of a hung server.
                using var deadline = new CancellationTokenSource(options.Value.CommitTimeout);
                var results = await inbox.InsertBatchAsync(batch.ConvertAll(p => p.Delivery), deadline.Token);
                for (var i = 0; i < batch.Count; i++)
                {
                    // A refused row fails its own request only (400); its neighbours were written without it.
                    if (results[i].Rejection is { } rejection)
                    {
                        LogRejected(logger, batch[i].Delivery.Source, batch[i].Delivery.DeliveryId, rejection);
                        batch[i].Completion.TrySetException(new InboxRejectedException(rejection, null));
                    }
                    else
                    {
                        batch[i].Completion.TrySetResult(results[i].Inserted);
                    }
                }
            }
            catch (Exception ex)
            {
                LogWriteFailed(logger, ex, batch.Count);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(new InboxUnavailableException(ex));
                }
            }
        }
    }

    private async Task WritePublishedAsync()
    {
        var batch = new List<PendingMark>(1024);
        while (await _published.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 1024 && _published.Reader.TryRead(out var mark))
            {
                batch.Add(mark);
            }

            // Retried until it commits: while a mark is pending its publisher keeps the delivery from the relay, which
            // would otherwise publish it a second time. Only shutdown gives up (the relay may then publish it again).
            while (true)
            {
                try
                {
                    await inbox.MarkPublishedAsync(batch.ConvertAll(m => m.Key), _stopping.Token);
                    batch.ForEach(m => m.Completion.TrySetResult());
                    break;
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    LogMarkFailed(logger, ex, batch.Count);
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), _stopping.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
                catch (Exception ex)
                {
                    batch.ForEach(m => m.Completion.TrySetException(ex));
                    break;
                }
            }
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Could not record {Count} webhook delivery(ies): answering 503")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(2, LogLevel.Warning, "Could not mark {Count} delivery(ies) published yet; retrying")]
    private static partial void LogMarkFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(3, LogLevel.Warning, "Refused {Source} delivery {DeliveryId}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string source, string deliveryId, string reason);

    [LoggerMessage(4, LogLevel.Warning, "{Source} delivery {DeliveryId} was not committed within {Timeout}: answering 503")]
    private static partial void LogCommitTimedOut(ILogger logger, string source, string deliveryId, TimeSpan timeout);

    private sealed class PendingMark((string Source, string DeliveryId) key)
    {
        public (string Source, string DeliveryId) Key { get; } = key;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class PendingDelivery(InboxDelivery delivery)
    {
        public InboxDelivery Delivery { get; } = delivery;

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
