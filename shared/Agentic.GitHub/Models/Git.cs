using System.Text.Json.Serialization;

namespace Agentic.GitHub.Models;

/// <summary>A git reference (<c>git-ref</c>).</summary>
public sealed record GitHubReference
{
    /// <summary>The full name, e.g. refs/heads/main.</summary>
    public string Ref { get; init; } = "";

    public string? NodeId { get; init; }

    public string? Url { get; init; }

    /// <summary>What the reference points at (GitHub's <c>object</c>).</summary>
    [JsonPropertyName("object")]
    public GitHubGitObject Target { get; init; } = new();
}

public sealed record GitHubGitObject
{
    /// <summary>commit, tag or tree.</summary>
    public string Type { get; init; } = "";

    public string Sha { get; init; } = "";

    public string? Url { get; init; }
}

/// <summary>Body of <c>POST /repos/{owner}/{repo}/git/refs</c>.</summary>
public sealed record NewReference
{
    /// <summary>The full name: refs/heads/branch.</summary>
    public required string Ref { get; init; }

    public required string Sha { get; init; }
}

/// <summary>Body of <c>PATCH /repos/{owner}/{repo}/git/refs/{ref}</c>.</summary>
public sealed record ReferenceUpdate
{
    public required string Sha { get; init; }

    public bool Force { get; init; }
}
