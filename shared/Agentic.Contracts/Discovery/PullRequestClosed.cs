namespace Agentic.Contracts.Discovery;

/// <summary>A pull request was closed or merged; in-flight workflows for it are abandoned.</summary>
public sealed record PullRequestClosed
{
    /// <summary>The workflow this abandons; PR Discovery publishes one per in-flight workflow of the PR.</summary>
    public required Guid CorrelationId { get; init; }
    public required PullRequestRef PullRequest { get; init; }
    public required bool Merged { get; init; }
}
