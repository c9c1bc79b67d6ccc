namespace Agentic.Contracts.Common;

/// <summary>Identifies a GitHub repository and the App installation that grants access to it.</summary>
public sealed record RepositoryRef
{
    public required long InstallationId { get; init; }
    public required long RepositoryId { get; init; }
    public required string Owner { get; init; }
    public required string Name { get; init; }
}
