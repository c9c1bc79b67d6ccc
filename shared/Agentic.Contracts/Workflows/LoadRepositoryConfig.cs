namespace Agentic.Contracts.Workflows;

/// <summary>Command: read the repository's <c>.github/agentic.yml</c> from its default branch for a workflow.</summary>
public sealed record LoadRepositoryConfig
{
    public required Guid CorrelationId { get; init; }
    public required PullRequestRef PullRequest { get; init; }
}
