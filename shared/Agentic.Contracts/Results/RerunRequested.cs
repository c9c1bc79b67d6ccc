namespace Agentic.Contracts.Results;

/// <summary>The failed job was re-run instead of changing code (infrastructure or flaky).</summary>
public sealed record RerunRequested
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required PullRequestRef PullRequest { get; init; }
    public required long JobId { get; init; }
}
