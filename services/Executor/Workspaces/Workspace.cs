namespace Agentic.Executor.Workspaces;

/// <summary>How the mirror was brought up to date for a workspace.</summary>
public enum MirrorRefresh
{
    /// <summary>No mirror yet: <c>git clone --mirror</c>.</summary>
    Cloned,

    /// <summary>A warm mirror updated with <c>git fetch</c>.</summary>
    Fetched,

    /// <summary>The warm mirror already held the commit.</summary>
    Reused,
}

/// <summary>A fresh working copy at one commit, sharing objects with the repository's mirror; deleted on dispose.</summary>
public sealed class Workspace(string directory, string mirrorDirectory, string headSha, MirrorRefresh refresh, TimeSpan preparation) : IAsyncDisposable
{
    public string Directory { get; } = directory;

    /// <summary>The bare mirror the working copy borrows objects from (read-only inside the sandbox).</summary>
    public string MirrorDirectory { get; } = mirrorDirectory;

    public string HeadSha { get; } = headSha;

    public MirrorRefresh Refresh { get; } = refresh;

    public TimeSpan Preparation { get; } = preparation;

    public ValueTask DisposeAsync()
    {
        WorkspaceManager.DeleteDirectory(Directory);
        return ValueTask.CompletedTask;
    }
}
