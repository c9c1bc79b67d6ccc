using System.Net.Http;
using Microsoft.Extensions.Logging;

namespace Agentic.GitHub;

/// <summary>What the client logs: methods, paths, statuses, waits and ids; never tokens, JWTs, keys or bodies.</summary>
internal static partial class GitHubClientLog
{
    [LoggerMessage(1, LogLevel.Warning, "GitHub {Method} {Path} answered {Status}; retry {Attempt} in {Delay}")]
    public static partial void RetryingAfterStatus(ILogger logger, string method, string path, int status, int attempt, TimeSpan delay);

    [LoggerMessage(2, LogLevel.Warning, "GitHub {Method} {Path} failed ({Error}); retry {Attempt} in {Delay}")]
    public static partial void RetryingAfterNetworkError(ILogger logger, string method, string path, HttpRequestError error, int attempt, TimeSpan delay);

    [LoggerMessage(3, LogLevel.Warning, "GitHub rate limit of {Credential}: waiting {Delay} before the next request")]
    public static partial void WaitingForRateLimit(ILogger logger, string credential, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Warning, "GitHub {Method} {Path} hit the {Kind} rate limit ({Status}); pausing {Credential} for {Delay}")]
    public static partial void RateLimited(ILogger logger, string method, string path, string kind, int status, string credential, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Information, "Created an access token for installation {InstallationId}, expiring at {ExpiresAt}")]
    public static partial void InstallationTokenCreated(ILogger logger, long installationId, DateTimeOffset expiresAt);

    [LoggerMessage(6, LogLevel.Debug, "GitHub {Method} {Path} answered 304; served from the ETag cache")]
    public static partial void NotModified(ILogger logger, string method, string path);

    [LoggerMessage(7, LogLevel.Warning, "GitHub rejected the credential {Credential} for {Method} {Path}; renewing it once")]
    public static partial void CredentialRejected(ILogger logger, string credential, string method, string path);

    [LoggerMessage(8, LogLevel.Debug, "Spacing the writes of {Credential}: waiting {Delay}")]
    public static partial void SpacingWrite(ILogger logger, string credential, TimeSpan delay);
}
