namespace Agentic.GitHub.Models;

/// <summary>A pull request (<c>pull-request</c> from get/create, <c>pull-request-simple</c> from list).</summary>
public sealed record GitHubPullRequest
{
    public long Id { get; init; }

    public string? NodeId { get; init; }

    public int Number { get; init; }

    /// <summary>open or closed.</summary>
    public string State { get; init; } = "";

    public bool Locked { get; init; }

    public string Title { get; init; } = "";

    public string? Body { get; init; }

    public GitHubUser? User { get; init; }

    public IReadOnlyList<GitHubLabel> Labels { get; init; } = [];

    public bool? Draft { get; init; }

    public GitHubBranch Head { get; init; } = new();

    public GitHubBranch Base { get; init; } = new();

    public string? Url { get; init; }

    public string? HtmlUrl { get; init; }

    public string? DiffUrl { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public DateTimeOffset? MergedAt { get; init; }

    public string? MergeCommitSha { get; init; }

    public string? AuthorAssociation { get; init; }

    /// <summary>Only in get/create answers.</summary>
    public bool? Merged { get; init; }

    /// <summary>Only in get answers; null while GitHub computes it.</summary>
    public bool? Mergeable { get; init; }

    public string? MergeableState { get; init; }

    public bool? MaintainerCanModify { get; init; }

    public int? Commits { get; init; }

    public int? ChangedFiles { get; init; }
}

/// <summary>The head or base of a pull request.</summary>
public sealed record GitHubBranch
{
    /// <summary>owner:branch.</summary>
    public string? Label { get; init; }

    public string Ref { get; init; } = "";

    public string Sha { get; init; } = "";

    public GitHubUser? User { get; init; }

    /// <summary>Null when the head repository was deleted.</summary>
    public GitHubRepository? Repo { get; init; }
}

/// <summary>A pull request review.</summary>
public sealed record GitHubPullRequestReview
{
    public long Id { get; init; }

    public string? NodeId { get; init; }

    public GitHubUser? User { get; init; }

    public string Body { get; init; } = "";

    /// <summary>APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING.</summary>
    public string State { get; init; } = "";

    public string? HtmlUrl { get; init; }

    public string? PullRequestUrl { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public string? CommitId { get; init; }

    public string? AuthorAssociation { get; init; }
}

/// <summary>Body of <c>POST /repos/{owner}/{repo}/pulls</c>.</summary>
public sealed record NewPullRequest
{
    public required string Title { get; init; }

    /// <summary>The branch with the changes; <c>owner:branch</c> for a fork.</summary>
    public required string Head { get; init; }

    /// <summary>The branch to merge into.</summary>
    public required string Base { get; init; }

    public string? Body { get; init; }

    public bool? Draft { get; init; }

    public bool? MaintainerCanModify { get; init; }
}

/// <summary>Body of <c>POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews</c>.</summary>
public sealed record NewPullRequestReview
{
    /// <summary>The commit the review is about; defaults to the head.</summary>
    public string? CommitId { get; init; }

    public string? Body { get; init; }

    /// <summary>APPROVE, REQUEST_CHANGES or COMMENT; null leaves the review PENDING.</summary>
    public string? Event { get; init; }

    public IReadOnlyList<DraftReviewComment>? Comments { get; init; }
}

/// <summary>An inline comment of a new review: on <see cref="Line"/> (and up from <see cref="StartLine"/>) of <see cref="Path"/>.</summary>
public sealed record DraftReviewComment
{
    public required string Path { get; init; }

    public required string Body { get; init; }

    public int? Line { get; init; }

    /// <summary>LEFT or RIGHT (the default).</summary>
    public string? Side { get; init; }

    public int? StartLine { get; init; }

    public string? StartSide { get; init; }
}

/// <summary>The event of a new review.</summary>
public static class ReviewEvent
{
    public const string Approve = "APPROVE";
    public const string RequestChanges = "REQUEST_CHANGES";
    public const string Comment = "COMMENT";
}
