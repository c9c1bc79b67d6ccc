namespace Agentic.IngressGateway.Inbox;

/// <summary>One webhook delivery as the inbox keeps it: the raw body, so it can be normalised again and replayed.</summary>
public sealed record InboxDelivery(string Source, string DeliveryId, string Event, string? Action, Guid CorrelationId, byte[] Body, bool Ignored);

/// <summary>A delivery as the operator endpoints list it (no body).</summary>
public sealed record DeliverySummary(
    string Source, string DeliveryId, string Event, string? Action, Guid CorrelationId, int BodyBytes, bool Ignored,
    DateTime ReceivedAt, bool Published);

public static class WebhookSources
{
    public const string GitHub = "github";
    public const string Slack = "slack";
    public const string Linear = "linear";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { GitHub, Slack, Linear };
}

/// <summary>The inbox could not record a delivery (PostgreSQL unreachable): the sender gets 503 and redelivers.</summary>
public sealed class InboxUnavailableException(Exception inner) : Exception("The delivery inbox is unavailable: " + inner.Message, inner);
