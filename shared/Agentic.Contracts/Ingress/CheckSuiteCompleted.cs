namespace Agentic.Contracts.Ingress;

/// <summary>A GitHub check suite completed (check_suite.completed).</summary>
public sealed record CheckSuiteCompleted
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required RepositoryRef Repository { get; init; }
    public required long CheckSuiteId { get; init; }
    public required string HeadSha { get; init; }
    public string? HeadBranch { get; init; }
    public required string Conclusion { get; init; }
    /// <summary>The open pull requests whose head is this commit, as GitHub lists them in the payload.</summary>
    public required IReadOnlyList<PullRequestRef> PullRequests { get; init; }
}
