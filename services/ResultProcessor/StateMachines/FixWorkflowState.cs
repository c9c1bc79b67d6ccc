using Agentic.Contracts.Common;
using MassTransit;

namespace Agentic.ResultProcessor.StateMachines;

/// <summary>One fix workflow: a failing check on one pull request head. Persisted as JSON in <c>fix_workflow_sagas</c>.</summary>
public sealed class FixWorkflowState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = string.Empty;

    public int Version { get; set; }

    public PullRequestRef? PullRequest { get; set; }

    public long CheckRunId { get; set; }

    public string CheckName { get; set; } = string.Empty;

    public long? JobId { get; set; }

    public DateTimeOffset DetectedAt { get; set; }

    /// <summary>From <c>.github/agentic.yml</c>: false means diagnose and report, never change code.</summary>
    public bool AutoFix { get; set; } = true;

    public int? MaxAttempts { get; set; }

    public decimal? BudgetUsd { get; set; }

    public bool OpenPullRequest { get; set; }

    public FailureCategory? Category { get; set; }

    public FixStrategy? Strategy { get; set; }

    public double Confidence { get; set; }

    public string? RootCause { get; set; }

    public string? Evidence { get; set; }

    public List<string> Files { get; set; } = [];

    public int Attempts { get; set; }

    public Guid? ExecutionId { get; set; }

    public string? LastFailure { get; set; }

    public decimal CostUsd { get; set; }

    public string? CommitSha { get; set; }

    /// <summary>When the workflow entered its current state.</summary>
    public DateTimeOffset? StepStartedAt { get; set; }

    /// <summary>
    /// Seconds spent in each state so far (a state entered again, like Dispatching on a retry, adds up): the dashboard's
    /// per-step timing, and the benchmark's split between waiting for the Executor and orchestration.
    /// </summary>
    public Dictionary<string, double> StepSeconds { get; set; } = [];

    /// <summary>
    /// When the current step must have answered; null once finished. Set on entering each active state and watched by
    /// <see cref="FixWorkflowDeadlineSweeper"/>, so a lost reply or a stuck service escalates instead of hanging for ever.
    /// </summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    public int? ProposalNumber { get; set; }

    public WorkflowOutcome? Outcome { get; set; }

    public string? Summary { get; set; }

    /// <summary>Sequence of the last report sent to the Notifier; reports carry it so stale ones are dropped.</summary>
    public int ReportSequence { get; set; }
}
