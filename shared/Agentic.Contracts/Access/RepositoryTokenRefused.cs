namespace Agentic.Contracts.Access;

/// <summary>Answer to <see cref="IssueRepositoryToken"/> when no token can be given (no credentials, unknown repository, GitHub error).</summary>
public sealed record RepositoryTokenRefused
{
    public required Guid CorrelationId { get; init; }
    public required long RepositoryId { get; init; }

    /// <summary>Why, for the execution's error (never a credential).</summary>
    public required string Reason { get; init; }
}
