using Agentic.PullRequestDiscovery.Options;
using Microsoft.Extensions.Options;

namespace Agentic.PullRequestDiscovery.Reconciliation;

/// <summary>Runs a <see cref="Reconciler"/> cycle at start and then every <see cref="ReconciliationOptions.Interval"/>.</summary>
public sealed partial class ReconciliationService(
    Reconciler reconciler, IOptions<ReconciliationOptions> options, TimeProvider clock, ILogger<ReconciliationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        if (!reconciler.IsConfigured)
        {
            LogNoCredential(logger);
            return;
        }

        using var timer = new PeriodicTimer(settings.Interval, clock);
        do
        {
            try
            {
                await reconciler.RunCycleAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database was unreachable when listing repositories, say: try again next tick.
                LogCycleFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(1, LogLevel.Information, "Reconciliation is disabled (Reconciliation:Enabled)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "Reconciliation is idle: no GitHub credential is configured (GitHub:Api:App or GitHub:Api:Token)")]
    private static partial void LogNoCredential(ILogger logger);

    [LoggerMessage(3, LogLevel.Warning, "Reconciliation cycle failed; the next one runs on schedule")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception);
}
