namespace Agentic.Contracts.Ingress;

/// <summary>A label was added to an issue or pull request (issues.labeled).</summary>
public sealed record IssueLabeled
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required RepositoryRef Repository { get; init; }
    public required int IssueNumber { get; init; }
    public required string Label { get; init; }
    public required string Sender { get; init; }
}
