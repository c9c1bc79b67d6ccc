namespace Agentic.GitHub.Models;

/// <summary>A GitHub Actions workflow run.</summary>
public sealed record GitHubWorkflowRun
{
    public long Id { get; init; }

    public string? Name { get; init; }

    public string? NodeId { get; init; }

    public string? HeadBranch { get; init; }

    public string HeadSha { get; init; } = "";

    public string? Path { get; init; }

    public int RunNumber { get; init; }

    public int? RunAttempt { get; init; }

    public string? Event { get; init; }

    public string? Status { get; init; }

    public string? Conclusion { get; init; }

    public long WorkflowId { get; init; }

    public long? CheckSuiteId { get; init; }

    public string? Url { get; init; }

    public string? HtmlUrl { get; init; }

    public string? JobsUrl { get; init; }

    public string? LogsUrl { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A page of <c>GET /repos/{owner}/{repo}/actions/runs</c>.</summary>
public sealed record GitHubWorkflowRunList
{
    public int TotalCount { get; init; }

    public IReadOnlyList<GitHubWorkflowRun> WorkflowRuns { get; init; } = [];
}

/// <summary>A job of a workflow run (its id is also its check run's id).</summary>
public sealed record GitHubJob
{
    public long Id { get; init; }

    public long RunId { get; init; }

    public string? RunUrl { get; init; }

    public int? RunAttempt { get; init; }

    public string? NodeId { get; init; }

    public string HeadSha { get; init; } = "";

    public string? Url { get; init; }

    public string? HtmlUrl { get; init; }

    public string Status { get; init; } = "";

    public string? Conclusion { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string Name { get; init; } = "";

    public IReadOnlyList<GitHubJobStep> Steps { get; init; } = [];

    public string? CheckRunUrl { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public long? RunnerId { get; init; }

    public string? RunnerName { get; init; }

    public string? WorkflowName { get; init; }

    public string? HeadBranch { get; init; }
}

public sealed record GitHubJobStep
{
    public string Name { get; init; } = "";

    public string Status { get; init; } = "";

    public string? Conclusion { get; init; }

    public int Number { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>A page of <c>GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs</c>.</summary>
public sealed record GitHubJobList
{
    public int TotalCount { get; init; }

    public IReadOnlyList<GitHubJob> Jobs { get; init; } = [];
}
