using System.Net;

namespace Agentic.GitHub;

/// <summary>
/// GitHub answered with an error (or could not be reached after the retries): the status code, GitHub's own
/// <c>message</c> and <c>documentation_url</c>, and the request's method and URL. Never carries a credential.
/// </summary>
public sealed class GitHubApiException : Exception
{
    public GitHubApiException()
    {
    }

    public GitHubApiException(string message)
        : base(message)
    {
    }

    public GitHubApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GitHubApiException(
        HttpStatusCode? statusCode,
        string? gitHubMessage,
        string? documentationUrl,
        IReadOnlyList<string>? errors,
        string method,
        string requestUrl,
        Exception? innerException = null)
        : base(Describe(statusCode, gitHubMessage, errors, method, requestUrl), innerException)
    {
        StatusCode = statusCode;
        GitHubMessage = gitHubMessage;
        DocumentationUrl = documentationUrl;
        Errors = errors ?? [];
        Method = method;
        RequestUrl = requestUrl;
    }

    /// <summary>The HTTP status GitHub answered with; null when no answer came (network error, timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>GitHub's <c>message</c>, e.g. "Not Found", "Validation Failed", "Reference already exists".</summary>
    public string? GitHubMessage { get; }

    /// <summary>GitHub's <c>documentation_url</c>.</summary>
    public string? DocumentationUrl { get; }

    /// <summary>GitHub's <c>errors</c> of a 422, each as "resource.field: code (message)".</summary>
    public IReadOnlyList<string> Errors { get; } = [];

    public string Method { get; } = "";

    /// <summary>The request URL (query strings of non-API hosts, which carry signatures, removed).</summary>
    public string RequestUrl { get; } = "";

    private static string Describe(HttpStatusCode? statusCode, string? gitHubMessage, IReadOnlyList<string>? errors, string method, string requestUrl)
    {
        var status = statusCode is { } code ? $"{(int)code} {code}" : "no response";
        var detail = string.IsNullOrEmpty(gitHubMessage) ? "" : $": {gitHubMessage}";
        var list = errors is { Count: > 0 } ? $" [{string.Join("; ", errors)}]" : "";
        return $"GitHub {method} {requestUrl} answered {status}{detail}{list}";
    }
}
