using FluentValidation;

namespace Agentic.GitHub;

/// <summary>Where the GitHub REST API is, how to authenticate and how politely to call it.</summary>
public sealed class GitHubClientOptions
{
    public const string SectionName = "GitHub:Api";

    /// <summary>The REST API root: https://api.github.com/, https://HOST/api/v3/ for GitHub Enterprise Server, or a stand-in.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.github.com/");

    /// <summary>GitHub refuses requests without a User-Agent.</summary>
    public string UserAgent { get; set; } = "Agentic";

    /// <summary>Sent as <c>X-GitHub-Api-Version</c>.</summary>
    public string ApiVersion { get; set; } = "2022-11-28";

    /// <summary>A personal access token; used when no GitHub App installation is configured.</summary>
    public string? Token { get; set; }

    public GitHubAppOptions App { get; set; } = new();

    public GitHubRateLimitOptions RateLimit { get; set; } = new();

    public GitHubRetryOptions Retry { get; set; } = new();

    /// <summary>Most GET responses kept for conditional requests (If-None-Match).</summary>
    public int ETagCacheSize { get; set; } = 2048;

    /// <summary>Time allowed for one request until its response headers arrive.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
}

/// <summary>GitHub App authentication: an RS256 JWT signed with the app's private key, exchanged for installation tokens.</summary>
public sealed class GitHubAppOptions
{
    public long? AppId { get; set; }

    /// <summary>The PEM private key (PKCS#1 as GitHub issues it, or PKCS#8). Escaped <c>\n</c> sequences are accepted.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>Alternatively, a file holding the PEM private key.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>The installation the default client acts as; other installations through <see cref="GitHubClient.ForInstallation"/>.</summary>
    public long? InstallationId { get; set; }

    /// <summary>An installation token is replaced this long before its <c>expires_at</c>.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far in the future a JWT expires (GitHub allows at most 10 minutes).</summary>
    public TimeSpan JwtLifetime { get; set; } = TimeSpan.FromMinutes(9);

    internal bool IsConfigured => AppId is not null;
}

/// <summary>How the client keeps within GitHub's primary and secondary rate limits (per credential, and the concurrency cap for all).</summary>
public sealed class GitHubRateLimitOptions
{
    /// <summary>
    /// Requests in flight at once for the whole client, every credential (installation, app, token) together: GitHub's
    /// secondary limit allows at most 100 concurrent requests, and an App reading many installations at once stays
    /// within it too.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 100;

    /// <summary>Content-creating requests (POST, PATCH, PUT, DELETE) start at least this far apart.</summary>
    public TimeSpan MinimumWriteInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait after a secondary-limit answer that names no <c>retry-after</c> (GitHub says at least a minute); doubles on repeats.</summary>
    public TimeSpan SecondaryLimitWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Added to <c>x-ratelimit-reset</c> for clock skew.</summary>
    public TimeSpan ResetMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often one request is retried after rate-limit answers before it fails.</summary>
    public int MaxRetries { get; set; } = 5;
}

/// <summary>Retries with jittered exponential backoff for 5xx answers and network errors (idempotent requests only).</summary>
public sealed class GitHubRetryOptions
{
    public int MaxRetries { get; set; } = 3;

    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class GitHubClientOptionsValidator : AbstractValidator<GitHubClientOptions>
{
    public GitHubClientOptionsValidator()
    {
        RuleFor(o => o.BaseUrl)
            .Must(u => u is { IsAbsoluteUri: true } && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp))
            .WithMessage("must be an absolute http(s) URL such as https://api.github.com/");
        RuleFor(o => o.UserAgent).NotEmpty();
        RuleFor(o => o.ApiVersion).NotEmpty();
        RuleFor(o => o.ETagCacheSize).GreaterThanOrEqualTo(0);
        RuleFor(o => o.Timeout).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.App.AppId).GreaterThan(0).When(o => o.App.AppId is not null);
        RuleFor(o => o.App)
            .Must(a => !string.IsNullOrWhiteSpace(a.PrivateKey) || !string.IsNullOrWhiteSpace(a.PrivateKeyPath))
            .When(o => o.App.IsConfigured)
            .WithMessage("App.PrivateKey or App.PrivateKeyPath is required when App.AppId is set");
        RuleFor(o => o.App.InstallationId).Null().When(o => !o.App.IsConfigured)
            .WithMessage("App.InstallationId needs App.AppId and a private key");
        RuleFor(o => o.App.JwtLifetime).GreaterThan(TimeSpan.Zero).LessThanOrEqualTo(TimeSpan.FromMinutes(10));
        RuleFor(o => o.App.TokenRefreshMargin).GreaterThanOrEqualTo(TimeSpan.Zero).LessThan(TimeSpan.FromMinutes(55));
        RuleFor(o => o.RateLimit.MaxConcurrentRequests).InclusiveBetween(1, 100);
        RuleFor(o => o.RateLimit.MinimumWriteInterval).GreaterThanOrEqualTo(TimeSpan.Zero);
        RuleFor(o => o.RateLimit.SecondaryLimitWait).GreaterThanOrEqualTo(TimeSpan.Zero);
        RuleFor(o => o.RateLimit.ResetMargin).GreaterThanOrEqualTo(TimeSpan.Zero);
        RuleFor(o => o.RateLimit.MaxRetries).InclusiveBetween(0, 20);
        RuleFor(o => o.Retry.MaxRetries).InclusiveBetween(0, 10);
        RuleFor(o => o.Retry.BaseDelay).GreaterThanOrEqualTo(TimeSpan.Zero);
        RuleFor(o => o.Retry.MaxDelay).GreaterThanOrEqualTo(o => o.Retry.BaseDelay);
    }
}
