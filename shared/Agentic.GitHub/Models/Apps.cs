using System.Text.Json;

namespace Agentic.GitHub.Models;

/// <summary>An installation access token (<c>installation-token</c>). <see cref="ToString"/> never shows the token.</summary>
public sealed record GitHubInstallationToken
{
    public string Token { get; init; } = "";

    public DateTimeOffset ExpiresAt { get; init; }

    public IReadOnlyDictionary<string, string>? Permissions { get; init; }

    /// <summary>all or selected.</summary>
    public string? RepositorySelection { get; init; }

    public override string ToString() => $"GitHubInstallationToken {{ ExpiresAt = {ExpiresAt:O}, RepositorySelection = {RepositorySelection} }}";
}

/// <summary>GitHub's error body.</summary>
public sealed record GitHubErrorBody
{
    public string? Message { get; init; }

    public string? DocumentationUrl { get; init; }

    public string? Status { get; init; }

    /// <summary>A 422's <c>errors</c>: objects (resource, field, code, message) or plain strings, depending on the endpoint.</summary>
    public IReadOnlyList<JsonElement>? Errors { get; init; }

    /// <summary>Each error as one line: "resource.field: code (message)" or the string as given.</summary>
    public IReadOnlyList<string> DescribeErrors() =>
        Errors?.Select(Describe).Where(s => s.Length > 0).ToList() ?? [];

    private static string Describe(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String)
        {
            return error.GetString() ?? "";
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return error.GetRawText();
        }

        string? Read(string name) => error.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var where = string.Join('.', new[] { Read("resource"), Read("field") }.Where(s => !string.IsNullOrEmpty(s)));
        var code = Read("code") ?? "invalid";
        var message = Read("message") is { Length: > 0 } text ? $" ({text})" : "";
        return where.Length == 0 ? $"{code}{message}" : $"{where}: {code}{message}";
    }
}

/// <summary>Body of <c>POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun</c>.</summary>
public sealed record JobRerun
{
    public bool EnableDebugLogging { get; init; }
}
