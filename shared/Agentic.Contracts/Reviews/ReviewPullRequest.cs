namespace Agentic.Contracts.Reviews;

/// <summary>Command to the Review Orchestrator: run the specialised reviewers on a pull request head.</summary>
public sealed record ReviewPullRequest
{
    public required Guid CorrelationId { get; init; }
    public required PullRequestRef PullRequest { get; init; }
    public required ReplyTarget ReplyTo { get; init; }

    /// <summary>Reviewer names to run; empty means the repository's configured set.</summary>
    public required IReadOnlyList<string> Reviewers { get; init; }
}
