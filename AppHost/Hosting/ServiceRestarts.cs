using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// Starts a service (<see cref="RestartOnCrashAnnotation"/>) again with Aspire's own start command when its process ends
/// by itself (Running, then Finished: a crash, a kill), after 1, 2, 4 ... (at most 30) seconds. A Stop from the dashboard
/// passes through Stopping and is left alone, as is the AppHost's shutdown. The crash after <c>AppHost:MaxRestarts</c>
/// (5) restarts within 5 minutes leaves it Exited on the dashboard, with its exit code and console log, and says so.
/// </summary>
internal sealed partial class ServiceRestarts(ResourceNotificationService notifications, ResourceCommandService commands,
    ResourceLoggerService resourceLogs, IConfiguration configuration, ILogger<ServiceRestarts> logger) : BackgroundService
{
    private readonly int _maxRestarts = configuration.GetValue("AppHost:MaxRestarts", 5);
    private readonly Dictionary<string, (string? State, List<DateTime> Crashes)> _resources = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var change in notifications.WatchAsync(stoppingToken))
        {
            var (previous, crashes) = _resources.GetValueOrDefault(change.ResourceId, (null, []));
            _resources[change.ResourceId] = (change.Snapshot.State?.Text, crashes);
            if (previous == KnownResourceStates.Running && change.Snapshot.State?.Text is "Finished" or "Exited" &&
                change.Resource.HasAnnotationOfType<RestartOnCrashAnnotation>() && !stoppingToken.IsCancellationRequested)
            {
                crashes.RemoveAll(crash => crash < DateTime.UtcNow.AddMinutes(-5));
                crashes.Add(DateTime.UtcNow);
                _ = RestartAsync(change, crashes.Count, stoppingToken);
            }
        }
    }

    private async Task RestartAsync(ResourceEvent crash, int attempt, CancellationToken cancellationToken)
    {
        var delay = Math.Min(Math.Pow(2, attempt - 1), 30);
        var (level, outcome) = attempt > _maxRestarts
            ? (LogLevel.Error, $"not restarted again after {_maxRestarts} restarts within 5 minutes: left as it is (Start on the dashboard)")
            : (LogLevel.Warning, $"restart {attempt} of {_maxRestarts} in {delay} s");
        foreach (var log in new[] { logger, resourceLogs.GetLogger(crash.Resource) })
        {
            LogExited(log, level, crash.Resource.Name, crash.Snapshot.ExitCode, outcome);
        }

        if (level == LogLevel.Warning)
        {
            // A failure to start is in the resource's log (Aspire's command service writes it there).
            await Task.Delay(TimeSpan.FromSeconds(delay), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!cancellationToken.IsCancellationRequested)
            {
                await commands.ExecuteCommandAsync(crash.ResourceId, KnownResourceCommands.StartCommand, cancellationToken);
            }
        }
    }

    [LoggerMessage(Message = "{Service} exited (exit code {ExitCode}): {Outcome}")]
    private static partial void LogExited(ILogger logger, LogLevel level, string service, int? exitCode, string outcome);
}

/// <summary>The resource is a service that <see cref="ServiceRestarts"/> starts again when its process ends by itself.</summary>
public sealed class RestartOnCrashAnnotation : IResourceAnnotation;
