namespace Agentic.Contracts.Access;

/// <summary>
/// Answer to <see cref="IssueRepositoryToken"/>: a token that reads only this repository until <see cref="ExpiresAt"/>
/// (at most an hour). Sent to the requester's own response address, never published; the Executor uses it for host-side
/// git only, never passes it into a sandbox, and scrubs it from output.
/// </summary>
public sealed record RepositoryTokenIssued
{
    public required Guid CorrelationId { get; init; }
    public required long RepositoryId { get; init; }

    /// <summary>The repository's clone URL as GitHub reports it for that id.</summary>
    public required Uri CloneUrl { get; init; }

    /// <summary>Null for a public repository when no credentials are configured.</summary>
    public required string? Token { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}
