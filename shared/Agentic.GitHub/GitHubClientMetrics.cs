namespace Agentic.GitHub;

/// <summary>Counters of what the client did, shared by every <see cref="GitHubClient"/> of one container.</summary>
public sealed class GitHubClientMetrics
{
    private long _requests;
    private long _notModified;
    private long _retries;
    private long _rateLimitWaits;
    private long _throttledWrites;
    private long _installationTokens;

    /// <summary>HTTP requests sent to the API, retries included (log downloads from the storage host are not).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Conditional GETs answered 304 and served from the ETag cache; GitHub does not charge them.</summary>
    public long NotModified => Interlocked.Read(ref _notModified);

    /// <summary>Requests repeated after a 5xx answer or a network error.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Times a request waited for a primary-limit reset or a secondary limit's retry-after.</summary>
    public long RateLimitWaits => Interlocked.Read(ref _rateLimitWaits);

    /// <summary>Content-creating requests that waited to keep the minimum spacing between writes.</summary>
    public long ThrottledWrites => Interlocked.Read(ref _throttledWrites);

    /// <summary>Installation access tokens requested from GitHub.</summary>
    public long InstallationTokens => Interlocked.Read(ref _installationTokens);

    internal void OnRequest() => Interlocked.Increment(ref _requests);

    internal void OnNotModified() => Interlocked.Increment(ref _notModified);

    internal void OnRetry() => Interlocked.Increment(ref _retries);

    internal void OnRateLimitWait() => Interlocked.Increment(ref _rateLimitWaits);

    internal void OnThrottledWrite() => Interlocked.Increment(ref _throttledWrites);

    internal void OnInstallationToken() => Interlocked.Increment(ref _installationTokens);
}
