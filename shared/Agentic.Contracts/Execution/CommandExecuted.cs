namespace Agentic.Contracts.Execution;

/// <summary>The Executor's result: outcome, the patch (if any) and the validation evidence.</summary>
public sealed record CommandExecuted
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required Guid ExecutionId { get; init; }
    public required ExecutionOutcome Outcome { get; init; }

    /// <summary>A unified diff against the head SHA; null when nothing changed or the outcome is not Validated.</summary>
    public string? Patch { get; init; }
    public required IReadOnlyList<ValidationStep> Validation { get; init; }
    public required TimeSpan Duration { get; init; }
    public string? Error { get; init; }
}
