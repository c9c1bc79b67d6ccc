namespace Agentic.Contracts.Ingress;

/// <summary>A GitHub check run completed (check_run.completed).</summary>
public sealed record CheckRunCompleted
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required RepositoryRef Repository { get; init; }
    public required long CheckRunId { get; init; }
    public required string Name { get; init; }
    public required string HeadSha { get; init; }

    /// <summary>success, failure, neutral, cancelled, skipped, timed_out, action_required, stale.</summary>
    public required string Conclusion { get; init; }
    public long? CheckSuiteId { get; init; }
    public string? AppSlug { get; init; }
    public string? DetailsUrl { get; init; }
    /// <summary>The open pull requests whose head is this commit, as GitHub lists them in the payload.</summary>
    public required IReadOnlyList<PullRequestRef> PullRequests { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}
