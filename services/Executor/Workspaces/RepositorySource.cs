namespace Agentic.Executor.Workspaces;

/// <summary>Where to clone a repository from and the token that reads it (null for public repositories).</summary>
public sealed record RepositorySource(string Owner, string Name, Uri CloneUrl, string? Token)
{
    public override string ToString() => $"{Owner}/{Name} ({CloneUrl})";
}
