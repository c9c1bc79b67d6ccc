using FluentValidation;

namespace Agentic.IngressGateway.Options;

/// <summary>Slack is optional: with no signing secret the Slack endpoints answer 404.</summary>
public sealed class SlackWebhookOptions
{
    public const string SectionName = "Slack";

    public List<string> SigningSecrets { get; set; } = [];

    /// <summary>Requests signed longer ago than this are replays and rejected (Slack's own rule: 5 minutes).</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class SlackWebhookOptionsValidator : AbstractValidator<SlackWebhookOptions>
{
    public SlackWebhookOptionsValidator()
    {
        RuleForEach(o => o.SigningSecrets).MinimumLength(16);
        RuleFor(o => o.Tolerance).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
    }
}
