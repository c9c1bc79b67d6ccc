using FluentValidation;

namespace Agentic.IngressGateway.Options;

public sealed class GitHubWebhookOptions
{
    public const string SectionName = "GitHub:Webhooks";

    /// <summary>Accepted webhook secrets; several at once while a secret is being rotated.</summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>Largest body accepted (GitHub caps payloads at 25 MB).</summary>
    public long MaxBodyBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>How often the relay looks for accepted deliveries whose event is not yet on the bus.</summary>
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class GitHubWebhookOptionsValidator : AbstractValidator<GitHubWebhookOptions>
{
    public GitHubWebhookOptionsValidator()
    {
        RuleFor(o => o.Secrets).NotEmpty().WithMessage("at least one webhook secret is required (GitHub__Webhooks__Secrets__0)");
        RuleForEach(o => o.Secrets).MinimumLength(16).WithMessage("a webhook secret must be at least 16 characters");
        RuleFor(o => o.MaxBodyBytes).InclusiveBetween(1024, 100L * 1024 * 1024);
        RuleFor(o => o.RelayInterval).GreaterThan(TimeSpan.Zero);
    }
}
