namespace Agentic.Executor.Sandbox;

/// <summary>A command (argv, no shell) to run in a workspace under bubblewrap.</summary>
public sealed record SandboxRequest
{
    /// <summary>The working copy, bound read-write at <see cref="SandboxRunner.WorkspaceMount"/>.</summary>
    public required string Workspace { get; init; }

    public required IReadOnlyList<string> Arguments { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>
    /// Registry-only network: the host path of an egress proxy session's Unix socket (<see cref="Egress.EgressSession"/>).
    /// The sandbox keeps its own network namespace (loopback only); the socket is bound in, a bridge inside listens on
    /// <c>127.0.0.1:</c><see cref="SandboxRunner.ProxyPort"/> and the command gets the proxy variables. Null: no network at all.
    /// </summary>
    public string? EgressSocket { get; init; }

    /// <summary>The dependency caches to bind instead of the workspace's (or the global) ones.</summary>
    public SandboxCaches? Caches { get; init; }

    /// <summary>Bind the caches read-write (the setup phase only); otherwise they are read-only.</summary>
    public bool WritableCaches { get; init; }

    /// <summary>Extra host folders visible read-only at the same path (e.g. the mirror a <c>--shared</c> clone borrows from).</summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

    /// <summary>
    /// The repository's own non-secret variables (<c>.github/agentic.yml</c> <c>env</c>, a CI step's <c>env</c>), checked
    /// against <see cref="RepositoryConfig.RepositoryEnvironment"/>; the sandbox's own settings win over them.
    /// </summary>
    public IReadOnlyDictionary<string, string> RepositoryEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra variables for the command; checked against the allow-list of names.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>How a sandboxed command ended.</summary>
public sealed record SandboxResult
{
    public required int ExitCode { get; init; }
    public required TimeSpan Duration { get; init; }
    public required bool TimedOut { get; init; }
    public required bool OutputLimitExceeded { get; init; }

    /// <summary>The end of the output, bounded and scrubbed of credentials.</summary>
    public required string OutputTail { get; init; }

    public bool Succeeded => ExitCode == 0 && !TimedOut && !OutputLimitExceeded;
}

/// <summary>The sandbox cannot run at all (bubblewrap missing or broken).</summary>
public sealed class SandboxUnavailableException(string message) : Exception(message);

/// <summary>
/// The host's dependency caches bound into the sandbox (null: not bound). <paramref name="Corepack"/>: corepack's home
/// for a repository whose <c>packageManager</c> names Yarn 2+; with it, <c>yarn</c> in the sandbox is corepack's, and
/// the Yarn version the repository pins is fetched from the npm registry during setup and found there afterwards.
/// </summary>
public sealed record SandboxCaches(string? NuGetPackages, string? NpmCache, string? PipCache = null, string? Corepack = null);
