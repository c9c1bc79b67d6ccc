namespace Agentic.Contracts.Ingress;

/// <summary>A GitHub Actions job completed (workflow_job.completed).</summary>
public sealed record WorkflowJobCompleted
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required RepositoryRef Repository { get; init; }
    public required long JobId { get; init; }
    public required long WorkflowRunId { get; init; }
    public required string Name { get; init; }
    public required string HeadSha { get; init; }
    public required string Conclusion { get; init; }
    public required int RunAttempt { get; init; }
}
