namespace Agentic.Executor.Workspaces;

/// <summary>
/// Where to clone a repository from and the short-lived token that reads it (null for public repositories). The mirror
/// is keyed by <see cref="InstallationId"/> and <see cref="RepositoryId"/>, never by name: a repository deleted and
/// re-created under the same name is another repository.
/// </summary>
public sealed record RepositorySource(long InstallationId, long RepositoryId, string Owner, string Name, Uri CloneUrl, string? Token)
{
    public override string ToString() => $"{Owner}/{Name} #{RepositoryId} ({CloneUrl})";
}
