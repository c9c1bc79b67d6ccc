namespace Agentic.IngressGateway.Inbox;

/// <summary>
/// Durable acceptance, the same for every provider: record the delivery (group commit), then publish its event with a
/// confirm. A delivery is never answered 2xx before it is in the inbox; a broker outage only delays publishing.
/// </summary>
public sealed class WebhookAcceptance(InboxWriter writer, DeliveryPublisher publisher)
{
    public async Task<Acceptance> AcceptAsync(InboxDelivery delivery, object? message, CancellationToken cancellationToken)
    {
        try
        {
            if (!await writer.AcceptAsync(delivery, cancellationToken))
            {
                return new Acceptance(AcceptanceOutcome.Duplicate, null);
            }
        }
        catch (InboxUnavailableException)
        {
            return new Acceptance(AcceptanceOutcome.Unavailable, null);
        }
        catch (InboxRejectedException ex)
        {
            return new Acceptance(AcceptanceOutcome.Rejected, ex.Message);
        }

        if (message is null)
        {
            return new Acceptance(AcceptanceOutcome.Ignored, delivery.Reason);
        }

        return new Acceptance(await publisher.PublishOnceAsync(delivery, message, cancellationToken) ? AcceptanceOutcome.Published : AcceptanceOutcome.Queued, null);
    }
}

/// <summary>What became of a delivery, and why when nothing was published or it was refused.</summary>
public readonly record struct Acceptance(AcceptanceOutcome Outcome, string? Reason);

public enum AcceptanceOutcome
{
    /// <summary>Recorded and its event confirmed by the broker.</summary>
    Published = 0,

    /// <summary>Recorded; the broker did not confirm in time, so the relay will publish it.</summary>
    Queued = 1,

    /// <summary>Recorded; nothing in Agentic consumes it (the delivery's reason says why).</summary>
    Ignored = 2,

    /// <summary>This delivery id was recorded before: nothing new happens.</summary>
    Duplicate = 3,

    /// <summary>The inbox could not record it: 503, the sender should redeliver.</summary>
    Unavailable = 4,

    /// <summary>PostgreSQL refused this delivery's row (its neighbours were recorded): 400 naming why.</summary>
    Rejected = 5,
}
