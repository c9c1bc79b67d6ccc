using FluentValidation;

namespace Agentic.PullRequestDiscovery.Options;

/// <summary>How often and how widely PR Discovery compares GitHub with what it knows (missed webhooks).</summary>
public sealed class ReconciliationOptions
{
    public const string SectionName = "Reconciliation";

    /// <summary>Off switch; reconciliation also does nothing while no GitHub credential (App or token) is configured.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time from the start of one cycle to the start of the next.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Repositories compared at once, started in priority order. Requests in flight are at most this times
    /// <see cref="CheckRunConcurrency"/>, and never more than the GitHub client's cap for all installations together
    /// (<c>GitHub:Api:RateLimit:MaxConcurrentRequests</c>).
    /// </summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// Requests in flight at once for one repository: check-run listings (one per head not seen before) and the GETs
    /// that tell closed from merged.
    /// </summary>
    public int CheckRunConcurrency { get; set; } = 4;
}

public sealed class ReconciliationOptionsValidator : AbstractValidator<ReconciliationOptions>
{
    public ReconciliationOptionsValidator()
    {
        RuleFor(o => o.Interval).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        RuleFor(o => o.MaxConcurrency).InclusiveBetween(1, 100);
        RuleFor(o => o.CheckRunConcurrency).InclusiveBetween(1, 100);
    }
}
