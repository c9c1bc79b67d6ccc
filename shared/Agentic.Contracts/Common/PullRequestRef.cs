namespace Agentic.Contracts.Common;

/// <summary>Identifies a pull request at a specific head commit.</summary>
public sealed record PullRequestRef
{
    public required RepositoryRef Repository { get; init; }
    public required int Number { get; init; }
    public required string HeadSha { get; init; }
    public required string HeadRef { get; init; }
    public required string BaseRef { get; init; }
}
