namespace Agentic.Contracts.Discovery;

/// <summary>A check failed on a pull request's head commit; published once per (repository, head SHA, check). Starts a fix workflow.</summary>
public sealed record CheckFailureDetected
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required PullRequestRef PullRequest { get; init; }
    public required long CheckRunId { get; init; }
    public required string CheckName { get; init; }
    public required string Conclusion { get; init; }

    /// <summary>Set when the check is a GitHub Actions job, so its log can be fetched.</summary>
    public long? JobId { get; init; }
    public required DateTimeOffset DetectedAt { get; init; }

    /// <summary>
    /// The pull request's head branch is in a fork (as PR Discovery recorded it): Agentic writes to it only when the
    /// repository sets <c>fork_pull_requests: push</c>.
    /// </summary>
    public required bool FromFork { get; init; }
}
