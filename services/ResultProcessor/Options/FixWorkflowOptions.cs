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

    /// <summary>How long the configuring, analysing, dispatching and publishing steps may each take before the workflow escalates.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one attempt may wait for the Executor (its queue, the command and the validation) before the workflow escalates.</summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromMinutes(45);

    /// <summary>How often overdue workflows are looked for.</summary>
    public TimeSpan DeadlineSweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a step may show no progress before its command is re-sent (a lost command or reply after a crash). Each
    /// further re-drive of the same step waits twice as long as the one before.
    /// </summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often stalled workflows are looked for.</summary>
    public TimeSpan StallSweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Re-drives per step; after them only the step's deadline is left.</summary>
    public int MaxRedrives { get; set; } = 3;
}

public sealed class FixWorkflowOptionsValidator : AbstractValidator<FixWorkflowOptions>
{
    public FixWorkflowOptionsValidator()
    {
        RuleFor(o => o.MaxAttempts).InclusiveBetween(1, 10);
        RuleFor(o => o.MaxAttemptsPerPullRequest).InclusiveBetween(1, 100);
        RuleFor(o => o.BudgetUsd).InclusiveBetween(0m, 100m);
        RuleFor(o => o.CommandTimeout).InclusiveBetween(TimeSpan.FromSeconds(10), TimeSpan.FromHours(2));
        RuleFor(o => o.StepTimeout).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        RuleFor(o => o.ExecutionTimeout).GreaterThan(o => o.CommandTimeout)
            .WithMessage("ExecutionTimeout must be longer than CommandTimeout: it also covers the Executor's queue and the validation.");
        RuleFor(o => o.DeadlineSweepInterval).InclusiveBetween(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        // Meant to be well under StepTimeout; one at or over it only means the deadline comes first.
        RuleFor(o => o.StallAfter).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        RuleFor(o => o.StallSweepInterval).InclusiveBetween(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        RuleFor(o => o.MaxRedrives).InclusiveBetween(0, 20);
    }
}
