using Agentic.Contracts.Workflows;
using Agentic.GitHub;
using Agentic.Persistence.Outbox;
using Agentic.RepositoryConfig;
using Dapper;
using MassTransit;
using Npgsql;

namespace Agentic.ResultProcessor.Consumers;

/// <summary>
/// Reads <c>.github/agentic.yml</c> from the repository's default branch (a pull request cannot loosen its own
/// rules) and answers with its settings or every problem in it. Without GitHub access, or without the file, the
/// defaults apply and the answer says the file was not found.
/// </summary>
public sealed partial class LoadRepositoryConfigConsumer(
    GitHubClient gitHub, NpgsqlDataSource dataSource, ILogger<LoadRepositoryConfigConsumer> logger)
    : IConsumer<LoadRepositoryConfig>
{
    public async Task Consume(ConsumeContext<LoadRepositoryConfig> context)
    {
        var repository = context.Message.PullRequest.Repository;
        string? yaml = null;
        if (gitHub.HasCredentials)
        {
            // No ref: GitHub reads the repository's default branch, so one request does it.
            var client = gitHub.ForRepository(repository.InstallationId);
            var file = await client.GetFileContentAsync(repository.Owner, repository.Name, AgenticYaml.Path, gitRef: null, context.CancellationToken);
            yaml = file?.GetText();
        }

        var (config, problems) = yaml is null ? (AgenticYaml.Default, []) : AgenticYaml.Parse(yaml);
        if (problems.Count > 0)
        {
            LogInvalid(logger, context.Message.CorrelationId, repository.Owner, repository.Name, problems.Count);
        }

        var effective = config ?? AgenticYaml.Default;
        const string attemptsSql = """
            SELECT coalesce(sum(attempts), 0)::int FROM workflows
            WHERE kind = 'fix' AND repository_id = @RepositoryId AND pr_number = @Number AND id <> @CorrelationId
            """;
        // Read in the outbox's transaction when there is one: a second pooled connection per consume could starve the pool.
        var attempts = new CommandDefinition(attemptsSql, new
        {
            repository.RepositoryId,
            context.Message.PullRequest.Number,
            context.Message.CorrelationId,
        }, context.TryGetOutboxTransaction(out var outboxConnection, out var outboxTransaction) ? outboxTransaction : null, cancellationToken: context.CancellationToken);
        int used;
        if (outboxConnection is not null)
        {
            used = await outboxConnection.ExecuteScalarAsync<int>(attempts);
        }
        else
        {
            await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
            used = await connection.ExecuteScalarAsync<int>(attempts);
        }

        await context.Publish(new RepositoryConfigLoaded
        {
            CorrelationId = context.Message.CorrelationId,
            Found = yaml is not null,
            AutoFix = effective.AutoFix,
            MaxAttempts = effective.MaxAttempts,
            BudgetUsd = effective.BudgetUsd,
            OpenPullRequest = effective.OpenPullRequest,
            AllowPaths = effective.AllowPaths,
            PushToForks = effective.PushToForks,
            PullRequestAttempts = used,
            Problems = problems,
        }, context.CancellationToken);
    }

    [LoggerMessage(1, LogLevel.Warning, "Workflow {WorkflowId}: .github/agentic.yml of {Owner}/{Repository} has {Count} problem(s); reporting them")]
    private static partial void LogInvalid(ILogger logger, Guid workflowId, string owner, string repository, int count);
}
