using Agentic.Contracts.Analysis;

namespace Agentic.Contracts.Reviews;

/// <summary>The aggregated review was posted to GitHub.</summary>
public sealed record PullRequestReviewed
{
    public required Guid CorrelationId { get; init; }
    public required PullRequestRef PullRequest { get; init; }
    public required long ReviewId { get; init; }
    public required IReadOnlyList<ReviewFinding> Findings { get; init; }
    public required LlmUsage Usage { get; init; }
}
