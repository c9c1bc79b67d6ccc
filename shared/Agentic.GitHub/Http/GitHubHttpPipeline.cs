using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Agentic.GitHub.Authentication;
using Agentic.GitHub.Models;
using Microsoft.Extensions.Logging;

namespace Agentic.GitHub.Http;

/// <summary>A request to the API; <see cref="RetryIsSafe"/> overrides the method's default (GET, PUT, PATCH, DELETE retry; POST does not).</summary>
internal sealed record PipelineRequest(
    HttpMethod Method,
    Uri Uri,
    byte[]? Body = null,
    bool? RetryIsSafe = null,
    bool AllowRedirect = false,
    bool UseCache = true);

/// <summary>A fully read answer (or one served from the ETag cache).</summary>
internal sealed record PipelineResponse(HttpStatusCode StatusCode, byte[] Body, string? Link, Uri? Location, bool FromCache);

/// <summary>
/// Sends API requests: the credential's Authorization header, conditional GETs from the ETag cache, the rate-limit
/// governor of the credential, one cap on requests in flight for all credentials together, rate-limit retries,
/// jittered exponential backoff for 5xx and network errors, and <see cref="GitHubApiException"/> for everything else.
/// </summary>
internal sealed class GitHubHttpPipeline : IDisposable
{
    private readonly Func<HttpClient> _httpClient;
    private readonly GitHubClientOptions _options;
    private readonly ETagCache _cache;
    private readonly ConcurrentDictionary<string, RateLimitGovernor> _governors = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _inFlight;
    private readonly MediaTypeWithQualityHeaderValue _accept = new("application/vnd.github+json");

    public GitHubHttpPipeline(Func<HttpClient> httpClient, GitHubClientOptions options, GitHubClientMetrics metrics, TimeProvider time, ILogger logger)
    {
        _httpClient = httpClient;
        _options = options;
        Metrics = metrics;
        Time = time;
        Logger = logger;
        _cache = new ETagCache(options.ETagCacheSize);
        _inFlight = new SemaphoreSlim(options.RateLimit.MaxConcurrentRequests, options.RateLimit.MaxConcurrentRequests);
        var baseUrl = options.BaseUrl.AbsoluteUri;
        BaseUrl = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
    }

    public Uri BaseUrl { get; }

    public GitHubClientMetrics Metrics { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public Uri Resolve(string relative) => new(BaseUrl, relative);

    /// <summary>True for URLs of the API itself (same scheme, host and port, under the base path): only those get credentials.</summary>
    public bool IsApiUri(Uri uri) =>
        uri.IsAbsoluteUri
        && Uri.Compare(uri, BaseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
        && uri.AbsolutePath.StartsWith(BaseUrl.AbsolutePath, StringComparison.Ordinal);

    public async Task<PipelineResponse> SendAsync(PipelineRequest request, GitHubCredential credential, CancellationToken cancellationToken)
    {
        if (!IsApiUri(request.Uri))
        {
            throw new InvalidOperationException($"Refusing to send GitHub credentials to {Describe(request.Uri)}, which is not under {BaseUrl}.");
        }

        var governor = _governors.GetOrAdd(credential.Key, key => new RateLimitGovernor(key, _options.RateLimit, Time, Metrics, Logger));
        var isWrite = request.Method != HttpMethod.Get && request.Method != HttpMethod.Head;
        var retryIsSafe = request.RetryIsSafe ?? request.Method != HttpMethod.Post;
        var cacheKey = !isWrite && request.UseCache ? $"{credential.Key} {request.Uri.AbsoluteUri}" : null;
        var method = request.Method.Method;
        var path = request.Uri.AbsolutePath;
        var failures = 0;
        var rateLimited = 0;
        var renewed = false;

        while (true)
        {
            ETagCache.Entry? cached = null;
            if (cacheKey is not null && _cache.TryGet(cacheKey, out var entry))
            {
                cached = entry;
            }

            var attempt = await SendOnceAsync(request, governor, isWrite, credential, cached?.ETag, cancellationToken);
            var authorization = attempt.Authorization;

            if (attempt.Error is { } error)
            {
                var connectFailed = error is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
                if (failures < _options.Retry.MaxRetries && (retryIsSafe || connectFailed))
                {
                    failures++;
                    var delay = Backoff(failures);
                    GitHubClientLog.RetryingAfterNetworkError(Logger, method, path, (error as HttpRequestException)?.HttpRequestError ?? HttpRequestError.Unknown, failures, delay);
                    Metrics.OnRetry();
                    await Task.Delay(delay, Time, cancellationToken);
                    continue;
                }

                throw new GitHubApiException(null, error.Message, null, null, method, Describe(request.Uri), error);
            }

            var status = attempt.Status;
            if (status == HttpStatusCode.NotModified && cached is not null)
            {
                Metrics.OnNotModified();
                GitHubClientLog.NotModified(Logger, method, path);
                return new PipelineResponse(HttpStatusCode.OK, cached.Body, cached.Link, null, FromCache: true);
            }

            if ((int)status is >= 200 and < 300)
            {
                if (cacheKey is not null)
                {
                    if (attempt.ETag is not null)
                    {
                        _cache.Set(cacheKey, attempt.ETag, attempt.Body, attempt.Link);
                    }
                    else
                    {
                        _cache.Remove(cacheKey);
                    }
                }

                return new PipelineResponse(status, attempt.Body, attempt.Link, null, FromCache: false);
            }

            if ((int)status is >= 300 and < 400 && request.AllowRedirect && attempt.Location is not null)
            {
                return new PipelineResponse(status, [], null, new Uri(request.Uri, attempt.Location), FromCache: false);
            }

            var body = ReadError(attempt.Body);
            if (status == HttpStatusCode.Unauthorized && !renewed && credential.Renew(authorization))
            {
                renewed = true;
                GitHubClientLog.CredentialRejected(Logger, credential.Key, method, path);
                continue;
            }

            if (status is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests
                && RateLimitKind(attempt, body) is { } kind
                && rateLimited < _options.RateLimit.MaxRetries)
            {
                rateLimited++;
                var now = Time.GetUtcNow();
                var wait = attempt.RetryAfter
                    ?? (kind == "primary" && governor.ExhaustedUntil() is { } until
                        ? until - now
                        : _options.RateLimit.SecondaryLimitWait * Math.Pow(2, rateLimited - 1));
                if (wait < TimeSpan.Zero)
                {
                    wait = TimeSpan.Zero;
                }

                GitHubClientLog.RateLimited(Logger, method, path, kind, (int)status, credential.Key, wait);
                governor.PauseUntil(now + wait);
                continue;
            }

            if ((int)status >= 500 && retryIsSafe && failures < _options.Retry.MaxRetries)
            {
                failures++;
                var delay = attempt.RetryAfter ?? Backoff(failures);
                GitHubClientLog.RetryingAfterStatus(Logger, method, path, (int)status, failures, delay);
                Metrics.OnRetry();
                await Task.Delay(delay, Time, cancellationToken);
                continue;
            }

            throw new GitHubApiException(
                status,
                body?.Message ?? attempt.ReasonPhrase,
                body?.DocumentationUrl,
                body?.DescribeErrors(),
                method,
                Describe(request.Uri));
        }
    }

    /// <summary>
    /// GETs a URL outside the API (e.g. the pre-signed storage URL a log download redirects to) WITHOUT credentials,
    /// following further redirects, and returns its body as a stream.
    /// </summary>
    public async Task<Stream> OpenUnauthenticatedAsync(Uri uri, CancellationToken cancellationToken)
    {
        var failures = 0;
        for (var hop = 0; ; )
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, uri);
            message.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
            HttpResponseMessage response;
            try
            {
                response = await _httpClient().SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (Exception ex) when (IsNetworkError(ex, cancellationToken))
            {
                if (failures >= _options.Retry.MaxRetries)
                {
                    throw new GitHubApiException(null, ex.Message, null, null, "GET", Describe(uri), ex);
                }

                failures++;
                Metrics.OnRetry();
                await Task.Delay(Backoff(failures), Time, cancellationToken);
                continue;
            }

            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location && hop < 5)
            {
                hop++;
                uri = new Uri(uri, location);
                response.Dispose();
                continue;
            }

            if (response.IsSuccessStatusCode)
            {
                var content = await response.Content.ReadAsStreamAsync(cancellationToken);
                return new ResponseStream(content, response);
            }

            using (response)
            {
                if (status >= 500 && failures < _options.Retry.MaxRetries)
                {
                    failures++;
                    Metrics.OnRetry();
                    await Task.Delay(Backoff(failures), Time, cancellationToken);
                    continue;
                }

                throw new GitHubApiException(response.StatusCode, response.ReasonPhrase, null, null, "GET", Describe(uri));
            }
        }
    }

    public T Deserialize<T>(PipelineResponse response, JsonTypeInfo<T> type, PipelineRequest request)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Body, type)
                ?? throw new JsonException("The answer is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new GitHubApiException(response.StatusCode, $"The answer could not be read as {typeof(T).Name}: {ex.Message}", null, null, request.Method.Method, Describe(request.Uri), ex);
        }
    }

    /// <summary>A URL fit for exceptions and logs: API URLs whole, other hosts without their (signed) query.</summary>
    public string Describe(Uri uri) =>
        IsApiUri(uri) ? uri.AbsoluteUri : uri.GetLeftPart(UriPartial.Path);

    public void Dispose()
    {
        foreach (var governor in _governors.Values)
        {
            governor.Dispose();
        }

        _inFlight.Dispose();
    }

    private async Task<Attempt> SendOnceAsync(
        PipelineRequest request,
        RateLimitGovernor governor,
        bool isWrite,
        GitHubCredential credential,
        string? etag,
        CancellationToken cancellationToken)
    {
        await governor.WaitForTurnAsync(isWrite, cancellationToken);
        // After the governor's waits, which may outlast a token: ask for the Authorization only now. And before taking
        // a slot: an installation token is fetched by a request of its own, which needs a slot too.
        var authorization = await credential.GetAuthorizationAsync(cancellationToken);
        await _inFlight.WaitAsync(cancellationToken);
        using var slot = new InFlightSlot(_inFlight);
        using var message = new HttpRequestMessage(request.Method, request.Uri);
        message.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        message.Headers.Accept.Add(_accept);
        message.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", _options.ApiVersion);
        message.Headers.Authorization = authorization;
        if (etag is not null)
        {
            message.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        Metrics.OnRequest();
        try
        {
            using var response = await _httpClient().SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            governor.Observe(response.Headers);
            var redirect = request.AllowRedirect && (int)response.StatusCode is >= 300 and < 400;
            var body = redirect || response.StatusCode == HttpStatusCode.NotModified
                ? []
                : await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return new Attempt(
                response.StatusCode,
                response.ReasonPhrase,
                body,
                response.Headers.ETag?.ToString(),
                response.Headers.TryGetValues("Link", out var links) ? string.Join(", ", links) : null,
                response.Headers.Location,
                RetryAfter(response.Headers),
                RemainingIsZero(response.Headers),
                authorization,
                null);
        }
        catch (Exception ex) when (IsNetworkError(ex, cancellationToken))
        {
            return new Attempt(default, null, [], null, null, null, null, false, authorization, ex);
        }
    }

    private static bool IsNetworkError(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or IOException
        || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private TimeSpan? RetryAfter(HttpResponseHeaders headers)
    {
        if (headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter.Date is { } date ? date - Time.GetUtcNow() : null;
    }

    private static bool RemainingIsZero(HttpResponseHeaders headers) =>
        headers.TryGetValues("x-ratelimit-remaining", out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining)
        && remaining == 0;

    /// <summary>"primary" when the budget is spent, "secondary" for GitHub's secondary limits; null for other 403/429s.</summary>
    private static string? RateLimitKind(Attempt attempt, GitHubErrorBody? body)
    {
        var message = body?.Message ?? "";
        if (message.Contains("secondary rate limit", StringComparison.OrdinalIgnoreCase)
            || message.Contains("abuse", StringComparison.OrdinalIgnoreCase))
        {
            return "secondary";
        }

        if (attempt.RemainingIsZero)
        {
            return "primary";
        }

        return attempt.RetryAfter is not null || attempt.Status == HttpStatusCode.TooManyRequests ? "secondary" : null;
    }

    private static GitHubErrorBody? ReadError(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, GitHubJsonContext.Default.GitHubErrorBody);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private TimeSpan Backoff(int failure)
    {
        var retry = _options.Retry;
        var exponential = retry.BaseDelay * Math.Pow(2, failure - 1);
        var capped = exponential > retry.MaxDelay ? retry.MaxDelay : exponential;
        // Equal jitter: half fixed, half random, so retries of many callers spread out.
        return capped * (0.5 + (Random.Shared.NextDouble() / 2));
    }

    /// <summary>A slot of the in-flight cap, given back on dispose.</summary>
    private sealed class InFlightSlot(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }

    private sealed record Attempt(
        HttpStatusCode Status,
        string? ReasonPhrase,
        byte[] Body,
        string? ETag,
        string? Link,
        Uri? Location,
        TimeSpan? RetryAfter,
        bool RemainingIsZero,
        AuthenticationHeaderValue? Authorization,
        Exception? Error);
}
