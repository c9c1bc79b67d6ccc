namespace Agentic.Contracts.Workflows;

/// <summary>
/// A fix workflow has sat in one step past that step's deadline (a lost reply, a stuck service). The deadline itself lives
/// on the saga; the workflow escalates only if it is still overdue when this arrives, so a stale or duplicate notice is harmless.
/// </summary>
public sealed record FixWorkflowDeadlinePassed
{
    public required Guid CorrelationId { get; init; }

    /// <summary>The state the sweeper saw the workflow in, for logs.</summary>
    public required string State { get; init; }

    public required DateTimeOffset DeadlineAt { get; init; }
}
