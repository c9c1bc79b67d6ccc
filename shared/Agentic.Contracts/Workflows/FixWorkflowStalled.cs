namespace Agentic.Contracts.Workflows;

/// <summary>
/// A fix workflow has made no progress in its current step for a while (its command or the reply may have been lost:
/// a killed saga host's unsent messages, a broker restart). The saga re-sends the step's command with the ids it used
/// before, so every receiver answers as if it were a redelivery. It acts only if it is still in <see cref="State"/> at
/// step <see cref="Step"/> after <see cref="Redrives"/> re-drives: a stale or duplicate notice changes nothing.
/// </summary>
public sealed record FixWorkflowStalled
{
    public required Guid CorrelationId { get; init; }

    /// <summary>The state the sweeper saw the workflow in.</summary>
    public required string State { get; init; }

    /// <summary>The saga's step counter the sweeper saw (it grows on entering each step).</summary>
    public required int Step { get; init; }

    /// <summary>How many times this step had been re-driven when the sweeper looked.</summary>
    public required int Redrives { get; init; }

    /// <summary>When the saga's row last changed.</summary>
    public required DateTimeOffset StalledSince { get; init; }
}
