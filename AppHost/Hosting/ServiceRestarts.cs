using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// Starts a service again, through Aspire's own start command, when its process ends by itself (a crash, a kill) while
/// the AppHost runs: after 1, 2, 4 ... (at most 30) seconds. A Stop from the dashboard (the state passes through
/// Stopping) and the AppHost's own shutdown are left alone. The next crash after <c>AppHost:MaxRestarts</c> (5) restarts
/// within 5 minutes leaves it Exited on the dashboard, with its exit code and console log, and says so there and here.
/// </summary>
internal sealed partial class ServiceRestarts(
    ResourceNotificationService notifications, ResourceCommandService commands, ResourceLoggerService resourceLogs,
    IHostApplicationLifetime lifetime, IConfiguration configuration, ILogger<ServiceRestarts> logger) : BackgroundService
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private readonly int _maxRestarts = configuration.GetValue("AppHost:MaxRestarts", 5);
    private readonly Dictionary<string, (string? State, List<DateTime> Crashes)> _resources = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var change in notifications.WatchAsync(stoppingToken))
        {
            var state = change.Snapshot.State?.Text;
            var (previous, crashes) = _resources.GetValueOrDefault(change.ResourceId, (null, []));
            _resources[change.ResourceId] = (state, crashes);
            if (change.Resource.HasAnnotationOfType<RestartOnCrashAnnotation>() && previous == KnownResourceStates.Running && state != previous &&
                (state == KnownResourceStates.Finished || state == KnownResourceStates.Exited) && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                crashes.RemoveAll(crash => crash < DateTime.UtcNow - Window);
                crashes.Add(DateTime.UtcNow);
                _ = RestartAsync(change, crashes.Count, stoppingToken);
            }
        }
    }

    private async Task RestartAsync(ResourceEvent crash, int attempt, CancellationToken cancellationToken)
    {
        var resourceLog = resourceLogs.GetLogger(crash.Resource);
        if (attempt > _maxRestarts)
        {
            foreach (var log in new[] { logger, resourceLog })
            {
                Log.GaveUp(log, crash.Resource.Name, crash.Snapshot.ExitCode, _maxRestarts, Window.TotalMinutes);
            }

            return;
        }

        var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, attempt - 1), 30));
        foreach (var log in new[] { logger, resourceLog })
        {
            Log.Restarting(log, crash.Resource.Name, crash.Snapshot.ExitCode, attempt, _maxRestarts, delay.TotalSeconds);
        }

        try
        {
            await Task.Delay(delay, cancellationToken);
            var result = await commands.ExecuteCommandAsync(crash.ResourceId, KnownResourceCommands.StartCommand, cancellationToken);
            if (!result.Success)
            {
                Log.StartFailed(logger, crash.Resource.Name, result.Message);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
        {
            // Stopping, or the resource went away with the application.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} exited (exit code {ExitCode}): restart {Attempt} of {MaxRestarts} in {Delay} s")]
        public static partial void Restarting(ILogger logger, string service, int? exitCode, int attempt, int maxRestarts, double delay);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Service} exited (exit code {ExitCode}) after {MaxRestarts} restarts within {Minutes} minutes: not restarted again, left as it is (Start on the dashboard)")]
        public static partial void GaveUp(ILogger logger, string service, int? exitCode, int maxRestarts, double minutes);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Service} could not be started again: {Reason}")]
        public static partial void StartFailed(ILogger logger, string service, string? reason);
    }
}

/// <summary>The resource is a service that <see cref="ServiceRestarts"/> starts again when its process ends by itself.</summary>
public sealed class RestartOnCrashAnnotation : IResourceAnnotation;
