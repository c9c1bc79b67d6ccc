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

    /// <summary>The longest wait between restarts.</summary>
    protected static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>A run this long counts as stable: the next crash starts the backoff from 1 s again.</summary>
    protected static readonly TimeSpan StableRun = TimeSpan.FromSeconds(60);

    /// <summary>Consecutive failures after a run that started at <paramref name="startedAt"/> ended (1 after a stable run).</summary>
    protected static int NextFailureCount(DateTime startedAt, int consecutiveFailures) =>
        DateTime.UtcNow - startedAt > StableRun ? 1 : consecutiveFailures + 1;

    /// <summary>1 s, 2 s, 4 s ... <see cref="MaxBackoff"/> after the <paramref name="consecutiveFailures"/>th failure.</summary>
    protected static TimeSpan Backoff(int consecutiveFailures) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Max(0, consecutiveFailures - 1))));

    /// <summary>
    /// Runs an infrastructure server until <paramref name="stoppingToken"/> fires. <paramref name="start"/> starts it (or
    /// starts it again: same data folder, same port, so the services' connection strings stay valid and their clients
    /// reconnect); a failure of the first start is the AppHost's own and propagates. Whenever the server exits on its
    /// own (a crash, <c>kill -9</c>) it is started again with backoff, and a failed restart is retried the same way.
    /// </summary>
    protected async Task SuperviseServerAsync(Func<CancellationToken, Task<RunningServer>> start, ILogger logger, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var consecutiveFailures = 0;
        while (true)
        {
            RunningServer server;
            var startedAt = DateTime.UtcNow;
            try
            {
                server = await start(stoppingToken);
            }
            catch (Exception exception) when (Ready.Task.IsCompletedSuccessfully && !stoppingToken.IsCancellationRequested && exception is not OperationCanceledException)
            {
                consecutiveFailures++;
                OrchestratorLog.RestartFailed(logger, Resource.Name, exception.Message, Backoff(consecutiveFailures).TotalSeconds);
                Update(s => s with { State = ResourceStates.FailedToStart, Health = HealthStates.Unhealthy });
                if (!await DelayAsync(Backoff(consecutiveFailures), stoppingToken))
                {
                    return;
                }

                continue;
            }

            if (await RunUntilExitAsync(server.Completion, server.Pid, server.Url, logger, stoppingToken) is not { } exitCode)
            {
                return;
            }

            consecutiveFailures = NextFailureCount(startedAt, consecutiveFailures);
            var delay = Backoff(consecutiveFailures);
            var (_, after) = Update(s => s with { Restarts = s.Restarts + 1 });
            OrchestratorLog.Restarting(logger, Resource.Name, exitCode, delay.TotalSeconds, after.Restarts);
            if (!await DelayAsync(delay, stoppingToken))
            {
                return;
            }

            Update(s => s with { State = ResourceStates.Starting, Health = HealthStates.Unknown });
        }
    }

    /// <summary>
    /// Marks a started server Running and healthy (dependents may go), then waits until it exits on its own (recorded
    /// as Exited; its exit code is returned) or <paramref name="stoppingToken"/> fires (null: left for <see cref="StopAsync"/>).
    /// </summary>
    private async Task<int?> RunUntilExitAsync(Task<int> completion, int? pid, Uri url, ILogger logger, CancellationToken stoppingToken)
    {
        Update(s => s with { State = ResourceStates.Running, Health = HealthStates.Healthy, Pid = pid, Url = url, ExitCode = null });
        Ready.TrySetResult();

        int exitCode;
        try
        {
            exitCode = await completion.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        OrchestratorLog.InfrastructureExited(logger, Resource.Name, exitCode);
        Update(s => s with { State = ResourceStates.Exited, Health = HealthStates.Unhealthy, Pid = null, ExitCode = exitCode });
        return exitCode;
    }

    /// <summary>Waits <paramref name="delay"/>; false when <paramref name="stoppingToken"/> fired first.</summary>
    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>A server <see cref="ResourceRunner.SuperviseServerAsync"/> watches: its exit, pid and address.</summary>
public sealed record RunningServer(Task<int> Completion, int? Pid, Uri Url);
