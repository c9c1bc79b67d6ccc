using Agentic.ServiceDefaults;

namespace Agentic.AppHost.Publishing;

/// <summary>
/// What a cluster needs to know about a service that the application model does not say: how much CPU and memory it
/// asks for, whether it is reached from outside (an Ingress), whether it runs the bubblewrap sandbox, and whether a
/// NetworkPolicy confines it.
/// </summary>
public sealed record WorkloadProfile
{
    public string CpuRequest { get; init; } = "50m";

    public string MemoryRequest { get; init; } = "192Mi";

    public string CpuLimit { get; init; } = "1";

    public string MemoryLimit { get; init; } = "512Mi";

    /// <summary>Gets an Ingress (host placeholder) in front of its Service.</summary>
    public bool Exposed { get; init; }

    /// <summary>Runs commands under bubblewrap: a security context that allows user namespaces, and a workspace volume.</summary>
    public bool Sandbox { get; init; }

    /// <summary>
    /// Reaches outside the cluster (package registries, GitHub, an LLM): a NetworkPolicy lets it reach DNS, the resources
    /// the model says it uses and TCP 443 outside the private ranges, nothing else. With <see cref="Sandbox"/> the policy
    /// also limits who reaches the pod.
    /// </summary>
    public bool ConfinedEgress { get; init; }

    public static WorkloadProfile Default { get; } = new();

    public static WorkloadProfile For(string resourceName) => resourceName switch
    {
        ResourceNames.IngressGateway => new WorkloadProfile { CpuRequest = "100m", MemoryRequest = "256Mi", Exposed = true },

        // The sandboxed builds and tests run inside this pod: Executor:Sandbox:MemoryBytes (4 GiB) plus the service.
        ResourceNames.Executor => new WorkloadProfile { CpuRequest = "500m", MemoryRequest = "1Gi", CpuLimit = "2", MemoryLimit = "6Gi", Sandbox = true, ConfinedEgress = true },

        // Reads registry metadata (CommandDispatcher:Registries) and calls the LLM provider.
        ResourceNames.CommandDispatcher => new WorkloadProfile { ConfinedEgress = true },
        _ => Default,
    };
}
