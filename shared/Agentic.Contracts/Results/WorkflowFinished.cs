namespace Agentic.Contracts.Results;

/// <summary>A fix workflow reached a final state; carries everything its report needs.</summary>
public sealed record WorkflowFinished
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required PullRequestRef PullRequest { get; init; }
    public required string CheckName { get; init; }
    public required WorkflowOutcome Outcome { get; init; }
    public required string Summary { get; init; }
    public required int Attempts { get; init; }
    public required decimal CostUsd { get; init; }
}
