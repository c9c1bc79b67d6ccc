namespace Agentic.Contracts.Analysis;

/// <summary>The Check Analyzer could not produce a verdict (logs gone, API errors).</summary>
public sealed record CheckFailureAnalysisFailed
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required string Reason { get; init; }
}
