using Agentic.Contracts.Workflows;
using Agentic.ResultProcessor.Extensions;
using Agentic.ResultProcessor.Options;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Agentic.ResultProcessor.StateMachines;

/// <summary>
/// Reconciliation for lost messages (a killed saga host's unsent commands, a reply that never reached the broker): an
/// active workflow whose row has not changed for <see cref="FixWorkflowOptions.StallAfter"/> (twice that after each
/// re-drive of the same step) is announced as stalled, and the saga re-sends its step's command with the ids it used
/// before. Re-drives stop at <see cref="FixWorkflowOptions.MaxRedrives"/> per step; the step's deadline is left after
/// that. The saga decides under its row lock whether the notice is still current, so a duplicate or a second sweeper
/// changes nothing.
/// </summary>
public sealed partial class FixWorkflowStallSweeper(
    NpgsqlDataSource dataSource, IBus bus, IOptions<FixWorkflowOptions> options, TimeProvider clock, ILogger<FixWorkflowStallSweeper> logger)
    : SagaTableSweeper(clock, logger)
{
    private const int BatchSize = 500;

    protected override TimeSpan Interval => options.Value.StallSweepInterval;

    /// <summary>The active workflows stalled now and still allowed a re-drive (up to a batch), oldest first.</summary>
    public async Task<IReadOnlyList<FixWorkflowStalled>> FindStalledAsync(CancellationToken cancellationToken) =>
        (await QueryStalledAsync(cancellationToken)).Select(r => r.Notice).ToList();

    /// <summary>One pass: announces every stalled workflow (up to a batch), each in its own trace; how many were announced.</summary>
    public override async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var stalled = await QueryStalledAsync(cancellationToken);
        foreach (var row in stalled)
        {
            var notice = row.Notice;
            using (ContinueWorkflowTrace(row.TraceParent, "fix-workflow stalled"))
            {
                await bus.Publish(notice, cancellationToken);
            }

            LogStalled(Logger, notice.CorrelationId, notice.State, notice.StalledSince, notice.Redrives + 1);
        }

        return stalled.Count;
    }

    private async Task<List<Stalled>> QueryStalledAsync(CancellationToken cancellationToken)
    {
        var caps = options.Value;
        // Active rows only (finished ones have no deadline; a partial index keeps the scan to them). A re-drive writes
        // the row, so updated_at restarts the wait; the wait doubles with each re-drive of the step.
        var sql = $"""
            SELECT correlation_id AS CorrelationId, current_state AS State, coalesce((data->>'Steps')::integer, 0) AS Step,
                   redrives AS Redrives, updated_at AS UpdatedUtc, data->>'TraceParent' AS TraceParent
            FROM {HostingExtensions.FixWorkflowTable}
            WHERE data->>'DeadlineAt' IS NOT NULL
              AND redrives < @maxRedrives
              AND updated_at <= @now - make_interval(secs => @stallSeconds * power(2, redrives))
            ORDER BY updated_at
            LIMIT {BatchSize}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Stalled>(new CommandDefinition(
            sql, new { now = Clock.GetUtcNow(), maxRedrives = caps.MaxRedrives, stallSeconds = caps.StallAfter.TotalSeconds }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    // Npgsql reads timestamptz as a UTC DateTime.
    private sealed record Stalled(Guid CorrelationId, string State, int Step, int Redrives, DateTime UpdatedUtc, string? TraceParent)
    {
        public FixWorkflowStalled Notice => new()
        {
            CorrelationId = CorrelationId,
            State = State,
            Step = Step,
            Redrives = Redrives,
            StalledSince = new DateTimeOffset(DateTime.SpecifyKind(UpdatedUtc, DateTimeKind.Utc)),
        };
    }

    [LoggerMessage(1, LogLevel.Warning, "Fix workflow {WorkflowId} has made no progress in {State} since {StalledSince:u}; re-driving it (re-drive {Redrive})")]
    private static partial void LogStalled(ILogger logger, Guid workflowId, string state, DateTimeOffset stalledSince, int redrive);
}
