using System.Text;

namespace Agentic.GitHub.Models;

/// <summary>A repository (<c>repository</c> / <c>minimal-repository</c>).</summary>
public sealed record GitHubRepository
{
    public long Id { get; init; }

    public string? NodeId { get; init; }

    public string Name { get; init; } = "";

    public string FullName { get; init; } = "";

    public GitHubUser? Owner { get; init; }

    public bool Private { get; init; }

    public bool Fork { get; init; }

    public string? Description { get; init; }

    public string? Url { get; init; }

    public string? HtmlUrl { get; init; }

    public string? CloneUrl { get; init; }

    public string? DefaultBranch { get; init; }

    public bool Archived { get; init; }
}

/// <summary>An entry of the contents API (<c>content-file</c> and directory items).</summary>
public sealed record GitHubContent
{
    /// <summary>file, dir, symlink or submodule.</summary>
    public string Type { get; init; } = "";

    /// <summary>base64 for files up to 1 MB; "none" for larger ones.</summary>
    public string? Encoding { get; init; }

    public long Size { get; init; }

    public string Name { get; init; } = "";

    public string Path { get; init; } = "";

    /// <summary>The base64 content with GitHub's line breaks; see <see cref="GetDecodedContent"/>.</summary>
    public string? Content { get; init; }

    public string Sha { get; init; } = "";

    public string? Url { get; init; }

    public string? GitUrl { get; init; }

    public string? HtmlUrl { get; init; }

    public string? DownloadUrl { get; init; }

    /// <summary>The file's bytes, decoded from base64 (line breaks ignored).</summary>
    public byte[] GetDecodedContent()
    {
        if (Content is null)
        {
            return [];
        }

        if (!string.Equals(Encoding, "base64", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"The content of '{Path}' is not base64 encoded (encoding '{Encoding}'); files over 1 MB need the raw media type.");
        }

        return Convert.FromBase64String(Content);
    }

    /// <summary>The file's text as UTF-8.</summary>
    public string GetText() => System.Text.Encoding.UTF8.GetString(GetDecodedContent());
}
