namespace Agentic.ServiceDefaults;

/// <summary>
/// Names of every resource of the system, in one place: the AppHost's resources, the services' connection string
/// names (<c>ConnectionStrings__&lt;name&gt;</c>), OpenTelemetry service names and the tests all use these.
/// </summary>
public static class ResourceNames
{
    /// <summary>The PostgreSQL server resource.</summary>
    public const string Postgres = "postgres";

    /// <summary>The Agentic database on <see cref="Postgres"/>; also the connection string name.</summary>
    public const string Database = "agentic";

    /// <summary>The RabbitMQ broker; also the connection string name.</summary>
    public const string Messaging = "messaging";

    public const string IngressGateway = "ingress-gateway";
    public const string PullRequestDiscovery = "pull-request-discovery";
    public const string CheckAnalyzer = "check-analyzer";
    public const string CommandDispatcher = "command-dispatcher";
    public const string Executor = "executor";
    public const string ResultProcessor = "result-processor";
    public const string Notifier = "notifier";
    public const string ReviewOrchestrator = "review-orchestrator";

    /// <summary>The eight services, in the order the AppHost starts them.</summary>
    public static IReadOnlyList<string> Services { get; } =
    [
        PullRequestDiscovery, CheckAnalyzer, CommandDispatcher, Executor, ResultProcessor, Notifier, ReviewOrchestrator, IngressGateway,
    ];
}
