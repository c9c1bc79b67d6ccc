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
