namespace Agentic.ServiceDefaults;

/// <summary>Health check tags: <c>live</c> checks answer <c>/alive</c>; every check answers <c>/health</c>.</summary>
public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";

    /// <summary>MassTransit's own tag on its bus check (with <see cref="Ready"/>).</summary>
    public const string Broker = "masstransit";
}

/// <summary>The health endpoints every service maps (<see cref="Extensions"/>), probed by the AppHost and by Kubernetes.</summary>
public static class HealthEndpoints
{
    /// <summary>Liveness: only the <see cref="HealthTags.Live"/> checks.</summary>
    public const string Liveness = "/alive";

    /// <summary>Readiness: every check (the broker and the database included) but those a service says it does not need to serve (the gateway: the broker).</summary>
    public const string Readiness = "/health";
}
