namespace Agentic.Contracts.Ingress;

/// <summary>A human submitted a review on a pull request (pull_request_review.submitted).</summary>
public sealed record PullRequestReviewSubmitted
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required PullRequestRef PullRequest { get; init; }
    public required long ReviewId { get; init; }
    public required string Reviewer { get; init; }

    /// <summary>approved, changes_requested, commented.</summary>
    public required string State { get; init; }
}
