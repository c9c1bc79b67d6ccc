namespace Agentic.Contracts.Results;

/// <summary>A validated fix was committed and pushed to the pull request branch.</summary>
public sealed record FixPushed
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required PullRequestRef PullRequest { get; init; }
    public required string CommitSha { get; init; }
}
