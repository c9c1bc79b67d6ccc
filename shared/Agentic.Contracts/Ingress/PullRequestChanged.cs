namespace Agentic.Contracts.Ingress;

/// <summary>A pull request was opened, synchronised, reopened, closed, edited or marked ready (pull_request.*).</summary>
public sealed record PullRequestChanged
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    /// <summary>GitHub's action: opened, synchronize, reopened, closed, ready_for_review, edited ...</summary>
    public required string Action { get; init; }
    public required PullRequestRef PullRequest { get; init; }
    public required string Title { get; init; }
    public required string Author { get; init; }
    public required bool Draft { get; init; }
    public required bool Merged { get; init; }

    /// <summary>The head SHA before a synchronize, when GitHub sends it.</summary>
    public string? BeforeSha { get; init; }

    /// <summary>True when the head repository is a fork: the agent never pushes to forks.</summary>
    public required bool FromFork { get; init; }
}
