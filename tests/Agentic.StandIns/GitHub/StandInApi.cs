using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agentic.StandIns.GitHub;

/// <summary>The REST side of the stand-in: a gate (auth, faults, limits, latency, ETags) in front of GitHub's routes.</summary>
internal sealed partial class StandInApi(GitHubStandIn server)
{
    private const string CallerKey = "standin.caller";
    private const string RateLimitDocs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";
    private const string SecondaryMessage = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";

    private readonly GitHubShapes _shapes = new(server);
    private readonly JsonWebTokenHandler _jwtHandler = new();

    public void Map(WebApplication app)
    {
        var api = app.MapGroup("").AddEndpointFilter(GateAsync);
        api.MapGet("/app", GetApp);
        api.MapPost("/app/installations/{installationId:long}/access_tokens", CreateInstallationToken);
        api.MapGet("/rate_limit", GetRateLimit);
        api.MapGet("/repos/{owner}/{repo}", GetRepository);
        api.MapGet("/repos/{owner}/{repo}/contents/{**path}", GetContentAsync);
        api.MapGet("/repos/{owner}/{repo}/pulls", ListPulls);
        api.MapPost("/repos/{owner}/{repo}/pulls", CreatePullAsync);
        api.MapGet("/repos/{owner}/{repo}/pulls/{number:int}", GetPull);
        api.MapGet("/repos/{owner}/{repo}/pulls/{number:int}/reviews", ListReviews);
        api.MapPost("/repos/{owner}/{repo}/pulls/{number:int}/reviews", CreateReviewAsync);
        api.MapGet("/repos/{owner}/{repo}/pulls/{number:int}/comments", ListReviewComments);
        api.MapGet("/repos/{owner}/{repo}/commits/{**rest}", GetCommitSubresourceAsync);
        api.MapPost("/repos/{owner}/{repo}/check-runs", CreateCheckRunAsync);
        api.MapGet("/repos/{owner}/{repo}/check-runs/{id:long}", GetCheckRun);
        api.MapMethods("/repos/{owner}/{repo}/check-runs/{id:long}", [HttpMethods.Patch], UpdateCheckRunAsync);
        api.MapGet("/repos/{owner}/{repo}/check-runs/{id:long}/annotations", ListAnnotations);
        api.MapGet("/repos/{owner}/{repo}/actions/runs", ListWorkflowRuns);
        api.MapGet("/repos/{owner}/{repo}/actions/runs/{id:long}", GetWorkflowRun);
        api.MapGet("/repos/{owner}/{repo}/actions/runs/{id:long}/jobs", ListJobs);
        api.MapGet("/repos/{owner}/{repo}/actions/jobs/{id:long}", GetJob);
        api.MapGet("/repos/{owner}/{repo}/actions/jobs/{id:long}/logs", DownloadJobLogs);
        api.MapPost("/repos/{owner}/{repo}/actions/jobs/{id:long}/rerun", RerunJob);
        api.MapGet("/repos/{owner}/{repo}/issues/{number:int}/comments", ListComments);
        api.MapPost("/repos/{owner}/{repo}/issues/{number:int}/comments", CreateCommentAsync);
        api.MapGet("/repos/{owner}/{repo}/issues/comments/{id:long}", GetComment);
        api.MapMethods("/repos/{owner}/{repo}/issues/comments/{id:long}", [HttpMethods.Patch], UpdateCommentAsync);
        api.MapGet("/repos/{owner}/{repo}/git/ref/{**name}", GetReference);
        api.MapPost("/repos/{owner}/{repo}/git/refs", CreateReferenceAsync);
        api.MapMethods("/repos/{owner}/{repo}/git/refs/{**name}", [HttpMethods.Patch], UpdateReferenceAsync);
        api.MapDelete("/repos/{owner}/{repo}/git/refs/{**name}", DeleteReferenceAsync);
        app.MapFallback(() => ApiResponse.NotFound());
    }

    // ---- The gate

    private async ValueTask<object?> GateAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var at = server.Now;
        var started = Stopwatch.GetTimestamp();
        string? identity = null;
        var notModified = false;
        server.EnterRequest();
        try
        {
            if (server.Options.Latency > TimeSpan.Zero)
            {
                await Task.Delay(server.Options.Latency, http.RequestAborted);
            }

            ApiResponse response;
            var caller = request.Path.StartsWithSegments("/app", StringComparison.Ordinal)
                ? await AuthenticateAppAsync(request)
                : AuthenticateToken(request);
            if (caller.Error is { } rejected)
            {
                response = rejected;
            }
            else
            {
                identity = caller.Caller!.Identity;
                http.Items[CallerKey] = caller.Caller;
                (response, notModified) = await PassAsync(context, next, caller.Caller);
            }

            server.Record(new StandInRequest(request.Method, $"{request.Path}{request.QueryString}", response.Status, at, identity, request.Headers.Authorization.Count > 0, notModified,
                Stopwatch.GetElapsedTime(started)));
            return response;
        }
        finally
        {
            server.LeaveRequest();
        }
    }

    private async Task<(ApiResponse Response, bool NotModified)> PassAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, StandInCaller caller)
    {
        var request = context.HttpContext.Request;
        if (server.TakeFault(request.Method, request.Path.Value ?? "") is { } fault)
        {
            return (Fault(fault), false);
        }

        var inFlight = server.EnterIdentity(caller.Identity);
        try
        {
            var isWrite = !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method);
            if ((server.Options.SecondaryMaxConcurrentRequests is { } maxConcurrent && inFlight > maxConcurrent)
                || (isWrite && !server.TryCountWrite(caller.Identity)))
            {
                var secondary = ApiResponse.Error((int)server.Options.SecondaryLimitStatus, SecondaryMessage, documentationUrl: $"{RateLimitDocs}#about-secondary-rate-limits");
                secondary.Headers["retry-after"] = ((int)Math.Ceiling(server.Options.SecondaryRetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return (secondary, false);
            }

            if (!server.TryConsume(caller.Identity, out var limit))
            {
                var kind = caller.Installation is not null ? "installation ID" : caller.App is not null ? "integration ID" : "user ID";
                var id = caller.Installation?.Id ?? caller.App?.Id ?? server.UserId(caller.Login);
                var exhausted = ApiResponse.Error(StatusCodes.Status403Forbidden, $"API rate limit exceeded for {kind} {id}. If you reach out to GitHub Support for help, please include the request ID.", documentationUrl: RateLimitDocs);
                AddRateLimitHeaders(exhausted, limit);
                return (exhausted, false);
            }

            var response = await next(context) as ApiResponse ?? throw new InvalidOperationException("Stand-in handlers answer with ApiResponse.");
            var notModified = false;
            if (HttpMethods.IsGet(request.Method) && response.Status == StatusCodes.Status200OK && response.Payload is { } payload)
            {
                var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(payload))[..40]}\"";
                response.Headers["ETag"] = etag;
                if (Matches(request.Headers.IfNoneMatch.ToString(), etag))
                {
                    limit = server.Refund(caller.Identity);
                    response = ApiResponse.NotModified(etag);
                    notModified = true;
                }
            }

            AddRateLimitHeaders(response, limit);
            return (response, notModified);
        }
        finally
        {
            server.LeaveIdentity(caller.Identity);
        }
    }

    private static bool Matches(string ifNoneMatch, string etag) =>
        !string.IsNullOrEmpty(ifNoneMatch)
        && ifNoneMatch.Split(',', StringSplitOptions.TrimEntries).Any(candidate =>
            candidate == "*" || string.Equals(candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate, etag, StringComparison.Ordinal));

    private static void AddRateLimitHeaders(ApiResponse response, RateLimitSnapshot limit)
    {
        response.Headers["x-ratelimit-limit"] = limit.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-remaining"] = limit.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-used"] = limit.Used.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-reset"] = limit.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-resource"] = "core";
    }

    private static ApiResponse Fault(StandInFault fault)
    {
        var message = fault.Message ?? fault.StatusCode switch
        {
            StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests => SecondaryMessage,
            >= 500 => "Server Error",
            _ => "Fault injected by the stand-in",
        };
        var response = fault.StatusCode >= 500 && fault.Message is null
            ? new ApiResponse(fault.StatusCode, new JsonObject { ["message"] = message })
            : ApiResponse.Error(fault.StatusCode, message);
        if (fault.RetryAfter is { } retryAfter)
        {
            response.Headers["retry-after"] = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    private (StandInCaller? Caller, ApiResponse? Error) AuthenticateToken(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header) || string.IsNullOrEmpty(header.Parameter))
        {
            return (null, ApiResponse.Error(StatusCodes.Status401Unauthorized, "Requires authentication"));
        }

        var token = header.Scheme.ToUpperInvariant() switch
        {
            "BEARER" or "TOKEN" => header.Parameter,
            "BASIC" => BasicPassword(header.Parameter),
            _ => null,
        };
        return token is not null && server.Authenticate(token) is { } caller
            ? (caller, null)
            : (null, ApiResponse.Error(StatusCodes.Status401Unauthorized, "Bad credentials"));
    }

    internal static string? BasicPassword(string parameter)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private async Task<(StandInCaller? Caller, ApiResponse? Error)> AuthenticateAppAsync(HttpRequest request)
    {
        static (StandInCaller?, ApiResponse?) Reject(string message) => (null, ApiResponse.Error(StatusCodes.Status401Unauthorized, message));

        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return Reject("A JSON web token could not be decoded");
        }

        JsonWebToken jwt;
        try
        {
            jwt = _jwtHandler.ReadJsonWebToken(header.Parameter);
        }
        catch (ArgumentException)
        {
            return Reject("A JSON web token could not be decoded");
        }

        if (!long.TryParse(jwt.Issuer, NumberStyles.Integer, CultureInfo.InvariantCulture, out var appId))
        {
            return Reject("'Issuer' claim ('iss') must be an Integer");
        }

        if (server.FindApp(appId) is not { } app)
        {
            return Reject("Integration not found");
        }

        var validation = await _jwtHandler.ValidateTokenAsync(header.Parameter, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKey = new RsaSecurityKey(app.Key.ExportParameters(includePrivateParameters: false)),
        });
        if (!validation.IsValid)
        {
            return Reject("A JSON web token could not be decoded");
        }

        var now = server.Now;
        if (!jwt.TryGetPayloadValue<long>("iat", out var iat) || DateTimeOffset.FromUnixTimeSeconds(iat) > now + TimeSpan.FromSeconds(60))
        {
            return Reject("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.");
        }

        if (!jwt.TryGetPayloadValue<long>("exp", out var exp) || DateTimeOffset.FromUnixTimeSeconds(exp) <= now)
        {
            return Reject("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(exp) > now + TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30))
        {
            return Reject("'Expiration time' claim ('exp') is too far in the future");
        }

        return (new StandInCaller($"app:{app.Id}", app.BotLogin, null, app), null);
    }

    // ---- Helpers

    private static StandInCaller Caller(HttpContext http) => (StandInCaller)http.Items[CallerKey]!;

    private bool TryRepository(HttpContext http, string owner, string repo, out StandInRepository repository)
    {
        repository = server.FindRepository(owner, repo)!;
        return repository is not null && GitHubStandIn.CanAccess(Caller(http), repository);
    }

    private static async Task<(JsonObject? Body, ApiResponse? Error)> ReadBodyAsync(HttpContext http)
    {
        try
        {
            if (await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) is JsonObject body)
            {
                return (body, null);
            }
        }
        catch (JsonException)
        {
        }

        return (null, ApiResponse.Error(StatusCodes.Status400BadRequest, "Problems parsing JSON"));
    }

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool? Flag(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    private static int? Integer(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    private static DateTimeOffset? Timestamp(JsonObject body, string name) =>
        Text(body, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static string? Query(HttpContext http, string name) =>
        http.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static int QueryNumber(HttpContext http, string name, int fallback, int max) =>
        int.TryParse(Query(http, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 1 ? Math.Min(value, max) : fallback;

    /// <summary>One page (<c>per_page</c>, default 30, at most 100; <c>page</c> from 1) with GitHub's Link header.</summary>
    private ApiResponse Page(HttpContext http, List<JsonNode> items, Func<JsonArray, int, JsonNode>? wrap = null)
    {
        var perPage = QueryNumber(http, "per_page", 30, 100);
        var page = QueryNumber(http, "page", 1, int.MaxValue);
        var array = new JsonArray([.. items.Skip((page - 1) * perPage).Take(perPage)]);
        var response = ApiResponse.Ok(wrap is null ? array : wrap(array, items.Count));
        var last = Math.Max(1, (items.Count + perPage - 1) / perPage);
        var links = new List<string>();
        if (page > 1)
        {
            links.Add($"<{PageUrl(http, page - 1)}>; rel=\"prev\"");
        }

        if (page < last)
        {
            links.Add($"<{PageUrl(http, page + 1)}>; rel=\"next\"");
            links.Add($"<{PageUrl(http, last)}>; rel=\"last\"");
        }

        if (page > 1)
        {
            links.Add($"<{PageUrl(http, 1)}>; rel=\"first\"");
        }

        if (links.Count > 0)
        {
            response.Headers["Link"] = string.Join(", ", links);
        }

        return response;
    }

    private string PageUrl(HttpContext http, int page)
    {
        var query = http.Request.Query
            .Where(pair => pair.Key != "page")
            .SelectMany(pair => pair.Value.Select(value => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(value ?? "")}"))
            .Append($"page={page.ToString(CultureInfo.InvariantCulture)}");
        return $"{server.BaseUri.AbsoluteUri.TrimEnd('/')}{http.Request.Path}?{string.Join('&', query)}";
    }
}
