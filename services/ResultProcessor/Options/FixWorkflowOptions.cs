using FluentValidation;

namespace Agentic.ResultProcessor.Options;

/// <summary>Caps for every fix workflow; a repository's <c>.github/agentic.yml</c> may lower them.</summary>
public sealed class FixWorkflowOptions
{
    public const string SectionName = "FixWorkflow";

    /// <summary>Fix attempts (dispatch → execute → validate) per head SHA and failing check before escalating.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Fix attempts per pull request over all its head SHAs and checks, so a PR that keeps failing does not loop for ever.</summary>
    public int MaxAttemptsPerPullRequest { get; set; } = 10;

    /// <summary>The most one workflow may spend on LLM calls, in US dollars.</summary>
    public decimal BudgetUsd { get; set; } = 0.50m;

    /// <summary>Time limit for one sandboxed command including its validation.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class FixWorkflowOptionsValidator : AbstractValidator<FixWorkflowOptions>
{
    public FixWorkflowOptionsValidator()
    {
        RuleFor(o => o.MaxAttempts).InclusiveBetween(1, 10);
        RuleFor(o => o.MaxAttemptsPerPullRequest).InclusiveBetween(1, 100);
        RuleFor(o => o.BudgetUsd).InclusiveBetween(0m, 100m);
        RuleFor(o => o.CommandTimeout).InclusiveBetween(TimeSpan.FromSeconds(10), TimeSpan.FromHours(2));
    }
}
