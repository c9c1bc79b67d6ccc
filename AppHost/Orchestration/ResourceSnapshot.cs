namespace Agentic.AppHost.Orchestration;

/// <summary>One resource as the dashboard shows it (<c>GET /resources</c>).</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Type,
    string State,
    string Health,
    int? Pid,
    Uri? Url,
    int Restarts,
    int? ExitCode);

/// <summary>Aspire's resource state names.</summary>
public static class ResourceStates
{
    public const string NotStarted = "NotStarted";
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string Exited = "Exited";
    public const string FailedToStart = "FailedToStart";
    public const string Stopping = "Stopping";
    public const string Finished = "Finished";
}

public static class HealthStates
{
    public const string Healthy = "Healthy";
    public const string Unhealthy = "Unhealthy";
    public const string Unknown = "Unknown";
}
