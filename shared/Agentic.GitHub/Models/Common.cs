namespace Agentic.GitHub.Models;

/// <summary>A user, bot or organization as GitHub embeds it (<c>simple-user</c>).</summary>
public sealed record GitHubUser
{
    public string Login { get; init; } = "";

    public long Id { get; init; }

    public string? NodeId { get; init; }

    /// <summary>User, Bot or Organization.</summary>
    public string? Type { get; init; }

    public string? HtmlUrl { get; init; }

    public string? AvatarUrl { get; init; }

    public bool SiteAdmin { get; init; }
}

/// <summary>A label on an issue or pull request.</summary>
public sealed record GitHubLabel
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public string? Color { get; init; }

    public string? Description { get; init; }
}

/// <summary>A GitHub App as embedded in check runs.</summary>
public sealed record GitHubApp
{
    public long Id { get; init; }

    public string? Slug { get; init; }

    public string Name { get; init; } = "";

    public GitHubUser? Owner { get; init; }

    public string? HtmlUrl { get; init; }
}
