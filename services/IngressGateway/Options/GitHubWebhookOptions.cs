using FluentValidation;

namespace Agentic.IngressGateway.Options;

public sealed class GitHubWebhookOptions
{
    public const string SectionName = "GitHub:Webhooks";

    /// <summary>Accepted webhook secrets; several at once while a secret is being rotated.</summary>
    public List<string> Secrets { get; set; } = [];
}

public sealed class GitHubWebhookOptionsValidator : AbstractValidator<GitHubWebhookOptions>
{
    public GitHubWebhookOptionsValidator()
    {
        RuleFor(o => o.Secrets).NotEmpty().WithMessage("at least one webhook secret is required (GitHub__Webhooks__Secrets__0)");
        RuleForEach(o => o.Secrets).MinimumLength(16).WithMessage("a webhook secret must be at least 16 characters");
    }
}
