using System.Collections.Concurrent;

namespace Agentic.Executor.Sandbox;

/// <summary>
/// What every command in one working copy gets once its setup has run: the repository's own dependency caches
/// (read-only outside setup, at the same mounts setup filled them, so restored projects find their packages) and the
/// repository's non-secret variables from <c>.github/agentic.yml</c> (names checked by <see cref="RepositoryConfig.RepositoryEnvironment"/>).
/// </summary>
public sealed record SandboxProfile(SandboxCaches Caches, IReadOnlyDictionary<string, string> Environment);

/// <summary>The profile of each working copy in use, by its host path; commands in other folders get the defaults.</summary>
public sealed class SandboxProfiles
{
    private readonly ConcurrentDictionary<string, SandboxProfile> _profiles = new(StringComparer.Ordinal);

    /// <summary>Gives <paramref name="workspace"/> its profile until the returned handle is disposed.</summary>
    public IDisposable Assign(string workspace, SandboxProfile profile)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspace);
        ArgumentNullException.ThrowIfNull(profile);
        var key = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workspace));
        _profiles[key] = profile;
        return new Assignment(this, key, profile);
    }

    public SandboxProfile? Find(string workspace) =>
        _profiles.TryGetValue(Path.TrimEndingDirectorySeparator(Path.GetFullPath(workspace)), out var profile) ? profile : null;

    private sealed class Assignment(SandboxProfiles owner, string key, SandboxProfile profile) : IDisposable
    {
        public void Dispose() => owner._profiles.TryRemove(new KeyValuePair<string, SandboxProfile>(key, profile));
    }
}
