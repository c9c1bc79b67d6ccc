namespace Agentic.ServiceDefaults;

/// <summary>Health check tags: <c>live</c> checks answer <c>/alive</c>; every check answers <c>/health</c>.</summary>
public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}
