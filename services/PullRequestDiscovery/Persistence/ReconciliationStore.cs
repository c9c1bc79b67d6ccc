using Dapper;
using Npgsql;

namespace Agentic.PullRequestDiscovery.Persistence;

/// <summary>A repository reconciliation walks.</summary>
public sealed record ReconciledRepository(long Id, long InstallationId, string Owner, string Name, int Priority);

/// <summary>An open pull request as PR Discovery last saw it.</summary>
public sealed record KnownPullRequest(int Number, string HeadSha, string HeadRef, string BaseRef, string Title, string Author, bool Draft, bool FromFork);

/// <summary>What reconciliation reads and marks: enabled repositories in order, the PRs known open, when a repository was last compared.</summary>
public sealed class ReconciliationStore(NpgsqlDataSource dataSource)
{
    /// <summary>Enabled repositories that hold their name, highest priority first, then the least recently reconciled (never reconciled first).</summary>
    public async Task<IReadOnlyList<ReconciledRepository>> ListRepositoriesAsync(CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT id, installation_id AS InstallationId, owner, name, priority
            FROM repositories
            WHERE enabled AND name_released_at IS NULL
            ORDER BY priority DESC, reconciled_at ASC NULLS FIRST, id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ReconciledRepository>(new CommandDefinition(sql, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlyDictionary<int, KnownPullRequest>> ListOpenPullRequestsAsync(long repositoryId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT number, head_sha AS HeadSha, head_ref AS HeadRef, base_ref AS BaseRef, title, author, draft, from_fork AS FromFork
            FROM pull_requests
            WHERE repository_id = @repositoryId AND state = 'open'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<KnownPullRequest>(new CommandDefinition(sql, new { repositoryId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Number);
    }

    /// <summary>Marks a repository whose changes are written in the caller's transaction.</summary>
    public static Task MarkReconciledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long repositoryId, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE repositories SET reconciled_at = now() WHERE id = @repositoryId";
        return connection.ExecuteAsync(new CommandDefinition(sql, new { repositoryId }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Marks a repository that had nothing to write.</summary>
    public async Task MarkReconciledAsync(long repositoryId, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE repositories SET reconciled_at = now() WHERE id = @repositoryId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { repositoryId }, cancellationToken: cancellationToken));
    }
}
