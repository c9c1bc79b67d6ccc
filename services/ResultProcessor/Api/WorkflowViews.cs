using System.Diagnostics.CodeAnalysis;

namespace Agentic.ResultProcessor.Api;

/// <summary>One page of <c>GET /api/workflows</c>; <see cref="Next"/> is the <c>before</c> of the next page, null on the last.</summary>
public sealed record WorkflowPage(IReadOnlyList<WorkflowSummary> Items, string? Next);

/// <summary>A fix workflow as the list shows it.</summary>
public record WorkflowSummary
{
    public required Guid Id { get; init; }

    /// <summary><c>owner/name</c>.</summary>
    public required string Repository { get; init; }

    public required int PullRequest { get; init; }
    public required string HeadSha { get; init; }
    public required string CheckName { get; init; }

    /// <summary>The saga's state name (<c>Analysing</c>, <c>Escalated</c> ...).</summary>
    public required string State { get; init; }

    /// <summary>False once the workflow has an outcome.</summary>
    public required bool Active { get; init; }

    /// <summary><c>Pushed</c>, <c>Proposed</c>, <c>Escalated</c>, <c>Abandoned</c>, <c>Superseded</c>, <c>Rerun</c>; null while active.</summary>
    public string? Outcome { get; init; }

    public required int Attempts { get; init; }
    public required decimal CostUsd { get; init; }

    /// <summary>When PR Discovery detected the failure.</summary>
    public required DateTimeOffset DetectedAt { get; init; }

    /// <summary>When the Result Processor started the workflow: the list's order and its cursor.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the outcome was recorded in <c>workflows</c>; null while active.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When the current step must have answered; only while active.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>When the current step began; only while active (its time is not yet in <see cref="StepSeconds"/>).</summary>
    public DateTimeOffset? StepStartedAt { get; init; }

    /// <summary>Seconds spent in each finished step (a step entered again adds up).</summary>
    public required IReadOnlyDictionary<string, double> StepSeconds { get; init; }

    /// <summary>The outcome's explanation; shortened in the list.</summary>
    public string? Summary { get; init; }
}

/// <summary>One fix workflow in full (<c>GET /api/workflows/{id}</c>): the list's fields and the rest of its state.</summary>
public sealed record WorkflowDetail : WorkflowSummary
{
    [SetsRequiredMembers]
    public WorkflowDetail(WorkflowSummary summary)
        : base(summary)
    {
    }

    public long InstallationId { get; init; }
    public long RepositoryId { get; init; }
    public string HeadRef { get; init; } = string.Empty;
    public string BaseRef { get; init; } = string.Empty;
    public long CheckRunId { get; init; }
    public long? JobId { get; init; }

    /// <summary>From <c>.github/agentic.yml</c> (or the defaults).</summary>
    public bool AutoFix { get; init; }

    public int? MaxAttempts { get; init; }
    public decimal? BudgetUsd { get; init; }
    public bool OpenPullRequest { get; init; }

    public string? Category { get; init; }
    public string? Strategy { get; init; }
    public double Confidence { get; init; }
    public string? RootCause { get; init; }

    /// <summary>The reduced log evidence the diagnosis rests on (shortened when very long).</summary>
    public string? Evidence { get; init; }

    public IReadOnlyList<string> Files { get; init; } = [];
    public string? LastFailure { get; init; }
    public Guid? ExecutionId { get; init; }
    public string? CommitSha { get; init; }
    public int? ProposalNumber { get; init; }

    /// <summary>Every command the Executor ran for this workflow, oldest first.</summary>
    public IReadOnlyList<CommandExecutionView> Executions { get; init; } = [];
}

/// <summary>One <c>command_executions</c> row: a command run in the sandbox and its validation.</summary>
public sealed record CommandExecutionView
{
    public required Guid Id { get; init; }

    /// <summary>1 for the workflow's first execution, and so on (by start time).</summary>
    public required int Attempt { get; init; }

    public required string Command { get; init; }

    /// <summary>The command's arguments; long values (an LLM's diff) are shortened.</summary>
    public required IReadOnlyDictionary<string, string> Arguments { get; init; }

    /// <summary>The Executor's outcome (<c>Validated</c>, <c>ValidationFailed</c> ...); null while running.</summary>
    public string? Outcome { get; init; }

    public int? ExitCode { get; init; }
    public double? DurationSeconds { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? Error { get; init; }

    /// <summary>Size of the patch the command produced, if any.</summary>
    public int? PatchBytes { get; init; }

    /// <summary>The patch (shortened when long).</summary>
    public string? Patch { get; init; }

    public required IReadOnlyList<ValidationStepView> Validation { get; init; }
}

/// <summary>One validation command (build, test, lint): its output tail was bounded and scrubbed of secrets by the Executor.</summary>
public sealed record ValidationStepView(string Kind, string CommandLine, int ExitCode, double DurationSeconds, string OutputTail);
