using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;
using Dapper;
using Npgsql;

namespace Agentic.PullRequestDiscovery.Persistence;

/// <summary>Pull request and check run state as PR Discovery knows it.</summary>
public sealed record InFlightWorkflow(Guid Id, string HeadSha);

public sealed class CheckRunStore(NpgsqlDataSource dataSource)
{
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Records the installation and repository the event names, so later rows can refer to them.</summary>
    public static Task UpsertRepositoryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RepositoryRef repository, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO installations (id, account) VALUES (@InstallationId, @Owner)
            ON CONFLICT (id) DO NOTHING;
            INSERT INTO repositories (id, installation_id, owner, name) VALUES (@RepositoryId, @InstallationId, @Owner, @Name)
            ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, name = excluded.name, installation_id = excluded.installation_id, updated_at = now()
            WHERE (repositories.owner, repositories.name, repositories.installation_id) IS DISTINCT FROM (excluded.owner, excluded.name, excluded.installation_id);
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql, repository, transaction, cancellationToken: cancellationToken));
    }

    public static Task UpsertCheckRunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CheckRunCompleted checkRun, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO check_runs (id, repository_id, head_sha, name, status, conclusion, app_slug, details_url, completed_at)
            VALUES (@CheckRunId, @RepositoryId, @HeadSha, @Name, 'completed', @Conclusion, @AppSlug, @DetailsUrl, @CompletedAt)
            ON CONFLICT (id) DO UPDATE SET status = 'completed', conclusion = excluded.conclusion, completed_at = excluded.completed_at, updated_at = now();
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            checkRun.CheckRunId,
            checkRun.Repository.RepositoryId,
            checkRun.HeadSha,
            checkRun.Name,
            checkRun.Conclusion,
            checkRun.AppSlug,
            checkRun.DetailsUrl,
            checkRun.CompletedAt,
        }, transaction, cancellationToken: cancellationToken));
    }

    public static Task UpsertPullRequestHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PullRequestRef pullRequest, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO pull_requests (repository_id, number, head_sha, head_ref, base_ref, state)
            VALUES (@RepositoryId, @Number, @HeadSha, @HeadRef, @BaseRef, 'open')
            ON CONFLICT (repository_id, number) DO UPDATE SET head_sha = excluded.head_sha, head_ref = excluded.head_ref, base_ref = excluded.base_ref, updated_at = now()
            WHERE pull_requests.head_sha IS DISTINCT FROM excluded.head_sha;
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            pullRequest.Repository.RepositoryId,
            pullRequest.Number,
            pullRequest.HeadSha,
            pullRequest.HeadRef,
            pullRequest.BaseRef,
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The PR as the latest event describes it; an older event (same head already recorded) changes nothing but title and state.</summary>
    public static Task UpsertPullRequestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PullRequestChanged change, string state, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO pull_requests (repository_id, number, title, author, head_sha, head_ref, base_ref, state, draft, from_fork)
            VALUES (@RepositoryId, @Number, @Title, @Author, @HeadSha, @HeadRef, @BaseRef, @State, @Draft, @FromFork)
            ON CONFLICT (repository_id, number) DO UPDATE
            SET title = excluded.title, head_sha = excluded.head_sha, head_ref = excluded.head_ref, base_ref = excluded.base_ref,
                state = excluded.state, draft = excluded.draft, from_fork = excluded.from_fork, updated_at = now()
            """;
        var pr = change.PullRequest;
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            pr.Repository.RepositoryId,
            pr.Number,
            change.Title,
            change.Author,
            pr.HeadSha,
            pr.HeadRef,
            pr.BaseRef,
            State = state,
            change.Draft,
            change.FromFork,
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Fix workflows of a PR that have not finished.</summary>
    public static async Task<IReadOnlyList<InFlightWorkflow>> ListInFlightWorkflowsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long repositoryId, int number, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT id, head_sha AS HeadSha FROM workflows
            WHERE kind = 'fix' AND repository_id = @repositoryId AND pr_number = @number AND finished_at IS NULL
            """;
        return (await connection.QueryAsync<InFlightWorkflow>(new CommandDefinition(sql, new { repositoryId, number }, transaction, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Claims the fix workflow for (repository, head SHA, check); false when it was already detected.</summary>
    public static async Task<bool> TryClaimFixWorkflowAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid workflowId, PullRequestRef pullRequest, string checkName, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO workflows (id, kind, repository_id, pr_number, head_sha, check_name, state)
            VALUES (@workflowId, 'fix', @RepositoryId, @Number, @HeadSha, @checkName, 'detected')
            ON CONFLICT DO NOTHING
            """;
        var inserted = await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            workflowId,
            pullRequest.Repository.RepositoryId,
            pullRequest.Number,
            pullRequest.HeadSha,
            checkName,
        }, transaction, cancellationToken: cancellationToken));
        return inserted == 1;
    }
}
