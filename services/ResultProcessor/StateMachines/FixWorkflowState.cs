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

    /// <summary>
    /// The W3C <c>traceparent</c> of the saga's first step (the trace that began at the webhook), so that the sweepers'
    /// notices, published outside any message, continue the workflow's one trace.
    /// </summary>
    public string? TraceParent { get; set; }

    /// <summary>From <c>.github/agentic.yml</c>: false means diagnose and report, never change code.</summary>
    public bool AutoFix { get; set; } = true;

    public int? MaxAttempts { get; set; }

    public decimal? BudgetUsd { get; set; }

    public bool OpenPullRequest { get; set; }

    /// <summary>The pull request's head branch is in a fork (from <c>CheckFailureDetected</c>).</summary>
    public bool FromFork { get; set; }

    /// <summary>From <c>.github/agentic.yml</c> (<c>fork_pull_requests: push</c>): fixes may be pushed to a fork's pull request.</summary>
    public bool PushToForks { get; set; }

    /// <summary>From <c>.github/agentic.yml</c> (<c>allow_paths</c>): default-protected paths a fix may touch; sent to the dispatcher and the executor.</summary>
    public List<string> AllowPaths { get; set; } = [];

    public FailureCategory? Category { get; set; }

    public FixStrategy? Strategy { get; set; }

    public double Confidence { get; set; }

    public string? RootCause { get; set; }

    public string? Evidence { get; set; }

    public List<string> Files { get; set; } = [];

    /// <summary>Where the check ran in CI (workflow, job, failed step), from the analysis; sent to the Executor, which reproduces that step.</summary>
    public CiJobReference? Job { get; set; }

    /// <summary>
    /// The Executor's reproduction of the failed step failed differently from CI (setup, toolchain, missing command, other
    /// failure): the report then shows CI's output (<see cref="Evidence"/>) beside ours (<see cref="LastFailure"/>).
    /// </summary>
    public bool EnvironmentDiffers { get; set; }

    /// <summary>The analysis' format or lint tool (e.g. prettier, xo, msbuild), passed on to the dispatcher.</summary>
    public string? Tool { get; set; }

    /// <summary>The codes that tool reported (e.g. IDE0055), passed on to the dispatcher.</summary>
    public List<string> Codes { get; set; } = [];

    /// <summary>For a dependency failure: the packages that could not be resolved (untrusted names), passed on to the dispatcher.</summary>
    public List<string> Packages { get; set; } = [];

    /// <summary>The rules-only triage was requested alongside the configuration (every workflow started since it existed).</summary>
    public bool TriageRequested { get; set; }

    /// <summary>An analysis answer (a verdict or <see cref="AnalysisFailure"/>) has arrived.</summary>
    public bool Triaged { get; set; }

    /// <summary>The triage says an LLM diagnosis is needed; asked for once the configuration is known.</summary>
    public bool NeedsLlm { get; set; }

    /// <summary>The LLM diagnosis has been requested (so a late triage answer is stale).</summary>
    public bool LlmRequested { get; set; }

    /// <summary>Why the analysis could not be made, when it failed before the configuration was read.</summary>
    public string? AnalysisFailure { get; set; }

    public int Attempts { get; set; }

    public Guid? ExecutionId { get; set; }

    /// <summary>The dispatched library command of the current attempt, kept so a stalled execution can be re-sent as it was.</summary>
    public string? Command { get; set; }

    public Dictionary<string, string> Arguments { get; set; } = [];

    /// <summary>The validated patch being published, kept so a stalled push can be re-sent; cleared when the workflow ends.</summary>
    public string? Patch { get; set; }

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

    /// <summary>Steps entered so far (a retry's Dispatching counts again): tells a stall notice for this step from a stale one.</summary>
    public int Steps { get; set; }

    /// <summary>
    /// Times the current step's command was re-sent because the step made no progress (reset on entering a step); a column
    /// of <c>fix_workflow_sagas</c> derives from it so the stall sweep can stop at the cap.
    /// </summary>
    public int Redrives { get; set; }

    /// <summary>When the workflow reached its terminal state (outcome decided); null while it runs.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    public int? ProposalNumber { get; set; }

    public WorkflowOutcome? Outcome { get; set; }

    public string? Summary { get; set; }

    /// <summary>Sequence of the last report sent to the Notifier; reports carry it so stale ones are dropped.</summary>
    public int ReportSequence { get; set; }
}
