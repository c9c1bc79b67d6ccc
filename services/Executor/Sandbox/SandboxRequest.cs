namespace Agentic.Executor.Sandbox;

/// <summary>A command (argv, no shell) to run in a workspace under bubblewrap.</summary>
public sealed record SandboxRequest
{
    /// <summary>The working copy, bound read-write at <see cref="SandboxRunner.WorkspaceMount"/>.</summary>
    public required string Workspace { get; init; }

    public required IReadOnlyList<string> Arguments { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>Only commands whose policy says so get the host's network.</summary>
    public bool AllowNetwork { get; init; }

    /// <summary>Extra host folders visible read-only at the same path (e.g. the mirror a <c>--shared</c> clone borrows from).</summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

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

/// <summary>The host's dependency caches bound read-only (null: not bound).</summary>
public sealed record SandboxCaches(string? NuGetPackages, string? NpmCache);
