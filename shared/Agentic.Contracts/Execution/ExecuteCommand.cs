namespace Agentic.Contracts.Execution;

/// <summary>Command to the Executor: run a library command in a sandboxed workspace at the PR's head and validate the result.</summary>
public sealed record ExecuteCommand
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required Guid ExecutionId { get; init; }
    public required PullRequestRef PullRequest { get; init; }
    public required string Command { get; init; }
    public required IReadOnlyDictionary<string, string> Arguments { get; init; }
    public required int Attempt { get; init; }
    public required TimeSpan Timeout { get; init; }

    /// <summary>
    /// The repository's <c>allow_paths</c> (from <c>.github/agentic.yml</c> on its default branch): default-protected
    /// paths the change may touch. Empty: the default deny-list applies in full.
    /// </summary>
    public IReadOnlyList<string> AllowPaths { get; init; } = [];

    /// <summary>A dependency fix (the analysis said so): lockfiles and Directory.Packages.props may change. False (the default) keeps them protected.</summary>
    public bool DependencyFix { get; init; }
}
