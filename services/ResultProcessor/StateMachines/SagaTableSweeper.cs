using System.Diagnostics;
using Agentic.ServiceDefaults.Telemetry;

namespace Agentic.ResultProcessor.StateMachines;

/// <summary>
/// A pass over the saga table every <see cref="Interval"/> (the deadline and stall sweeps); a failed pass is logged and
/// the next tick tries again.
/// </summary>
public abstract partial class SagaTableSweeper(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    /// <summary>How often <see cref="SweepOnceAsync"/> runs.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>One pass; how many workflows it announced.</summary>
    public abstract Task<int> SweepOnceAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A span in the workflow's own trace (<see cref="FixWorkflowState.TraceParent"/>), so that what a sweep publishes for
    /// it continues that trace rather than starting one per tick; null when the row has none.
    /// </summary>
    protected static Activity? ContinueWorkflowTrace(string? traceParent, string name) =>
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent)
            ? AgenticTelemetry.ActivitySource.StartActivity(name, ActivityKind.Internal, parent)
            : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(Logger, GetType().Name, ex);
            }
        }
    }

    [LoggerMessage(100, LogLevel.Warning, "{Sweeper} pass failed; retrying on the next tick")]
    private static partial void LogSweepFailed(ILogger logger, string sweeper, Exception exception);
}
