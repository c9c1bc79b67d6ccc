namespace Agentic.Contracts.Workflows;

/// <summary>The repository's settings for a workflow, or the exact problems that make its <c>.github/agentic.yml</c> invalid.</summary>
public sealed record RepositoryConfigLoaded
{
    public required Guid CorrelationId { get; init; }

    /// <summary>False when the repository has no <c>.github/agentic.yml</c> (or GitHub could not be asked): defaults apply.</summary>
    public required bool Found { get; init; }

    public required bool AutoFix { get; init; }
    public int? MaxAttempts { get; init; }
    public decimal? BudgetUsd { get; init; }
    public required bool OpenPullRequest { get; init; }

    /// <summary><c>allow_paths</c>: default-protected paths a fix may touch (never workflows, actions or <c>.git</c>).</summary>
    public IReadOnlyList<string> AllowPaths { get; init; } = [];

    /// <summary><c>fork_pull_requests: push</c>: a fork's pull request may get fixes pushed; false means diagnose and report.</summary>
    public bool PushToForks { get; init; }

    /// <summary>Fix attempts earlier workflows already spent on this pull request (all head SHAs and checks).</summary>
    public int PullRequestAttempts { get; init; }

    /// <summary>Every problem with its line; non-empty means the file is invalid and nothing else here applies.</summary>
    public required IReadOnlyList<string> Problems { get; init; }
}
