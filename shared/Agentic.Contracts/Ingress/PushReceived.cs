namespace Agentic.Contracts.Ingress;

/// <summary>Commits were pushed to a branch (push).</summary>
public sealed record PushReceived
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required RepositoryRef Repository { get; init; }
    public required string Ref { get; init; }
    public required string BeforeSha { get; init; }
    public required string AfterSha { get; init; }
    public required string Pusher { get; init; }
    public required bool Forced { get; init; }
}
