namespace Agentic.GitHub.Models;

/// <summary>A comment on an issue or pull request conversation.</summary>
public sealed record GitHubIssueComment
{
    public long Id { get; init; }

    public string? NodeId { get; init; }

    public string? Url { get; init; }

    public string? HtmlUrl { get; init; }

    public string? Body { get; init; }

    public GitHubUser? User { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? IssueUrl { get; init; }

    public string? AuthorAssociation { get; init; }
}

/// <summary>Body of the create and update comment requests.</summary>
public sealed record IssueCommentBody
{
    public required string Body { get; init; }
}
