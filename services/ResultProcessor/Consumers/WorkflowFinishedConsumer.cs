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
        const string sql = """
            UPDATE workflows
            SET state = 'finished', outcome = @Outcome, attempts = @Attempts, cost_usd = @CostUsd, summary = @Summary,
                updated_at = now(), finished_at = now()
            WHERE id = @CorrelationId AND finished_at IS NULL;
            INSERT INTO audit_log (actor, action, subject, correlation_id, detail)
            SELECT 'result-processor', 'workflow-finished', @Subject, @CorrelationId, jsonb_build_object('outcome', @Outcome, 'attempts', @Attempts)
            WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE correlation_id = @CorrelationId AND action = 'workflow-finished');
            """;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            finished.CorrelationId,
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
