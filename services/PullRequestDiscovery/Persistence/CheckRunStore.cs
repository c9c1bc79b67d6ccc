using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;
using Dapper;
using Npgsql;

namespace Agentic.PullRequestDiscovery.Persistence;

/// <summary>A fix workflow of a PR that has not finished.</summary>
public sealed record InFlightWorkflow(Guid Id, long RepositoryId, int Number, string HeadSha);

/// <summary>A pull request's state as one event (or reconciliation) describes it.</summary>
public sealed record PullRequestRow(PullRequestChanged Change, string State);

/// <summary>A fix workflow to claim for a failed check on a PR's head.</summary>
public sealed record FixWorkflowClaim(Guid WorkflowId, PullRequestRef PullRequest, string CheckName);

/// <summary>
/// Pull request and check run state as PR Discovery knows it. Every write takes a batch (a webhook is a batch of one,
/// a reconciled repository a batch of all its changes) and is one statement over arrays (<c>unnest</c>), so a batch
/// costs the same few round trips whatever its size. A batch holds each key once: the last occurrence wins.
/// </summary>
public sealed class CheckRunStore(NpgsqlDataSource dataSource)
{
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Records the installations and repositories the events name, so later rows can refer to them. A repository is
    /// its GitHub id: a name another id held (the repository deleted and re-created, renamed or transferred) moves to
    /// the id that arrives with it, and the older row keeps its history with the name released.
    /// </summary>
    public static Task UpsertRepositoriesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<RepositoryRef> repositories, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO installations (id, account)
            SELECT DISTINCT ON (id) * FROM unnest(@InstallationIds::bigint[], @Owners::text[]) AS i (id, account)
            ON CONFLICT (id) DO NOTHING;
            UPDATE repositories r SET name_released_at = now(), updated_at = now()
            FROM unnest(@RepositoryIds::bigint[], @Owners::text[], @Names::text[]) AS n (id, owner, name)
            WHERE lower(r.owner) = lower(n.owner) AND lower(r.name) = lower(n.name) AND r.id <> n.id AND r.name_released_at IS NULL;
            INSERT INTO repositories (id, installation_id, owner, name)
            SELECT * FROM unnest(@RepositoryIds::bigint[], @InstallationIds::bigint[], @Owners::text[], @Names::text[])
            ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, name = excluded.name, installation_id = excluded.installation_id,
                name_released_at = NULL, updated_at = now()
            WHERE (repositories.owner, repositories.name, repositories.installation_id) IS DISTINCT FROM (excluded.owner, excluded.name, excluded.installation_id)
               OR repositories.name_released_at IS NOT NULL;
            """;
        var rows = LastOf(repositories, r => r.RepositoryId);
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            InstallationIds = rows.Select(r => r.InstallationId).ToArray(),
            RepositoryIds = rows.Select(r => r.RepositoryId).ToArray(),
            Owners = rows.Select(r => r.Owner).ToArray(),
            Names = rows.Select(r => r.Name).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    public static Task UpsertCheckRunsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<CheckRunCompleted> checkRuns, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO check_runs (id, repository_id, head_sha, name, status, conclusion, app_slug, details_url, completed_at)
            SELECT id, repository_id, head_sha, name, 'completed', conclusion, app_slug, details_url, completed_at
            FROM unnest(@Ids::bigint[], @RepositoryIds::bigint[], @HeadShas::text[], @Names::text[], @Conclusions::text[],
                        @AppSlugs::text[], @DetailsUrls::text[], @CompletedAts::timestamptz[])
                AS r (id, repository_id, head_sha, name, conclusion, app_slug, details_url, completed_at)
            ON CONFLICT (id) DO UPDATE SET status = 'completed', conclusion = excluded.conclusion, completed_at = excluded.completed_at, updated_at = now();
            """;
        var rows = LastOf(checkRuns, r => r.CheckRunId);
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Ids = rows.Select(r => r.CheckRunId).ToArray(),
            RepositoryIds = rows.Select(r => r.Repository.RepositoryId).ToArray(),
            HeadShas = rows.Select(r => r.HeadSha).ToArray(),
            Names = rows.Select(r => r.Name).ToArray(),
            Conclusions = rows.Select(r => r.Conclusion).ToArray(),
            AppSlugs = rows.Select(r => r.AppSlug).ToArray(),
            DetailsUrls = rows.Select(r => r.DetailsUrl).ToArray(),
            CompletedAts = rows.Select(r => r.CompletedAt?.ToUniversalTime()).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Records each PR as open at its head; a row already at that head is left alone.</summary>
    public static Task UpsertPullRequestHeadsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<PullRequestRef> pullRequests, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO pull_requests (repository_id, number, head_sha, head_ref, base_ref, state)
            SELECT repository_id, number, head_sha, head_ref, base_ref, 'open'
            FROM unnest(@RepositoryIds::bigint[], @Numbers::integer[], @HeadShas::text[], @HeadRefs::text[], @BaseRefs::text[])
                AS p (repository_id, number, head_sha, head_ref, base_ref)
            ON CONFLICT (repository_id, number) DO UPDATE SET head_sha = excluded.head_sha, head_ref = excluded.head_ref, base_ref = excluded.base_ref, updated_at = now()
            WHERE pull_requests.head_sha IS DISTINCT FROM excluded.head_sha;
            """;
        var rows = LastOf(pullRequests, p => (p.Repository.RepositoryId, p.Number));
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            RepositoryIds = rows.Select(p => p.Repository.RepositoryId).ToArray(),
            Numbers = rows.Select(p => p.Number).ToArray(),
            HeadShas = rows.Select(p => p.HeadSha).ToArray(),
            HeadRefs = rows.Select(p => p.HeadRef).ToArray(),
            BaseRefs = rows.Select(p => p.BaseRef).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Each PR as the latest event describes it; an older event (same head already recorded) changes nothing but title and state.</summary>
    public static Task UpsertPullRequestsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<PullRequestRow> pullRequests, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO pull_requests (repository_id, number, title, author, head_sha, head_ref, base_ref, state, draft, from_fork)
            SELECT * FROM unnest(@RepositoryIds::bigint[], @Numbers::integer[], @Titles::text[], @Authors::text[], @HeadShas::text[],
                                 @HeadRefs::text[], @BaseRefs::text[], @States::text[], @Drafts::boolean[], @FromForks::boolean[])
            ON CONFLICT (repository_id, number) DO UPDATE
            SET title = excluded.title, head_sha = excluded.head_sha, head_ref = excluded.head_ref, base_ref = excluded.base_ref,
                state = excluded.state, draft = excluded.draft, from_fork = excluded.from_fork, updated_at = now()
            """;
        var rows = LastOf(pullRequests, r => (r.Change.PullRequest.Repository.RepositoryId, r.Change.PullRequest.Number));
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            RepositoryIds = rows.Select(r => r.Change.PullRequest.Repository.RepositoryId).ToArray(),
            Numbers = rows.Select(r => r.Change.PullRequest.Number).ToArray(),
            Titles = rows.Select(r => r.Change.Title).ToArray(),
            Authors = rows.Select(r => r.Change.Author).ToArray(),
            HeadShas = rows.Select(r => r.Change.PullRequest.HeadSha).ToArray(),
            HeadRefs = rows.Select(r => r.Change.PullRequest.HeadRef).ToArray(),
            BaseRefs = rows.Select(r => r.Change.PullRequest.BaseRef).ToArray(),
            States = rows.Select(r => r.State).ToArray(),
            Drafts = rows.Select(r => r.Change.Draft).ToArray(),
            FromForks = rows.Select(r => r.Change.FromFork).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Fix workflows of the given PRs that have not finished.</summary>
    public static async Task<IReadOnlyList<InFlightWorkflow>> ListInFlightWorkflowsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<PullRequestRef> pullRequests, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT w.id, w.repository_id AS RepositoryId, w.pr_number AS Number, w.head_sha AS HeadSha
            FROM workflows w
            JOIN (SELECT DISTINCT * FROM unnest(@RepositoryIds::bigint[], @Numbers::integer[])) AS p (repository_id, number)
              ON w.repository_id = p.repository_id AND w.pr_number = p.number
            WHERE w.kind = 'fix' AND w.finished_at IS NULL
            """;
        var keys = pullRequests.Select(p => (p.Repository.RepositoryId, p.Number)).ToList();
        var rows = await connection.QueryAsync<InFlightWorkflow>(new CommandDefinition(sql, new
        {
            RepositoryIds = keys.Select(k => k.RepositoryId).ToArray(),
            Numbers = keys.Select(k => k.Number).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// Claims the fix workflows (unique per repository, head SHA and check); returns the ids claimed now. A workflow
    /// already detected, or named twice in the batch after its first, is not claimed again.
    /// </summary>
    public static async Task<IReadOnlySet<Guid>> TryClaimFixWorkflowsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<FixWorkflowClaim> claims, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO workflows (id, kind, repository_id, pr_number, head_sha, check_name, state)
            SELECT id, 'fix', repository_id, pr_number, head_sha, check_name, 'detected'
            FROM unnest(@Ids::uuid[], @RepositoryIds::bigint[], @Numbers::integer[], @HeadShas::text[], @CheckNames::text[]) WITH ORDINALITY
                AS c (id, repository_id, pr_number, head_sha, check_name, position)
            ORDER BY position
            ON CONFLICT DO NOTHING
            RETURNING id
            """;
        var rows = claims.ToList();
        var claimed = await connection.QueryAsync<Guid>(new CommandDefinition(sql, new
        {
            Ids = rows.Select(c => c.WorkflowId).ToArray(),
            RepositoryIds = rows.Select(c => c.PullRequest.Repository.RepositoryId).ToArray(),
            Numbers = rows.Select(c => c.PullRequest.Number).ToArray(),
            HeadShas = rows.Select(c => c.PullRequest.HeadSha).ToArray(),
            CheckNames = rows.Select(c => c.CheckName).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        return claimed.ToHashSet();
    }

    /// <summary>
    /// The given PRs whose head branch is in a fork, as recorded from pull request events and reconciliation. A PR
    /// known only from a check run's payload (GitHub lists fork PRs there rarely, if ever) counts as not from a fork.
    /// </summary>
    public static async Task<IReadOnlySet<(long RepositoryId, int Number)>> ListForkPullRequestsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<PullRequestRef> pullRequests, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT p.repository_id AS RepositoryId, p.number AS Number
            FROM pull_requests p
            JOIN (SELECT DISTINCT * FROM unnest(@RepositoryIds::bigint[], @Numbers::integer[])) AS k (repository_id, number)
              ON p.repository_id = k.repository_id AND p.number = k.number
            WHERE p.from_fork
            """;
        var keys = pullRequests.Select(p => (p.Repository.RepositoryId, p.Number)).ToList();
        var rows = await connection.QueryAsync<(long RepositoryId, int Number)>(new CommandDefinition(sql, new
        {
            RepositoryIds = keys.Select(k => k.RepositoryId).ToArray(),
            Numbers = keys.Select(k => k.Number).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        return rows.ToHashSet();
    }

    /// <summary>Each key once, as its last occurrence says, in the order of first appearance.</summary>
    private static List<T> LastOf<T, TKey>(IEnumerable<T> items, Func<T, TKey> key)
        where TKey : notnull
    {
        var latest = new Dictionary<TKey, int>();
        var rows = new List<T>();
        foreach (var item in items)
        {
            if (latest.TryGetValue(key(item), out var index))
            {
                rows[index] = item;
            }
            else
            {
                latest[key(item)] = rows.Count;
                rows.Add(item);
            }
        }

        return rows;
    }
}
