using Agentic.Contracts.Workflows;
using Agentic.ResultProcessor.Extensions;
using Agentic.ResultProcessor.Options;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Agentic.ResultProcessor.StateMachines;

/// <summary>
/// Durable saga timeouts without a message scheduler (the broker has no delayed exchange): every active workflow carries
/// its step's deadline in its row, and this sweep announces the overdue ones. The saga decides, under its row lock,
/// whether the workflow is still overdue, so a notice racing a late reply, a duplicate notice or a second Result
/// Processor sweeping the same table changes nothing.
/// </summary>
public sealed partial class FixWorkflowDeadlineSweeper(
    NpgsqlDataSource dataSource, IBus bus, IOptions<FixWorkflowOptions> options, TimeProvider clock, ILogger<FixWorkflowDeadlineSweeper> logger)
    : SagaTableSweeper(clock, logger)
{
    private const int BatchSize = 500;

    // A notice still in the queue is not announced again for a while; the saga ignores the extra ones anyway.
    private readonly Dictionary<Guid, DateTimeOffset> _announced = [];

    protected override TimeSpan Interval => options.Value.DeadlineSweepInterval;

    /// <summary>One pass: announces every workflow past its deadline (up to a batch); how many were announced.</summary>
    public override async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        // Only rows of active workflows carry a deadline (finished ones have it cleared), and a partial index keeps
        // the scan to those.
        var sql = $"""
            SELECT correlation_id AS CorrelationId, current_state AS State, (data->>'DeadlineAt')::timestamptz AS DeadlineUtc,
                   data->>'TraceParent' AS TraceParent
            FROM {HostingExtensions.FixWorkflowTable}
            WHERE data->>'DeadlineAt' IS NOT NULL AND (data->>'DeadlineAt')::timestamptz <= @now
            ORDER BY 3
            LIMIT {BatchSize}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var overdue = (await connection.QueryAsync<Overdue>(new CommandDefinition(sql, new { now }, cancellationToken: cancellationToken))).ToList();

        var resendAfter = options.Value.DeadlineSweepInterval * 4;
        var current = overdue.Select(o => o.CorrelationId).ToHashSet();
        foreach (var gone in _announced.Keys.Where(id => !current.Contains(id)).ToList())
        {
            _announced.Remove(gone);
        }

        var announced = 0;
        foreach (var workflow in overdue)
        {
            if (_announced.TryGetValue(workflow.CorrelationId, out var at) && now - at < resendAfter)
            {
                continue;
            }

            using (ContinueWorkflowTrace(workflow.TraceParent, "fix-workflow deadline passed"))
            {
                await bus.Publish(new FixWorkflowDeadlinePassed
                {
                    CorrelationId = workflow.CorrelationId,
                    State = workflow.State,
                    DeadlineAt = workflow.DeadlineAt,
                }, cancellationToken);
            }

            _announced[workflow.CorrelationId] = now;
            LogOverdue(Logger, workflow.CorrelationId, workflow.State, workflow.DeadlineAt);
            announced++;
        }

        return announced;
    }

    // Npgsql reads timestamptz as a UTC DateTime.
    private sealed record Overdue(Guid CorrelationId, string State, DateTime DeadlineUtc, string? TraceParent)
    {
        public DateTimeOffset DeadlineAt => new(DateTime.SpecifyKind(DeadlineUtc, DateTimeKind.Utc));
    }

    [LoggerMessage(1, LogLevel.Warning, "Fix workflow {WorkflowId} is overdue in {State} (deadline {DeadlineAt:u}); escalating it")]
    private static partial void LogOverdue(ILogger logger, Guid workflowId, string state, DateTimeOffset deadlineAt);
}
