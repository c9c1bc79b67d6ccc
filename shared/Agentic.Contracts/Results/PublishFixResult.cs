namespace Agentic.Contracts.Results;

/// <summary>Command to the Result Processor's publisher: commit the validated patch outside the sandbox and push it or open a PR.</summary>
public sealed record PublishFixResult
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required PullRequestRef PullRequest { get; init; }
    public required Guid ExecutionId { get; init; }
    public required string Patch { get; init; }
    public required string CommitMessage { get; init; }
    public required bool OpenPullRequest { get; init; }
}
