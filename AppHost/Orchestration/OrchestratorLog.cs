namespace Agentic.AppHost.Orchestration;

internal static partial class OrchestratorLog
{
    [LoggerMessage(1, LogLevel.Information, "Dashboard at {Url}")]
    public static partial void Dashboard(ILogger logger, string url);

    [LoggerMessage(2, LogLevel.Information, "State folder {Path}")]
    public static partial void StateDirectory(ILogger logger, string path);

    [LoggerMessage(3, LogLevel.Information, "Starting {Resource}")]
    public static partial void Starting(ILogger logger, string resource);

    [LoggerMessage(4, LogLevel.Error, "{Resource} failed to start: {Reason}")]
    public static partial void ResourceFailed(ILogger logger, string resource, string reason);

    [LoggerMessage(5, LogLevel.Error, "{Resource} not started: {Dependencies} failed")]
    public static partial void DependencyFailed(ILogger logger, string resource, string dependencies);

    [LoggerMessage(6, LogLevel.Warning, "{Resource} exited with code {ExitCode}; restarting in {Delay}s (restart {Restarts})")]
    public static partial void Restarting(ILogger logger, string resource, int exitCode, double delay, int restarts);

    [LoggerMessage(7, LogLevel.Error, "{Resource} exited unexpectedly with code {ExitCode}")]
    public static partial void InfrastructureExited(ILogger logger, string resource, int exitCode);

    [LoggerMessage(8, LogLevel.Error, "{Resource}: {Assembly} does not exist; build it (dotnet build) or run the AppHost with 'dotnet run --project AppHost'")]
    public static partial void AssemblyMissing(ILogger logger, string resource, string assembly);

    [LoggerMessage(9, LogLevel.Error, "{Resource} could not be started: {Reason}")]
    public static partial void FailedToStart(ILogger logger, string resource, string reason);

    [LoggerMessage(10, LogLevel.Information, "{Resource} is {Health}")]
    public static partial void HealthChanged(ILogger logger, string resource, string health);

    [LoggerMessage(11, LogLevel.Information, "Running {Initializer} on {Resource}")]
    public static partial void RunningInitializer(ILogger logger, string initializer, string resource);

    [LoggerMessage(12, LogLevel.Information, "Shutting down: services first, then the database, RabbitMQ and PostgreSQL")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(13, LogLevel.Information, "All resources stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(15, LogLevel.Information, "Stopped {Resource} (pid {Pid}, exit code {ExitCode})")]
    public static partial void ResourceStopped(ILogger logger, string resource, int pid, int? exitCode);

    [LoggerMessage(16, LogLevel.Warning, "{Resource}: port {Taken} is now taken; moving to port {Port}")]
    public static partial void PortChanged(ILogger logger, string resource, int taken, int port);

    [LoggerMessage(14, LogLevel.Warning, "Stopping {Resource} failed: {Reason}")]
    public static partial void StopFailed(ILogger logger, string resource, string reason);

    [LoggerMessage(17, LogLevel.Error, "{Resource} could not be restarted: {Reason}; trying again in {Delay}s")]
    public static partial void RestartFailed(ILogger logger, string resource, string reason, double delay);
}
