namespace Agentic.Contracts.Ingress;

/// <summary>A Linear issue was created or updated (Linear webhook type Issue).</summary>
public sealed record LinearIssueChanged
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required string IssueId { get; init; }
    public required string Identifier { get; init; }
    public required string Action { get; init; }
    public required string Title { get; init; }
    public string? StateName { get; init; }
    public string? AssigneeId { get; init; }
    public required IReadOnlyList<string> Labels { get; init; }
}
