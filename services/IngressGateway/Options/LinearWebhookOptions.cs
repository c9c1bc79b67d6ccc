using FluentValidation;

namespace Agentic.IngressGateway.Options;

/// <summary>Linear is optional: with no webhook secret the Linear endpoint answers 404.</summary>
public sealed class LinearWebhookOptions
{
    public const string SectionName = "Linear";

    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>How far <c>webhookTimestamp</c> may be from now (Linear's SDK uses 60 s).</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromSeconds(60);
}

public sealed class LinearWebhookOptionsValidator : AbstractValidator<LinearWebhookOptions>
{
    public LinearWebhookOptionsValidator()
    {
        RuleForEach(o => o.WebhookSecrets).MinimumLength(16);
        RuleFor(o => o.Tolerance).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
    }
}
