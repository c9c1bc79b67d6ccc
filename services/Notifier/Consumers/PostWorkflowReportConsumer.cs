using Agentic.Contracts.Notifications;
using Dapper;
using MassTransit;
using Npgsql;

namespace Agentic.Notifier.Consumers;

/// <summary>
/// Keeps one report per workflow and destination, updated in place: a report older than the stored one (lower
/// sequence, e.g. redelivered late) is dropped. Delivery to GitHub, Slack and Linear builds on this record.
/// </summary>
public sealed partial class PostWorkflowReportConsumer(NpgsqlDataSource dataSource, ILogger<PostWorkflowReportConsumer> logger) : IConsumer<PostWorkflowReport>
{
    public async Task Consume(ConsumeContext<PostWorkflowReport> context)
    {
        var report = context.Message;
        const string sql = """
            INSERT INTO notifications (workflow_id, source, target, sequence, status)
            VALUES (@CorrelationId, @Source, @Target, @Sequence, @Status)
            ON CONFLICT (workflow_id, source, target) DO UPDATE
            SET sequence = excluded.sequence, status = excluded.status, updated_at = now()
            WHERE notifications.sequence < excluded.sequence
            """;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            report.CorrelationId,
            Source = report.Target.Source.ToString().ToLowerInvariant(),
            Target = report.Target.Address,
            report.Sequence,
            report.Status,
        }, cancellationToken: context.CancellationToken));

        if (changed == 0)
        {
            LogStale(logger, report.CorrelationId, report.Sequence);
            return;
        }

        LogRecorded(logger, report.CorrelationId, report.Sequence, report.Status, report.Target.Address);
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: report {Sequence} ({Status}) recorded for {Target}")]
    private static partial void LogRecorded(ILogger logger, Guid workflowId, int sequence, string status, string target);

    [LoggerMessage(2, LogLevel.Debug, "Workflow {WorkflowId}: report {Sequence} is not newer than the one recorded; dropped")]
    private static partial void LogStale(ILogger logger, Guid workflowId, int sequence);
}
