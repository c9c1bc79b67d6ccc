namespace Agentic.Contracts.Dispatch;

/// <summary>Command to the Command Dispatcher: pick a command from the library and build its arguments for a diagnosed failure or a request.</summary>
public sealed record DispatchCommand
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required PullRequestRef PullRequest { get; init; }
    public required FixStrategy Strategy { get; init; }
    public required FailureCategory Category { get; init; }
    public required string RootCause { get; init; }
    public required string Evidence { get; init; }
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>The analysis' format or lint tool (<see cref="Analysis.CheckFailureAnalyzed.Tool"/>): which fixer the deterministic command runs.</summary>
    public string? Tool { get; init; }

    /// <summary>The diagnostic ids or rules the tool reported (<see cref="Analysis.CheckFailureAnalyzed.Codes"/>), e.g. to pick dotnet format's mode.</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];

    /// <summary>For a dependency failure: the packages the package manager could not resolve (<see cref="Analysis.CheckFailureAnalyzed.Packages"/>, untrusted).</summary>
    public IReadOnlyList<string> Packages { get; init; } = [];
    public required int Attempt { get; init; }

    /// <summary>Why the previous attempt failed, fed back to the next one.</summary>
    public string? PreviousFailure { get; init; }

    /// <summary>
    /// The repository's <c>allow_paths</c> (from <c>.github/agentic.yml</c> on its default branch): default-protected
    /// paths the change may touch. Empty: the default deny-list applies in full.
    /// </summary>
    public IReadOnlyList<string> AllowPaths { get; init; } = [];

    /// <summary>A dependency fix (the analysis said so): lockfiles and Directory.Packages.props may change. False (the default) keeps them protected.</summary>
    public bool DependencyFix { get; init; }
}
