using Agentic.AppHost.Infrastructure;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// Stops the AppHost (gracefully, so its children stop in order) when the .NET process that launched it goes away:
/// <c>dotnet run</c> killed without forwarding a signal, or a test host that crashed. Launched from a shell (or
/// <c>nohup</c>), the AppHost outlives its parent as usual.
/// </summary>
public sealed partial class ParentProcessWatcher(IHostApplicationLifetime lifetime, ILogger<ParentProcessWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!OperatingSystem.IsLinux() ||
            !ProcessTree.TryRead(Environment.ProcessId, out var self) ||
            !IsDotNet(self.ParentPid))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (ProcessTree.TryRead(Environment.ProcessId, out var now) && now.ParentPid != self.ParentPid)
                {
                    LogParentExited(logger, self.ParentPid);
                    lifetime.StopApplication();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static bool IsDotNet(int pid)
    {
        try
        {
            var executable = new FileInfo($"/proc/{pid}/exe").LinkTarget;
            return executable is not null && string.Equals(Path.GetFileName(executable), "dotnet", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LoggerMessage(20, LogLevel.Warning, "The process that launched the AppHost (pid {ParentPid}) has exited; shutting down")]
    private static partial void LogParentExited(ILogger logger, int parentPid);
}
