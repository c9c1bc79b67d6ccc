using Agentic.IngressGateway.Options;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Inbox;

/// <summary>
/// Publishes a delivery's typed event and waits for RabbitMQ's publisher confirm (many requests publish concurrently,
/// so confirms pipeline). A failure or timeout leaves the delivery unpublished in the inbox for the relay.
/// </summary>
public sealed partial class DeliveryPublisher(IBus bus, InboxWriter writer, IOptions<InboxOptions> options, ILogger<DeliveryPublisher> logger)
{
    public async Task<bool> TryPublishAsync(InboxDelivery delivery, object message, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(message, cancellationToken);
            writer.MarkPublished(delivery);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, ex, delivery.Source, delivery.DeliveryId);
            return false;
        }
    }

    /// <summary>Publishes with the configured timeout; throws when the broker does not confirm.</summary>
    public async Task PublishAsync(object message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        await bus.Publish(message, message.GetType(), timeout.Token);
    }

    [LoggerMessage(1, LogLevel.Warning, "Delivery {Source}/{DeliveryId} is recorded but not yet on the bus; the relay will publish it")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string source, string deliveryId);
}
