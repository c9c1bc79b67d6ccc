using System.Threading.Channels;
using Agentic.IngressGateway.Options;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Inbox;

/// <summary>
/// Group commit for the inbox: requests queue their delivery and wait; one writer takes whatever has queued up (to
/// <see cref="InboxOptions.MaxBatchSize"/>) and inserts it in one statement and one commit, then answers each request:
/// new or duplicate. While a batch commits the next one gathers, so batches grow with load and latency stays flat.
/// Removing published deliveries from the outbox is batched the same way, off the request path.
/// </summary>
public sealed partial class InboxWriter(DeliveryInbox inbox, IOptions<InboxOptions> options, ILogger<InboxWriter> logger) : BackgroundService
{
    private readonly Channel<PendingDelivery> _accepts = Channel.CreateUnbounded<PendingDelivery>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<(string, string)> _published = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>True when the delivery is now durably recorded for the first time, false when it was recorded before.</summary>
    /// <exception cref="InboxUnavailableException">The database could not be written.</exception>
    /// <exception cref="InboxRejectedException">PostgreSQL refused this delivery's row (its neighbours were written).</exception>
    public Task<bool> AcceptAsync(InboxDelivery delivery, CancellationToken cancellationToken)
    {
        var pending = new PendingDelivery(delivery);
        if (!_accepts.Writer.TryWrite(pending))
        {
            throw new InboxUnavailableException(new InvalidOperationException("the gateway is shutting down"));
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Records (eventually, batched) that a delivery's event is on the bus; the relay skips it from then on.</summary>
    public void MarkPublished(InboxDelivery delivery) => _published.Writer.TryWrite((delivery.Source, delivery.DeliveryId));

    // The loops run until their channel is completed (at shutdown) and drain what is queued first, so accepted
    // requests get their answer and published deliveries leave the outbox before the process exits.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(WriteAcceptsAsync, CancellationToken.None), Task.Run(WritePublishedAsync, CancellationToken.None));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _accepts.Writer.TryComplete();
        _published.Writer.TryComplete();
        if (ExecuteTask is { } running)
        {
            await running.WaitAsync(cancellationToken);
        }

        await base.StopAsync(cancellationToken);
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
                var results = await inbox.InsertBatchAsync(batch.ConvertAll(p => p.Delivery), CancellationToken.None);
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
        var batch = new List<(string, string)>(1024);
        while (await _published.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 1024 && _published.Reader.TryRead(out var key))
            {
                batch.Add(key);
            }

            try
            {
                await inbox.MarkPublishedAsync(batch, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Not fatal: the relay will publish these again; consumers are idempotent.
                LogMarkFailed(logger, ex, batch.Count);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Could not record {Count} webhook delivery(ies): answering 503")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(2, LogLevel.Warning, "Could not mark {Count} delivery(ies) published; the relay may publish them again")]
    private static partial void LogMarkFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(3, LogLevel.Warning, "Refused {Source} delivery {DeliveryId}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string source, string deliveryId, string reason);

    private sealed class PendingDelivery(InboxDelivery delivery)
    {
        public InboxDelivery Delivery { get; } = delivery;

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
