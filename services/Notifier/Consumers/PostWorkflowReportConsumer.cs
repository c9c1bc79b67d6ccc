using Agentic.Contracts.Common;
using Agentic.Contracts.Notifications;
using Agentic.Notifier.Delivery;
using Dapper;
using MassTransit;
using Npgsql;

namespace Agentic.Notifier.Consumers;

/// <summary>
/// Keeps one report per workflow and destination, updated in place. The row is locked while the report is delivered,
/// so two reports of one workflow never race to create two comments; a report older than the stored one (lower
/// sequence, e.g. redelivered late) is dropped. GitHub targets are posted as a PR comment plus the agentic/fix check
/// run; Slack and Linear delivery build on the same record.
/// </summary>
public sealed partial class PostWorkflowReportConsumer(
    NpgsqlDataSource dataSource, GitHubReportDelivery gitHub, ILogger<PostWorkflowReportConsumer> logger) : IConsumer<PostWorkflowReport>
{
    public async Task Consume(ConsumeContext<PostWorkflowReport> context)
    {
        var report = context.Message;
        var cancellationToken = context.CancellationToken;
        const string claim = """
            INSERT INTO notifications (workflow_id, source, target, sequence, status)
            VALUES (@CorrelationId, @Source, @Target, @Sequence, @Status)
            ON CONFLICT (workflow_id, source, target) DO UPDATE
            SET sequence = excluded.sequence, status = excluded.status, updated_at = now()
            WHERE notifications.sequence < excluded.sequence
            RETURNING external_id AS ExternalId, check_run_id AS CheckRunId
            """;
        var source = report.Target.Source.ToString().ToLowerInvariant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ClaimedRow>(new CommandDefinition(claim, new
        {
            report.CorrelationId,
            Source = source,
            Target = report.Target.Address,
            report.Sequence,
            report.Status,
        }, transaction, cancellationToken: cancellationToken));

        if (row is null)
        {
            LogStale(logger, report.CorrelationId, report.Sequence);
            return;
        }

        string? externalId = row.ExternalId;
        if (report.Target.Source == RequestSource.GitHub && gitHub.IsConfigured)
        {
            var delivered = await gitHub.DeliverAsync(report, row.ExternalId is { } id ? long.Parse(id, System.Globalization.CultureInfo.InvariantCulture) : null, row.CheckRunId, cancellationToken);
            externalId = delivered.CommentId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            const string record = """
                UPDATE notifications SET external_id = @externalId, check_run_id = @checkRunId, delivered_sequence = @sequence
                WHERE workflow_id = @workflowId AND source = @source AND target = @target
                """;
            await connection.ExecuteAsync(new CommandDefinition(record, new
            {
                externalId,
                checkRunId = delivered.CheckRunId,
                sequence = report.Sequence,
                workflowId = report.CorrelationId,
                source,
                target = report.Target.Address,
            }, transaction, cancellationToken: cancellationToken));
            LogDelivered(logger, report.CorrelationId, report.Sequence, report.Status, report.Target.Address);
        }
        else
        {
            LogRecorded(logger, report.CorrelationId, report.Sequence, report.Status, report.Target.Address);
        }

        await transaction.CommitAsync(cancellationToken);
        if (externalId is not null)
        {
            await context.Publish(new WorkflowReportPosted
            {
                CorrelationId = report.CorrelationId,
                Source = report.Target.Source,
                ExternalId = externalId,
                Sequence = report.Sequence,
            }, cancellationToken);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: report {Sequence} ({Status}) recorded for {Target}; no delivery configured for it")]
    private static partial void LogRecorded(ILogger logger, Guid workflowId, int sequence, string status, string target);

    [LoggerMessage(2, LogLevel.Debug, "Workflow {WorkflowId}: report {Sequence} is not newer than the one recorded; dropped")]
    private static partial void LogStale(ILogger logger, Guid workflowId, int sequence);

    [LoggerMessage(3, LogLevel.Information, "Workflow {WorkflowId}: report {Sequence} ({Status}) delivered to {Target}")]
    private static partial void LogDelivered(ILogger logger, Guid workflowId, int sequence, string status, string target);

    private sealed record ClaimedRow(string? ExternalId, long? CheckRunId);
}
