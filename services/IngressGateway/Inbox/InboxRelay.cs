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

    /// <summary>One pass over up to 100 deliveries; how many left the outbox.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        // Never younger than the commit deadline: a request whose commit made it in time registers its publish
        // (IsInFlight) right after, so a row the relay can see is one no request is about to publish.
        var minAge = options.Value.RelayMinAge > options.Value.CommitTimeout ? options.Value.RelayMinAge : options.Value.CommitTimeout;
        var published = await inbox.RelayUnpublishedAsync(minAge, 100, async pending =>
        {
            var done = new List<InboxDelivery>(pending.Count);
            foreach (var delivery in pending)
            {
                // Its request's publish (or an earlier pass's) is still waiting for the broker: that one will mark it,
                // or free it if it fails. Publishing again here is how a hung broker used to get events twice.
                if (publisher.IsInFlight(delivery))
                {
                    continue;
                }

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

                if (message is not null && !await publisher.PublishOnceAsync(delivery, message, cancellationToken))
                {
                    // The broker is still away or slow: commit what is done (releasing the locks); the next tick goes on.
                    break;
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
