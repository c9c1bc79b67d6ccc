using System.Diagnostics;
using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using Agentic.Contracts.Discovery;
using Agentic.Contracts.Dispatch;
using Agentic.Contracts.Execution;
using Agentic.Contracts.Notifications;
using Agentic.Contracts.Results;
using Agentic.Contracts.Workflows;
using Agentic.ResultProcessor.Options;
using Agentic.ResultProcessor.Publishing;
using Agentic.Text;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agentic.ResultProcessor.StateMachines;

/// <summary>
/// The fix workflow: detected → configuring (.github/agentic.yml, with a rules-only triage of the log alongside) →
/// analysing (the rest of the triage, or the LLM diagnosis it asked for) → dispatching → executing (which includes
/// validation) → publishing → pushed | proposed | escalated | abandoned | superseded | rerun. Attempts and budget are capped; a new head or a closed PR
/// ends it. Terminal states keep their row and ignore every later message, so a late duplicate never restarts work.
/// </summary>
public sealed class FixWorkflowStateMachine : MassTransitStateMachine<FixWorkflowState>
{
    public FixWorkflowStateMachine(IOptions<FixWorkflowOptions> options, TimeProvider clock, SecretScrubber scrubber)
    {
        var caps = options.Value;
        InstanceState(x => x.CurrentState);

        Event(() => Detected, x => x.CorrelateById(m => m.Message.CorrelationId));
        Event(() => ConfigLoaded, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Fault()); });
        // A reply for an instance not (yet) visible faults, so the endpoint's retry tries again; never silently dropped.
        Event(() => Analyzed, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Fault()); });
        Event(() => AnalysisFailed, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Fault()); });
        Event(() => Dispatched, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Fault()); });
        Event(() => Rejected, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Fault()); });
        Event(() => Executed, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Fault()); });
        Event(() => Pushed, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Fault()); });
        Event(() => Proposed, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Fault()); });
        Event(() => DeadlinePassed, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Stalled, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => HeadMoved, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Closed, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });

        // Each active step gets a deadline on entry (FixWorkflowDeadlineSweeper reports the overdue ones) and its time is
        // added up on leaving.
        foreach (var (state, timeout) in new[]
                 {
                     (Configuring, caps.StepTimeout), (Analysing, caps.StepTimeout), (Dispatching, caps.StepTimeout),
                     (Executing, caps.ExecutionTimeout), (Publishing, caps.StepTimeout),
                 })
        {
            WhenEnter(state, binder => binder.Then(context =>
            {
                context.Saga.StepStartedAt = clock.GetUtcNow();
                context.Saga.DeadlineAt = context.Saga.StepStartedAt + timeout;
                context.Saga.Steps++;
                context.Saga.Redrives = 0;
            }));
            WhenLeave(state, binder => binder.Then(context =>
            {
                if (context.Saga.StepStartedAt is { } started)
                {
                    var seconds = (clock.GetUtcNow() - started).TotalSeconds;
                    context.Saga.StepSeconds[state.Name] = context.Saga.StepSeconds.GetValueOrDefault(state.Name) + seconds;
                    context.Saga.StepStartedAt = null;
                }
            }));
        }

        // The moment the workflow ended (the push confirmed, the escalation decided): the dashboard's and the benchmark's end.
        foreach (var final in new[] { PushedFix, ProposedFix, Escalated, Abandoned, Superseded, RerunStarted })
        {
            WhenEnter(final, binder => binder.Then(context => context.Saga.FinishedAt = clock.GetUtcNow()));
        }

        Initially(
            When(Detected)
                .Then(context =>
                {
                    var message = context.Message;
                    context.Saga.PullRequest = message.PullRequest;
                    context.Saga.CheckRunId = message.CheckRunId;
                    context.Saga.CheckName = message.CheckName;
                    context.Saga.JobId = message.JobId;
                    context.Saga.DetectedAt = message.DetectedAt;
                    context.Saga.FromFork = message.FromFork;
                    context.Saga.TraceParent = Activity.Current?.Id;
                    context.Saga.TriageRequested = true;
                })
                .TransitionTo(Configuring)
                // The configuration and the rules-only triage (log download, reduction, classification) run side by side;
                // no LLM token is spent before the configuration has been read.
                .Publish(context => new LoadRepositoryConfig { CorrelationId = context.Saga.CorrelationId, PullRequest = context.Saga.PullRequest! })
                .Publish(context => Analyze(context.Saga, caps, rulesOnly: true))
                .Then(context => context.Saga.ReportSequence++)
                .Publish(context => FixWorkflowReport.Create(context.Saga, "in_progress", scrubber)));

        During(Configuring,
            When(ConfigLoaded, context => context.Message.Problems.Count > 0)
                .Then(context => context.Saga.LastFailure = scrubber.Scrub(string.Join("; ", context.Message.Problems)))
                .Finish(scrubber, Escalated, WorkflowOutcome.Escalated,
                    c => ".github/agentic.yml is invalid, so nothing was attempted:\n" + string.Join("\n", c.Message.Problems.Select(p => "- " + p))),
            When(ConfigLoaded, context => context.Message.Problems.Count == 0 && context.Message.PullRequestAttempts >= caps.MaxAttemptsPerPullRequest)
                .Finish(scrubber, Escalated, WorkflowOutcome.Escalated,
                    c => $"This pull request has used {c.Message.PullRequestAttempts} fix attempts (the limit is {caps.MaxAttemptsPerPullRequest}); Agentic stops trying here."),
            Decide(When(ConfigLoaded, context => context.Message.Problems.Count == 0 && context.Message.PullRequestAttempts < caps.MaxAttemptsPerPullRequest && context.Saga.Triaged)
                .Then(ApplyConfig), caps, scrubber),
            // The triage is still running: wait for it in Analysing.
            When(ConfigLoaded, context => context.Message.Problems.Count == 0 && context.Message.PullRequestAttempts < caps.MaxAttemptsPerPullRequest && !context.Saga.Triaged)
                .Then(ApplyConfig)
                .TransitionTo(Analysing)
                // A workflow started before triage ran alongside the configuration asks for its analysis now.
                .If(context => !context.Saga.TriageRequested, ask => ask
                    .Then(context => context.Saga.LlmRequested = true)
                    .Publish(context => Analyze(context.Saga, caps, rulesOnly: false))),
            When(Analyzed)
                .Then(context => Record(context.Saga, context.Message, scrubber)),
            When(AnalysisFailed)
                .Then(context =>
                {
                    context.Saga.AnalysisFailure = scrubber.Scrub(context.Message.Reason);
                    context.Saga.Triaged = true;
                }),
            Ignore(Detected));

        During(Analysing,
            // Waiting for the LLM diagnosis, a redelivered triage answer (NeedsLlm) is stale and changes nothing.
            Decide(When(Analyzed, context => !(context.Message.NeedsLlm && context.Saga.LlmRequested))
                .Then(context => Record(context.Saga, context.Message, scrubber)), caps, scrubber),
            When(AnalysisFailed)
                .Then(context => context.Saga.LastFailure = scrubber.Scrub(context.Message.Reason))
                .Finish(scrubber, Escalated, WorkflowOutcome.Escalated, c => "The failure could not be analysed: " + c.Message.Reason),
            Ignore(Detected),
            Ignore(ConfigLoaded));

        During(Dispatching,
            // An LLM-proposed edit costs money: over the budget, the workflow stops before running it.
            // Only the current attempt's answer counts: a re-driven or redelivered dispatch of an earlier attempt is dropped.
            When(Dispatched, context => context.Message.Attempt == context.Saga.Attempts
                                        && context.Saga.CostUsd + (context.Message.Usage?.CostUsd ?? 0m) > (context.Saga.BudgetUsd ?? caps.BudgetUsd))
                .Then(context => context.Saga.CostUsd += context.Message.Usage?.CostUsd ?? 0m)
                .Finish(scrubber, Escalated, WorkflowOutcome.Escalated,
                    c => $"The LLM budget of ${c.Saga.BudgetUsd ?? caps.BudgetUsd:0.00} is spent (${c.Saga.CostUsd:0.0000}) after {c.Saga.Attempts} attempt(s); last problem: {c.Saga.LastFailure ?? c.Saga.RootCause}"),
            When(Dispatched, context => context.Message.Attempt == context.Saga.Attempts
                                        && context.Saga.CostUsd + (context.Message.Usage?.CostUsd ?? 0m) <= (context.Saga.BudgetUsd ?? caps.BudgetUsd))
                .Then(context =>
                {
                    context.Saga.CostUsd += context.Message.Usage?.CostUsd ?? 0m;
                    context.Saga.ExecutionId = context.Message.ExecutionId;
                    context.Saga.Command = context.Message.Command;
                    context.Saga.Arguments = new Dictionary<string, string>(context.Message.Arguments);
                })
                .TransitionTo(Executing)
                .Publish(context => Execute(context.Saga, caps)),
            When(Rejected)
                .Then(context =>
                {
                    context.Saga.LastFailure = scrubber.Scrub(context.Message.Reason);
                    context.Saga.CostUsd += context.Message.Usage?.CostUsd ?? 0m;
                })
                .Finish(scrubber, Escalated, WorkflowOutcome.Escalated, c => "No command could be dispatched: " + c.Message.Reason),
            Ignore(Detected), Ignore(ConfigLoaded), Ignore(AnalysisFailed),
            Ignore(Analyzed), Ignore(Executed));

        During(Executing,
            // The failed step passed on the unchanged head: flaky or CI's environment. No code change; the job runs again.
            When(Executed, context => context.Message.ExecutionId == context.Saga.ExecutionId && context.Message.Outcome == ExecutionOutcome.NotReproduced)
                .Then(context => context.Saga.LastFailure = context.Message.Error is { } error ? scrubber.Scrub(error) : null)
                .Publish(context => Rerun(context.Saga))
                .Finish(scrubber, RerunStarted, WorkflowOutcome.Rerun,
                    c => $"The failed step passed when Agentic ran it as CI did on the unchanged head {ShortSha(c.Saga)}, so the failure looks flaky or " +
                         "caused by CI's environment. No code was changed; the failed job was re-run."),
            // The step failed here, but not as in CI: our environment differs, so a fix could not be judged. Never fed back as "your diff failed".
            When(Executed, context => context.Message.ExecutionId == context.Saga.ExecutionId && context.Message.Outcome == ExecutionOutcome.EnvironmentDiffers)
                .Then(context =>
                {
                    context.Saga.EnvironmentDiffers = true;
                    context.Saga.LastFailure = context.Message.Error is { } error ? scrubber.Scrub(error) : context.Message.Outcome.ToString();
                })
                .Finish(scrubber, Escalated, WorkflowOutcome.Escalated,
                    c => $"Agentic's environment differs from CI's, so no fix was attempted for {StepDescription(c.Saga.Job)}: {EnvironmentDifference(c.Saga.LastFailure)}. " +
                         "CI's output and ours are below."),
            // Only the current attempt's result counts: a late result of an earlier attempt, already judged, is dropped.
            When(Executed, context => context.Message.ExecutionId == context.Saga.ExecutionId
                                      && context.Message.Outcome is not (ExecutionOutcome.NotReproduced or ExecutionOutcome.EnvironmentDiffers))
                .IfElse(context => context.Message.Outcome == ExecutionOutcome.Validated && context.Message.Patch is { Length: > 0 },
                    validated => validated
                        .Then(context => context.Saga.Patch = context.Message.Patch)
                        .TransitionTo(Publishing)
                        .Publish(context => PublishResult(context.Saga, scrubber)),
                    notValidated => notValidated
                        // The error carries the command's output tail: no secret of this service goes further (report, LLM prompt).
                        .Then(context => context.Saga.LastFailure = context.Message.Error is { } error ? scrubber.Scrub(error) : context.Message.Outcome.ToString())
                        .IfElse(context => context.Message.Outcome is ExecutionOutcome.ValidationFailed or ExecutionOutcome.NoChange or ExecutionOutcome.TimedOut
                                           && context.Saga.Attempts < (context.Saga.MaxAttempts ?? caps.MaxAttempts),
                            retry => retry
                                .Then(context =>
                                {
                                    // A deterministic command gives the same result again: the next attempt is an LLM edit (or a rejection saying why).
                                    context.Saga.Strategy = FixWorkflowPolicy.StrategyAfter(context.Saga, context.Message.Outcome);
                                    context.Saga.Attempts++;
                                })
                                .TransitionTo(Dispatching)
                                .Publish(context => Dispatch(context.Saga)),
                            giveUp => giveUp.Finish(scrubber, Escalated, WorkflowOutcome.Escalated,
                                c => $"No validated fix after {c.Saga.Attempts} attempt(s); last result: {c.Saga.LastFailure}"))),
            Ignore(Detected), Ignore(ConfigLoaded), Ignore(Analyzed), Ignore(AnalysisFailed),
            Ignore(Dispatched));

        During(Publishing,
            When(Pushed)
                .Then(context => context.Saga.CommitSha = context.Message.CommitSha)
                .Finish(scrubber, PushedFix, WorkflowOutcome.Pushed, c => $"Pushed validated fix {c.Message.CommitSha[..Math.Min(7, c.Message.CommitSha.Length)]}."),
            When(Proposed)
                .Then(context => context.Saga.ProposalNumber = context.Message.ProposalNumber)
                .Finish(scrubber, ProposedFix, WorkflowOutcome.Proposed, c => $"Opened #{c.Message.ProposalNumber} with the validated fix."),
            Ignore(Detected), Ignore(ConfigLoaded), Ignore(Analyzed), Ignore(AnalysisFailed), Ignore(Dispatched),
            Ignore(Executed));

        // A step without progress for a while (FixWorkflowStalledSweeper) gets its command re-sent with the ids it had, so
        // each receiver treats it as a redelivery: the analyzer re-publishes its stored verdict, the Executor its stored
        // result (or drops it while the execution runs), the publisher finds its commit by its trailer.
        During(Configuring,
            Redrive(When(Stalled, context => IsCurrent(context, caps)))
                .Publish(context => new LoadRepositoryConfig { CorrelationId = context.Saga.CorrelationId, PullRequest = context.Saga.PullRequest! })
                .If(context => context.Saga.TriageRequested && !context.Saga.Triaged, triage => triage
                    .Publish(context => Analyze(context.Saga, caps, rulesOnly: true))));
        During(Analysing,
            // Waiting for the triage started alongside the configuration, or for the LLM diagnosis it asked for.
            Redrive(When(Stalled, context => IsCurrent(context, caps)))
                .Publish(context => Analyze(context.Saga, caps, rulesOnly: !context.Saga.LlmRequested)));
        During(Dispatching,
            Redrive(When(Stalled, context => IsCurrent(context, caps)))
                .Publish(context => Dispatch(context.Saga)));
        During(Executing,
            Redrive(When(Stalled, context => IsCurrent(context, caps) && context.Saga is { ExecutionId: not null, Command: not null }))
                .Publish(context => Execute(context.Saga, caps)));
        During(Publishing,
            Redrive(When(Stalled, context => IsCurrent(context, caps) && context.Saga.Patch is { Length: > 0 }))
                .Publish(context => PublishResult(context.Saga, scrubber)));

        During([Configuring, Analysing, Dispatching, Executing, Publishing],
            // Only a workflow still overdue when the notice arrives escalates: one that moved on since has a new deadline.
            When(DeadlinePassed, context => context.Saga.DeadlineAt is { } deadline && deadline <= clock.GetUtcNow())
                .Then(context => context.Saga.LastFailure = $"no answer in the {StepName(context.Saga.CurrentState)} step by {context.Saga.DeadlineAt:u}")
                .Finish(scrubber, Escalated, WorkflowOutcome.Escalated,
                    c => $"Timed out: the {StepName(c.Saga.CurrentState)} step did not answer in time (deadline {c.Saga.DeadlineAt:u}), so the workflow stopped " +
                         $"after {c.Saga.Attempts} attempt(s) instead of waiting for ever. " +
                         (c.Saga.CurrentState == nameof(Publishing) ? "The validated fix may or may not have reached the branch; check the pull request. " : "No change was pushed. ") +
                         (c.Saga.RootCause is { Length: > 0 } cause ? "Diagnosis: " + cause : string.Empty)),
            When(HeadMoved)
                .Finish(scrubber, Superseded, WorkflowOutcome.Superseded, c => $"{c.Message.PushedBy} pushed {c.Message.PullRequest.HeadSha[..Math.Min(7, c.Message.PullRequest.HeadSha.Length)]}; this attempt was dropped."),
            When(Closed)
                .Finish(scrubber, Abandoned, WorkflowOutcome.Abandoned, c => c.Message.Merged ? "The pull request was merged." : "The pull request was closed."));

        During([Escalated, PushedFix, ProposedFix, Abandoned, Superseded, RerunStarted],
            Ignore(Detected), Ignore(ConfigLoaded), Ignore(Analyzed), Ignore(AnalysisFailed), Ignore(Dispatched), Ignore(Rejected),
            Ignore(Executed), Ignore(Pushed), Ignore(Proposed), Ignore(HeadMoved), Ignore(Closed), Ignore(DeadlinePassed), Ignore(Stalled));
    }

    public State Configuring { get; private set; } = null!;
    public State Analysing { get; private set; } = null!;
    public State Dispatching { get; private set; } = null!;
    public State Executing { get; private set; } = null!;
    public State Publishing { get; private set; } = null!;
    public State PushedFix { get; private set; } = null!;
    public State ProposedFix { get; private set; } = null!;
    public State Escalated { get; private set; } = null!;
    public State Abandoned { get; private set; } = null!;
    public State Superseded { get; private set; } = null!;
    public State RerunStarted { get; private set; } = null!;

    public Event<CheckFailureDetected> Detected { get; private set; } = null!;
    public Event<RepositoryConfigLoaded> ConfigLoaded { get; private set; } = null!;
    public Event<CheckFailureAnalyzed> Analyzed { get; private set; } = null!;
    public Event<CheckFailureAnalysisFailed> AnalysisFailed { get; private set; } = null!;
    public Event<CommandDispatched> Dispatched { get; private set; } = null!;
    public Event<CommandRejected> Rejected { get; private set; } = null!;
    public Event<CommandExecuted> Executed { get; private set; } = null!;
    public Event<FixPushed> Pushed { get; private set; } = null!;
    public Event<FixProposed> Proposed { get; private set; } = null!;
    public Event<PullRequestHeadMoved> HeadMoved { get; private set; } = null!;
    public Event<PullRequestClosed> Closed { get; private set; } = null!;
    public Event<FixWorkflowDeadlinePassed> DeadlinePassed { get; private set; } = null!;
    public Event<FixWorkflowStalled> Stalled { get; private set; } = null!;

    /// <summary>
    /// The notice is about the step the workflow is in now (same state, same step, no re-drive since) and the step has
    /// re-drives left: a stale or duplicate notice, or one past the cap, changes nothing.
    /// </summary>
    private static bool IsCurrent(BehaviorContext<FixWorkflowState, FixWorkflowStalled> context, FixWorkflowOptions caps) =>
        context.Message.State == context.Saga.CurrentState
        && context.Message.Step == context.Saga.Steps
        && context.Message.Redrives == context.Saga.Redrives
        && context.Saga.Redrives < caps.MaxRedrives;

    private static EventActivityBinder<FixWorkflowState, FixWorkflowStalled> Redrive(EventActivityBinder<FixWorkflowState, FixWorkflowStalled> binder) =>
        binder.Then(context => context.Saga.Redrives++);

    /// <summary>
    /// With the configuration read and the analysis in hand: escalate what could not be analysed, ask for the LLM
    /// diagnosis the triage said is needed (now that the repository's budget is known), or act on the verdict: over
    /// budget, or <see cref="FixWorkflowPolicy.ReportOnlyReason"/> (no safe fix, auto-fix off, a fork not opened to
    /// pushes) → escalate; infrastructure or flaky → re-run the job; else dispatch a fix.
    /// </summary>
    private EventActivityBinder<FixWorkflowState, T> Decide<T>(EventActivityBinder<FixWorkflowState, T> binder, FixWorkflowOptions caps, SecretScrubber scrubber)
        where T : class =>
        binder.IfElse(context => context.Saga.AnalysisFailure is not null,
            failed => failed
                .Then(context => context.Saga.LastFailure = context.Saga.AnalysisFailure)
                .Finish(scrubber, Escalated, WorkflowOutcome.Escalated, c => "The failure could not be analysed: " + c.Saga.AnalysisFailure),
            analysed => analysed.IfElse(context => context.Saga.NeedsLlm && !context.Saga.LlmRequested,
                diagnose => diagnose
                    .Then(context => context.Saga.LlmRequested = true)
                    .TransitionTo(Analysing)
                    .Publish(context => Analyze(context.Saga, caps, rulesOnly: false)),
                judged => judged.IfElse(context => context.Saga.CostUsd > (context.Saga.BudgetUsd ?? caps.BudgetUsd),
                    overBudget => overBudget.Finish(scrubber, Escalated, WorkflowOutcome.Escalated,
                        c => $"The analysis alone cost ${c.Saga.CostUsd:0.00}, over the ${c.Saga.BudgetUsd ?? caps.BudgetUsd:0.00} budget; no fix was attempted."),
                    withinBudget => withinBudget.IfElse(context => FixWorkflowPolicy.ReportOnlyReason(context.Saga) is not null,
                        escalate => escalate.Finish(scrubber, Escalated, WorkflowOutcome.Escalated, c => FixWorkflowPolicy.ReportOnlyReason(c.Saga)!),
                        act => act.IfElse(context => context.Saga.Strategy == FixStrategy.Rerun,
                            // Infrastructure trouble or a flaky test: no code changes, the failed job runs again.
                            rerun => rerun
                                .Publish(context => Rerun(context.Saga))
                                .Finish(scrubber, RerunStarted, WorkflowOutcome.Rerun,
                                    c => $"{c.Saga.Category}: {c.Saga.RootCause} No code was changed; the failed job was re-run."),
                            fix => fix
                                .Then(context => context.Saga.Attempts = 1)
                                .TransitionTo(Dispatching)
                                .Publish(context => Dispatch(context.Saga)))))));

    private static void ApplyConfig(BehaviorContext<FixWorkflowState, RepositoryConfigLoaded> context)
    {
        context.Saga.AutoFix = context.Message.AutoFix;
        context.Saga.MaxAttempts = context.Message.MaxAttempts;
        context.Saga.BudgetUsd = context.Message.BudgetUsd;
        context.Saga.OpenPullRequest = context.Message.OpenPullRequest;
        context.Saga.AllowPaths = [.. context.Message.AllowPaths];
        context.Saga.PushToForks = context.Message.PushToForks;
    }

    /// <summary>Keeps the analyzer's verdict (a triage's or the LLM diagnosis') on the workflow.</summary>
    private static void Record(FixWorkflowState saga, CheckFailureAnalyzed verdict, SecretScrubber scrubber)
    {
        saga.Category = verdict.Category;
        saga.Strategy = verdict.Strategy;
        saga.Confidence = verdict.Confidence;
        saga.RootCause = scrubber.Scrub(verdict.RootCause);
        saga.Evidence = verdict.Evidence;
        saga.Files = [.. verdict.Files];
        saga.Job = verdict.Job ?? saga.Job;
        saga.Tool = verdict.Tool;
        saga.Codes = [.. verdict.Codes];
        saga.Packages = [.. verdict.Packages];
        saga.CostUsd += verdict.Usage.CostUsd;
        saga.NeedsLlm = verdict.NeedsLlm;
        saga.Triaged = true;
    }

    private static AnalyzeCheckFailure Analyze(FixWorkflowState saga, FixWorkflowOptions caps, bool rulesOnly) => new()
    {
        CorrelationId = saga.CorrelationId,
        PullRequest = saga.PullRequest!,
        CheckRunId = saga.CheckRunId,
        CheckName = saga.CheckName,
        JobId = saga.JobId,
        BudgetUsd = saga.BudgetUsd ?? caps.BudgetUsd,
        RulesOnly = rulesOnly,
    };

    private static ExecuteCommand Execute(FixWorkflowState saga, FixWorkflowOptions caps) => new()
    {
        CorrelationId = saga.CorrelationId,
        ExecutionId = saga.ExecutionId!.Value,
        PullRequest = saga.PullRequest!,
        Command = saga.Command!,
        Arguments = saga.Arguments,
        Attempt = saga.Attempts,
        Timeout = caps.CommandTimeout,
        AllowPaths = saga.AllowPaths,
        DependencyFix = FixWorkflowPolicy.IsDependencyFix(saga),
        Job = saga.Job,
        FailureFiles = saga.Files,
    };

    private static RerunRequested Rerun(FixWorkflowState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        PullRequest = saga.PullRequest!,
        JobId = saga.JobId ?? 0,
    };

    private static string ShortSha(FixWorkflowState saga) => saga.PullRequest!.HeadSha[..Math.Min(7, saga.PullRequest.HeadSha.Length)];

    /// <summary>
    /// Why the Executor judged that its environment differs (a missing toolchain, a failed setup, the step failing
    /// otherwise than in CI): the first line of its message, without the message's own preamble.
    /// </summary>
    private static string EnvironmentDifference(string? failure)
    {
        const string Preamble = "Our environment differs from CI's: ";
        var line = (failure ?? "").Split('\n', 2)[0].Trim();
        line = line.StartsWith(Preamble, StringComparison.Ordinal) ? line[Preamble.Length..] : line;
        line = line.TrimEnd('.');
        return line.Length == 0 ? "the step did not fail here as it failed in CI" : line.Length <= 300 ? line : line[..300] + "…";
    }

    /// <summary>The failed step as CI named it (untrusted text: the summary is scrubbed and escaped when rendered).</summary>
    private static string StepDescription(CiJobReference? job) => job switch
    {
        null => "the failed check",
        { FailedStepName: { Length: > 0 } step } => $"step '{step}' of job '{job.JobName}' ({job.WorkflowPath})",
        { FailedStepNumber: { } number } => $"step {number} of job '{job.JobName}' ({job.WorkflowPath})",
        _ => $"job '{job.JobName}' ({job.WorkflowPath})",
    };

    private static PublishFixResult PublishResult(FixWorkflowState saga, SecretScrubber scrubber) => new()
    {
        CorrelationId = saga.CorrelationId,
        PullRequest = saga.PullRequest!,
        ExecutionId = saga.ExecutionId!.Value,
        Patch = saga.Patch!,
        CommitMessage = FixCommitMessage.Create(saga.CheckName, saga.RootCause, scrubber),
        OpenPullRequest = saga.OpenPullRequest,
    };

    private static string StepName(string state) => state switch
    {
        nameof(Configuring) => "configuration (.github/agentic.yml)",
        nameof(Analysing) => "analysis",
        nameof(Dispatching) => "command dispatch",
        nameof(Executing) => "execution and validation",
        nameof(Publishing) => "push",
        _ => state,
    };

    private static DispatchCommand Dispatch(FixWorkflowState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        PullRequest = saga.PullRequest!,
        Strategy = saga.Strategy ?? FixStrategy.Escalate,
        Category = saga.Category ?? FailureCategory.Unknown,
        RootCause = saga.RootCause ?? string.Empty,
        Evidence = saga.Evidence ?? string.Empty,
        Files = saga.Files,
        Tool = saga.Tool,
        Codes = saga.Codes,
        Packages = saga.Packages,
        Attempt = saga.Attempts,
        PreviousFailure = saga.LastFailure,
        AllowPaths = saga.AllowPaths,
        DependencyFix = FixWorkflowPolicy.IsDependencyFix(saga),
    };
}

internal static class FixWorkflowBinderExtensions
{
    /// <summary>Ends the workflow: records outcome and summary, moves to the terminal state, announces it and sends the final report.</summary>
    public static EventActivityBinder<FixWorkflowState, T> Finish<T>(
        this EventActivityBinder<FixWorkflowState, T> binder, SecretScrubber scrubber, State final, WorkflowOutcome outcome, Func<BehaviorContext<FixWorkflowState, T>, string> summary)
        where T : class =>
        binder
            .Then(context =>
            {
                context.Saga.Outcome = outcome;
                // Built from log lines, LLM text and command output: no secret of this service goes into the API or a report.
                context.Saga.Summary = scrubber.Scrub(summary(context));
                context.Saga.DeadlineAt = null;
                context.Saga.Patch = null;
                context.Saga.ReportSequence++;
            })
            .TransitionTo(final)
            .Publish(context => new WorkflowFinished
            {
                CorrelationId = context.Saga.CorrelationId,
                PullRequest = context.Saga.PullRequest!,
                CheckName = context.Saga.CheckName,
                Outcome = outcome,
                Summary = context.Saga.Summary!,
                Attempts = context.Saga.Attempts,
                CostUsd = context.Saga.CostUsd,
            })
            .Publish(context => FixWorkflowReport.Create(context.Saga, "completed", scrubber));
}
