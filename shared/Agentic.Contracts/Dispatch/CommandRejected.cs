using Agentic.Contracts.Analysis;

namespace Agentic.Contracts.Dispatch;

/// <summary>No library command fits, or policy refused the proposed one.</summary>
public sealed record CommandRejected
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required string Reason { get; init; }

    /// <summary>What proposing the command cost (an LLM-proposed edit); null when no model was asked.</summary>
    public LlmUsage? Usage { get; init; }
}
