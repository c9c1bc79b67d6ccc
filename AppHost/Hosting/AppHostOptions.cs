namespace Agentic.AppHost.Hosting;

/// <summary>Configuration section <c>AppHost</c>; the command line (see <see cref="AppHostArguments"/>) overrides it.</summary>
public sealed class AppHostOptions
{
    public const string SectionName = "AppHost";

    public const int DefaultDashboardPort = 18888;

    /// <summary>Where PostgreSQL and RabbitMQ keep their data between runs; see <see cref="StateDirectory.Resolve"/> for the default.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Wipe the state folder before starting.</summary>
    public bool Reset { get; set; }

    /// <summary>The dashboard's port on 127.0.0.1; 0 picks a free one.</summary>
    public int DashboardPort { get; set; } = DefaultDashboardPort;

    /// <summary>How long a service may take to stop after SIGTERM before it is killed.</summary>
    public TimeSpan ServiceStopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often running resources are health-checked once up.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
