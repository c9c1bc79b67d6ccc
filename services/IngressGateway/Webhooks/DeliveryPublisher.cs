using System.Text.Json;
using Agentic.IngressGateway.Persistence;
using MassTransit;

namespace Agentic.IngressGateway.Webhooks;

/// <summary>Publishes an accepted delivery's typed event (publisher confirms are on) and marks it published in the inbox.</summary>
public sealed partial class DeliveryPublisher(IPublishEndpoint publishEndpoint, DeliveryInbox inbox, ILogger<DeliveryPublisher> logger)
{
    /// <summary>True when the event is on the bus; false when it stays in the inbox for the relay.</summary>
    public async Task<bool> TryPublishAsync(InboxDelivery delivery, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(delivery.Body);
        var message = GitHubEventNormalizer.Normalize(delivery.Event, delivery.DeliveryId, delivery.CorrelationId, document.RootElement);
        try
        {
            if (message is not null)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await publishEndpoint.Publish(message, message.GetType(), timeout.Token);
            }

            await inbox.MarkPublishedAsync(delivery.Source, delivery.DeliveryId, CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, ex, delivery.Source, delivery.DeliveryId);
            await inbox.MarkFailedAsync(delivery.Source, delivery.DeliveryId, ex.Message, CancellationToken.None);
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Delivery {Source}/{DeliveryId} accepted but not yet published; the relay will retry")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string source, string deliveryId);
}
