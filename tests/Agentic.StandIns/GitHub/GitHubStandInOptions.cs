using System.Net;

namespace Agentic.StandIns.GitHub;

/// <summary>How the GitHub stand-in behaves. Limits and latency may be changed while it runs.</summary>
public sealed class GitHubStandInOptions
{
    /// <summary>The stand-in's clock: token expiry, JWT checks, rate-limit windows. Share a <see cref="VirtualTimeProvider"/> with the client under test.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Added (in real time) to every API request, to make concurrency observable.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Primary limit: requests per window per token identity (installation, user or app).</summary>
    public int RateLimit { get; set; } = 5000;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Secondary limit: most concurrent requests per identity; null for none.</summary>
    public int? SecondaryMaxConcurrentRequests { get; set; }

    /// <summary>Secondary limit: most content-creating requests per minute per identity; null for none.</summary>
    public int? SecondaryMaxWritesPerMinute { get; set; }

    /// <summary>The <c>retry-after</c> of secondary-limit answers.</summary>
    public TimeSpan SecondaryRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>403 (GitHub's usual answer) or 429.</summary>
    public HttpStatusCode SecondaryLimitStatus { get; set; } = HttpStatusCode.Forbidden;

    public TimeSpan InstallationTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where the bare repositories live; a new temporary folder (removed on dispose) by default. A given folder is kept, and its repositories are reused by <see cref="GitHubStandIn.CreateRepositoryAsync"/>.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Where the API (and git) host listens; a free loopback port by default.</summary>
    public IPEndPoint? ApiEndpoint { get; init; }

    /// <summary>Ids handed out after this one (repositories, pull requests, runs, jobs, comments); a long-lived stand-in that restarts can move it on so that its ids are new.</summary>
    public long FirstId { get; init; } = 1_000_000;

    /// <summary>Maps more endpoints on the API host before it starts (e.g. a health endpoint); they pass no authentication gate.</summary>
    public Action<Microsoft.AspNetCore.Builder.WebApplication>? MapMoreEndpoints { get; init; }
}
