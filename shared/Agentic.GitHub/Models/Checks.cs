namespace Agentic.GitHub.Models;

/// <summary>A check run.</summary>
public sealed record GitHubCheckRun
{
    public long Id { get; init; }

    public string? NodeId { get; init; }

    public string HeadSha { get; init; } = "";

    public string? ExternalId { get; init; }

    public string? Url { get; init; }

    public string? HtmlUrl { get; init; }

    public string? DetailsUrl { get; init; }

    /// <summary>queued, in_progress, completed, waiting, requested or pending.</summary>
    public string Status { get; init; } = "";

    /// <summary>success, failure, neutral, cancelled, skipped, timed_out or action_required; null until completed.</summary>
    public string? Conclusion { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string Name { get; init; } = "";

    public GitHubCheckRunOutput Output { get; init; } = new();

    public GitHubCheckSuiteReference? CheckSuite { get; init; }

    public GitHubApp? App { get; init; }

    public IReadOnlyList<GitHubCheckRunPullRequest> PullRequests { get; init; } = [];
}

public sealed record GitHubCheckRunOutput
{
    public string? Title { get; init; }

    public string? Summary { get; init; }

    public string? Text { get; init; }

    public int AnnotationsCount { get; init; }

    public string? AnnotationsUrl { get; init; }
}

public sealed record GitHubCheckSuiteReference
{
    public long Id { get; init; }
}

/// <summary>A pull request as check runs reference it.</summary>
public sealed record GitHubCheckRunPullRequest
{
    public long Id { get; init; }

    public int Number { get; init; }

    public string? Url { get; init; }

    public GitHubCheckRunPullRequestBranch Head { get; init; } = new();

    public GitHubCheckRunPullRequestBranch Base { get; init; } = new();
}

public sealed record GitHubCheckRunPullRequestBranch
{
    public string Ref { get; init; } = "";

    public string Sha { get; init; } = "";

    public GitHubRepositoryReference? Repo { get; init; }
}

public sealed record GitHubRepositoryReference
{
    public long Id { get; init; }

    public string? Name { get; init; }

    public string? Url { get; init; }
}

/// <summary>A page of <c>GET /repos/{owner}/{repo}/commits/{ref}/check-runs</c>.</summary>
public sealed record GitHubCheckRunList
{
    public int TotalCount { get; init; }

    public IReadOnlyList<GitHubCheckRun> CheckRuns { get; init; } = [];
}

/// <summary>An annotation of a check run.</summary>
public sealed record GitHubCheckAnnotation
{
    public string Path { get; init; } = "";

    public int StartLine { get; init; }

    public int EndLine { get; init; }

    public int? StartColumn { get; init; }

    public int? EndColumn { get; init; }

    /// <summary>notice, warning or failure.</summary>
    public string? AnnotationLevel { get; init; }

    public string? Title { get; init; }

    public string? Message { get; init; }

    public string? RawDetails { get; init; }

    public string? BlobHref { get; init; }
}

/// <summary>Body of <c>POST /repos/{owner}/{repo}/check-runs</c>.</summary>
public sealed record NewCheckRun
{
    public required string Name { get; init; }

    public required string HeadSha { get; init; }

    public string? DetailsUrl { get; init; }

    public string? ExternalId { get; init; }

    public string? Status { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public string? Conclusion { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public NewCheckRunOutput? Output { get; init; }
}

/// <summary>Body of <c>PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}</c>.</summary>
public sealed record CheckRunUpdate
{
    public string? Name { get; init; }

    public string? DetailsUrl { get; init; }

    public string? ExternalId { get; init; }

    public string? Status { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public string? Conclusion { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public NewCheckRunOutput? Output { get; init; }
}

public sealed record NewCheckRunOutput
{
    public required string Title { get; init; }

    public required string Summary { get; init; }

    public string? Text { get; init; }

    /// <summary>At most 50 per request.</summary>
    public IReadOnlyList<NewCheckRunAnnotation>? Annotations { get; init; }
}

public sealed record NewCheckRunAnnotation
{
    public required string Path { get; init; }

    public required int StartLine { get; init; }

    public required int EndLine { get; init; }

    public int? StartColumn { get; init; }

    public int? EndColumn { get; init; }

    /// <summary>notice, warning or failure.</summary>
    public required string AnnotationLevel { get; init; }

    public required string Message { get; init; }

    public string? Title { get; init; }

    public string? RawDetails { get; init; }
}

public static class CheckRunStatus
{
    public const string Queued = "queued";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
}

public static class CheckRunConclusion
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Neutral = "neutral";
    public const string Cancelled = "cancelled";
    public const string Skipped = "skipped";
    public const string TimedOut = "timed_out";
    public const string ActionRequired = "action_required";
}
