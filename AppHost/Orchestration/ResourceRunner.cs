using Agentic.AppHost.Hosting;

namespace Agentic.AppHost.Orchestration;

/// <summary>Starts, watches, health-checks and stops one resource of the model.</summary>
public abstract class ResourceRunner(IResource resource, ResourceStateStore states)
{
    public IResource Resource { get; } = resource;

    protected ResourceStateStore States { get; } = states;

    /// <summary>Completes the first time the resource is healthy; faults if it could not start. Dependents wait on it.</summary>
    public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Resources this one waits for (its <c>WaitFor</c>s and its parent).</summary>
    public IReadOnlyList<ResourceRunner> Dependencies { get; internal set; } = [];

    /// <summary>Infrastructure whose failure to start makes the AppHost give up.</summary>
    public virtual bool IsEssential => false;

    /// <summary>Starts the resource; supervises it (restarts ...) until <paramref name="stoppingToken"/> fires, without stopping it then.</summary>
    public abstract Task RunAsync(CancellationToken stoppingToken);

    /// <summary>Stops whatever runs; called once <see cref="RunAsync"/> has returned.</summary>
    public abstract Task StopAsync(CancellationToken cancellationToken);

    /// <summary>One health check of a running resource.</summary>
    public abstract Task<bool> CheckHealthAsync(CancellationToken cancellationToken);

    public ResourceSnapshot Snapshot => States.Find(Resource.Name)!;

    protected (ResourceSnapshot Before, ResourceSnapshot After) Update(Func<ResourceSnapshot, ResourceSnapshot> change) =>
        States.Update(Resource.Name, change);

    /// <summary>
    /// Marks a started server Running and healthy (dependents may go), then waits until it exits on its own (recorded
    /// as Exited) or <paramref name="stoppingToken"/> fires (left for <see cref="StopAsync"/>).
    /// </summary>
    protected async Task RunUntilExitAsync(Task<int> completion, int? pid, Uri url, ILogger logger, CancellationToken stoppingToken)
    {
        Update(s => s with { State = ResourceStates.Running, Health = HealthStates.Healthy, Pid = pid, Url = url });
        Ready.TrySetResult();

        int exitCode;
        try
        {
            exitCode = await completion.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        OrchestratorLog.InfrastructureExited(logger, Resource.Name, exitCode);
        Update(s => s with { State = ResourceStates.Exited, Health = HealthStates.Unhealthy, Pid = null, ExitCode = exitCode });
    }
}
