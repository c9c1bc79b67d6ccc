using Agentic.Contracts.Results;
using Dapper;
using MassTransit;
using Npgsql;

namespace Agentic.ResultProcessor.Consumers;

/// <summary>Records a finished fix workflow's outcome in <c>workflows</c> (the dashboard's view) and the audit log. Idempotent.</summary>
public sealed partial class WorkflowFinishedConsumer(NpgsqlDataSource dataSource, ILogger<WorkflowFinishedConsumer> logger) : IConsumer<WorkflowFinished>
{
    public async Task Consume(ConsumeContext<WorkflowFinished> context)
    {
        var finished = context.Message;
        // An upsert, not an update: PR Discovery publishes the detection before its claim row commits, so under load
        // a fast workflow can finish before that row is visible. The insert then waits on the uncommitted key and
        // updates it once committed; a finished row is never changed again.
        const string sql = """
            INSERT INTO workflows (id, kind, repository_id, pr_number, head_sha, check_name, state, outcome, attempts, cost_usd, summary, finished_at)
            VALUES (@CorrelationId, 'fix', @RepositoryId, @Number, @HeadSha, @CheckName, 'finished', @Outcome, @Attempts, @CostUsd, @Summary, now())
            ON CONFLICT (id) DO UPDATE
            SET state = 'finished', outcome = excluded.outcome, attempts = excluded.attempts, cost_usd = excluded.cost_usd,
                summary = excluded.summary, updated_at = now(), finished_at = now()
            WHERE workflows.finished_at IS NULL;
            INSERT INTO audit_log (actor, action, subject, correlation_id, detail)
            SELECT 'result-processor', 'workflow-finished', @Subject, @CorrelationId, jsonb_build_object('outcome', @Outcome, 'attempts', @Attempts)
            WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE correlation_id = @CorrelationId AND action = 'workflow-finished');
            """;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            finished.CorrelationId,
            finished.PullRequest.Repository.RepositoryId,
            finished.PullRequest.Number,
            finished.PullRequest.HeadSha,
            finished.CheckName,
            Outcome = finished.Outcome.ToString().ToLowerInvariant(),
            finished.Attempts,
            finished.CostUsd,
            finished.Summary,
            Subject = $"{finished.PullRequest.Repository.Owner}/{finished.PullRequest.Repository.Name}#{finished.PullRequest.Number}",
        }, cancellationToken: context.CancellationToken));
        LogFinished(logger, finished.CorrelationId, finished.Outcome.ToString(), finished.Attempts);
    }

    [LoggerMessage(1, LogLevel.Information, "Fix workflow {WorkflowId} finished: {Outcome} after {Attempts} attempt(s)")]
    private static partial void LogFinished(ILogger logger, Guid workflowId, string outcome, int attempts);
}
