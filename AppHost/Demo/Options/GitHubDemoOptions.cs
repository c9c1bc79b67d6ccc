using FluentValidation;

namespace Agentic.Demo.Options;

/// <summary>
/// The demo GitHub's settings (<c>GitHubDemo:*</c>). The services it serves need the matching ones: see the README's
/// "Demo" section (<c>GitHub__Api__BaseUrl</c>, <c>GitHub__Api__App__AppId</c>, <c>…__PrivateKeyPath</c>,
/// <c>GitHub__Webhooks__Secrets__0</c>, <c>Llm__Provider=none</c>).
/// </summary>
public sealed class GitHubDemoOptions
{
    public const string SectionName = "GitHubDemo";

    /// <summary>Where the GitHub API and git host listens (loopback); unset: the first of <c>ASPNETCORE_URLS</c>, else http://127.0.0.1:18090.</summary>
    public Uri? Url { get; set; }

    /// <summary>Kept between runs: the seeded project (npm's lockfile, prettier's output), the bare repository, the app key, the run counter.</summary>
    public string StateDirectory { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "agentic", "github-demo");

    /// <summary>The Ingress Gateway's GitHub webhook endpoint.</summary>
    public Uri? GatewayWebhookUrl { get; set; }

    /// <summary>Polled until it answers 2xx before the webhook is delivered; unset: <c>/health</c> on the webhook URL's origin.</summary>
    public Uri? GatewayHealthUrl { get; set; }

    /// <summary>Signs the delivery (<c>X-Hub-Signature-256</c>); the gateway's <c>GitHub__Webhooks__Secrets__0</c>.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>The GitHub App the services authenticate as (<c>GitHub__Api__App__AppId</c>).</summary>
    public long AppId { get; set; } = 424242;

    public long InstallationId { get; set; } = 4242420;

    /// <summary>The app's private key (PEM); unset: read from <see cref="PrivateKeyPath"/>.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>The app's private key file; unset: <c>{StateDirectory}/app-private-key.pem</c>, created (mode 0600) on the first run.</summary>
    public string? PrivateKeyPath { get; set; }

    public string Owner { get; set; } = "agentic-demo";

    public string Repository { get; set; } = "hello-prettier";

    /// <summary>The prettier the demo project pins (exact version, resolved by npm against the registry once).</summary>
    public string PrettierVersion { get; set; } = "3.10.2";

    /// <summary>How long npm may take to install the demo project's dependencies on the first run.</summary>
    public TimeSpan NpmTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The key file used when <see cref="PrivateKey"/> is not given.</summary>
    public string ResolvedPrivateKeyPath => PrivateKeyPath ?? Path.Combine(StateDirectory, "app-private-key.pem");

    public Uri ResolvedGatewayHealthUrl => GatewayHealthUrl ?? new Uri(GatewayWebhookUrl!, "/health");
}

public sealed class GitHubDemoOptionsValidator : AbstractValidator<GitHubDemoOptions>
{
    public GitHubDemoOptionsValidator()
    {
        RuleFor(o => o.Url).Must(u => u is { IsAbsoluteUri: true, IsLoopback: true } && u.Scheme == Uri.UriSchemeHttp)
            .WithMessage("must be an http URL on loopback, e.g. http://127.0.0.1:18090");
        RuleFor(o => o.StateDirectory).Must(path => !string.IsNullOrEmpty(path) && Path.IsPathFullyQualified(path)).WithMessage("must be an absolute path");
        RuleFor(o => o.GatewayWebhookUrl).Must(u => u is { IsAbsoluteUri: true } && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps))
            .WithMessage("must be the gateway's http(s) webhook URL, e.g. http://127.0.0.1:18080/webhooks/github");
        RuleFor(o => o.GatewayHealthUrl).Must(u => u is null || (u.IsAbsoluteUri && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)))
            .WithMessage("must be an absolute http(s) URL");
        RuleFor(o => o.WebhookSecret).NotEmpty().WithMessage("is required: the secret the gateway verifies (its GitHub__Webhooks__Secrets__0)");
        RuleFor(o => o.AppId).GreaterThan(0).LessThan(10_000_000);
        RuleFor(o => o.InstallationId).GreaterThan(0).LessThan(10_000_000);
        RuleFor(o => o.Owner).Matches("^[A-Za-z0-9-]{1,39}$");
        RuleFor(o => o.Repository).Matches("^[A-Za-z0-9._-]{1,100}$").Must(n => n is not "." and not "..");
        RuleFor(o => o.PrettierVersion).Matches(@"^\d+\.\d+\.\d+$").WithMessage("must be an exact version, e.g. 3.10.2");
        RuleFor(o => o.NpmTimeout).GreaterThan(TimeSpan.Zero);
    }
}
