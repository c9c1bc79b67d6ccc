namespace Agentic.IngressGateway.Inbox;

/// <summary>One webhook delivery as the inbox keeps it: the raw body, so it can be normalised again and replayed.</summary>
public sealed record InboxDelivery(string Source, string DeliveryId, string Event, string? Action, Guid CorrelationId, byte[] Body, bool Ignored)
{
    /// <summary>Why nothing is published: an event nobody uses, a command that does not count, a malformed payload.</summary>
    public string? Reason { get; init; }

    /// <summary>Signed but not in the shape the event needs: recorded, nothing published, answered 400.</summary>
    public bool Malformed { get; init; }

    /// <summary>SHA-256 of the body as received, when <see cref="Body"/> is a cleaned copy (<see cref="DeliveryBody"/>).</summary>
    public byte[]? RawSha256 { get; init; }
}

/// <summary>A delivery as the operator endpoints list it (no body). Status: published, queued, ignored or malformed.</summary>
public sealed record DeliverySummary(
    string Source, string DeliveryId, string Event, string? Action, Guid CorrelationId, int BodyBytes, bool Ignored,
    DateTime ReceivedAt, bool Published, string Status, string? Reason, string? RawSha256);

public static class WebhookSources
{
    public const string GitHub = "github";
    public const string Slack = "slack";
    public const string Linear = "linear";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { GitHub, Slack, Linear };
}

/// <summary>The inbox could not record a delivery (PostgreSQL unreachable): the sender gets 503 and redelivers.</summary>
public sealed class InboxUnavailableException(Exception inner) : Exception("The delivery inbox is unavailable: " + inner.Message, inner);

/// <summary>What the inbox made of one delivery of a batch: new, recorded before, or refused (with why).</summary>
public sealed record InsertResult(bool Inserted, string? Rejection)
{
    public static InsertResult New { get; } = new(true, null);

    public static InsertResult Duplicate { get; } = new(false, null);

    public static InsertResult Rejected(string reason) => new(false, reason);
}

/// <summary>PostgreSQL refused this one delivery's row (its neighbours in the batch were stored): the sender gets 400.</summary>
public sealed class InboxRejectedException(string reason, Exception? inner) : Exception(reason, inner);
