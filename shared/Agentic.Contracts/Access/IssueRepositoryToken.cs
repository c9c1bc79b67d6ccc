namespace Agentic.Contracts.Access;

/// <summary>
/// Request (MassTransit request/response) from the Executor to the Result Processor, which holds the GitHub App's key:
/// a short-lived installation token for this one repository, read-only (<c>contents: read</c>). Answered with
/// <see cref="RepositoryTokenIssued"/> or <see cref="RepositoryTokenRefused"/>.
/// </summary>
public sealed record IssueRepositoryToken
{
    /// <summary>The workflow's correlation id (the execution's workflow).</summary>
    public required Guid CorrelationId { get; init; }

    public required long InstallationId { get; init; }

    /// <summary>GitHub's repository id: the token is limited to it (<c>repository_ids</c>), whatever its name is now.</summary>
    public required long RepositoryId { get; init; }

    public required string Owner { get; init; }
    public required string Name { get; init; }
}
