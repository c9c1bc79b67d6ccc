using Agentic.IngressGateway.Options;
using Agentic.IngressGateway.Webhooks;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Inbox;

/// <summary>Publishes deliveries that were accepted while the broker was unreachable, oldest first, until none is left.</summary>
public sealed partial class InboxRelay(
    DeliveryInbox inbox, WebhookNormalizers normalizers, DeliveryPublisher publisher, IOptions<InboxOptions> options, ILogger<InboxRelay> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RelayInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await RelayOnceAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(logger, ex);
            }
        }
    }

    /// <summary>One pass over up to 100 deliveries; how many were published.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var published = await inbox.RelayUnpublishedAsync(options.Value.RelayMinAge, 100, async pending =>
        {
            var done = new List<InboxDelivery>(pending.Count);
            foreach (var delivery in pending)
            {
                object? message;
                try
                {
                    message = normalizers.Normalize(delivery).Message;
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or WebhookPayloadException)
                {
                    // Recorded before the shape checks existed: it can never be published, and must not block the rest.
                    LogUnusable(logger, delivery.Source, delivery.DeliveryId, ex.Message);
                    message = null;
                }

                if (message is not null)
                {
                    // Throws when the broker is still away: the transaction rolls back and the next tick tries again.
                    await publisher.PublishAsync(message, cancellationToken);
                }

                done.Add(delivery);
            }

            return done;
        }, cancellationToken);

        if (published > 0)
        {
            LogRelayed(logger, published);
        }

        return published;
    }

    [LoggerMessage(1, LogLevel.Information, "Relayed {Count} recorded delivery(ies) to the bus")]
    private static partial void LogRelayed(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Inbox relay pass failed; retrying on the next tick")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Recorded {Source} delivery {DeliveryId} cannot be normalised ({Problem}); dropped from the outbox")]
    private static partial void LogUnusable(ILogger logger, string source, string deliveryId, string problem);
}
