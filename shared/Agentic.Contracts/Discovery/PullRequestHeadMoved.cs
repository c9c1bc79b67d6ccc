namespace Agentic.Contracts.Discovery;

/// <summary>A pull request's head moved to a new commit (someone pushed). Supersedes in-flight workflows on the old head.</summary>
public sealed record PullRequestHeadMoved
{
    /// <summary>The workflow this supersedes; PR Discovery publishes one per in-flight workflow of the PR.</summary>
    public required Guid CorrelationId { get; init; }
    public required PullRequestRef PullRequest { get; init; }
    public required string PreviousHeadSha { get; init; }
    public required string PushedBy { get; init; }
}
