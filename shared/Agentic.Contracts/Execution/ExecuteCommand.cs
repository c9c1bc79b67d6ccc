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

    /// <summary>Where the check ran in CI (from the analysis): the Executor reproduces the failed step at the head before the fix. Null: no reproduction.</summary>
    public CiJobReference? Job { get; init; }

    /// <summary>
    /// Files (or test names) the analysis says the failure is about: the Executor's reproduction fails "the same way" only
    /// when its output names one of them (when any are given).
    /// </summary>
    public IReadOnlyList<string> FailureFiles { get; init; } = [];
}
