namespace Agentic.IngressGateway.Inbox;

/// <summary>
/// Durable acceptance, the same for every provider: record the delivery (group commit), then publish its event with a
/// confirm. A delivery is never answered 2xx before it is in the inbox; a broker outage only delays publishing.
/// </summary>
public sealed class WebhookAcceptance(InboxWriter writer, DeliveryPublisher publisher)
{
    public async Task<AcceptanceOutcome> AcceptAsync(InboxDelivery delivery, object? message, CancellationToken cancellationToken)
    {
        try
        {
            if (!await writer.AcceptAsync(delivery, cancellationToken))
            {
                return AcceptanceOutcome.Duplicate;
            }
        }
        catch (InboxUnavailableException)
        {
            return AcceptanceOutcome.Unavailable;
        }

        if (message is null)
        {
            return AcceptanceOutcome.Ignored;
        }

        return await publisher.TryPublishAsync(delivery, message, cancellationToken) ? AcceptanceOutcome.Published : AcceptanceOutcome.Queued;
    }
}

public enum AcceptanceOutcome
{
    /// <summary>Recorded and its event confirmed by the broker.</summary>
    Published = 0,

    /// <summary>Recorded; the broker did not confirm in time, so the relay will publish it.</summary>
    Queued = 1,

    /// <summary>Recorded; nothing in Agentic consumes this kind of event.</summary>
    Ignored = 2,

    /// <summary>This delivery id was recorded before: nothing new happens.</summary>
    Duplicate = 3,

    /// <summary>The inbox could not record it: 503, the sender should redeliver.</summary>
    Unavailable = 4,
}
