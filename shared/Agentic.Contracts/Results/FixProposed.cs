namespace Agentic.Contracts.Results;

/// <summary>A validated fix was opened as a pull request against the PR branch (push not allowed).</summary>
public sealed record FixProposed
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required PullRequestRef PullRequest { get; init; }
    public required int ProposalNumber { get; init; }
}
