using System.Diagnostics;
using System.Globalization;
using Agentic.AppHost.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Agentic.AppHost.Orchestration;

/// <summary>
/// Starts every resource once its dependencies are healthy (infrastructure in parallel, then the database and its
/// migrator, then the services concurrently), health-checks them, announces when all are healthy, and on shutdown
/// stops them in reverse dependency order.
/// </summary>
public sealed class Orchestrator(
    ApplicationModel model,
    AppHostOptions options,
    StateDirectory stateDirectory,
    ResourceStateStore states,
    IServiceProvider services,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<Orchestrator> logger) : BackgroundService
{
    private readonly List<ResourceRunner> _runners = [];
    private int _announced;

    /// <summary>0 normally; 1 when essential infrastructure failed to start.</summary>
    public int ExitCode { get; private set; }

    public Uri? DashboardUrl { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        CreateRunners();
        states.Changed += OnResourceChanged;
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        OrchestratorLog.Stopping(logger);
        // Cancels the start-up and supervision loops; processes keep running until stopped below, in order.
        await base.StopAsync(cancellationToken);

        // Each stop has its own timeout and ends in a kill; the host's token must not cut it short and leave processes behind.
        foreach (var level in _runners.GroupBy(Depth).OrderByDescending(group => group.Key))
        {
            await Task.WhenAll(level.Select(runner => StopRunnerAsync(runner, CancellationToken.None)));
        }

        OrchestratorLog.Stopped(logger);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForDashboardAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        OrchestratorLog.StateDirectory(logger, stateDirectory.Path);
        var running = _runners.Select(runner => RunWhenReadyAsync(runner, stoppingToken)).ToList();
        running.Add(MonitorHealthAsync(stoppingToken));
        await Task.WhenAll(running);
    }

    private void CreateRunners()
    {
        var byResource = new Dictionary<IResource, ResourceRunner>();
        foreach (var resource in model.Resources)
        {
            ResourceRunner runner = resource switch
            {
                PostgresServerResource postgres => ActivatorUtilities.CreateInstance<PostgresRunner>(services, postgres),
                PostgresDatabaseResource database => ActivatorUtilities.CreateInstance<DatabaseRunner>(
                    services, database, (PostgresRunner)byResource[database.Server]),
                RabbitMQServerResource rabbit => ActivatorUtilities.CreateInstance<RabbitMqRunner>(services, rabbit),
                ProjectResource project => ActivatorUtilities.CreateInstance<ProjectRunner>(services, project),
                _ => throw new NotSupportedException($"No runner for {resource}."),
            };
            byResource[resource] = runner;
            _runners.Add(runner);
            states.Add(new ResourceSnapshot(resource.Name, resource.Type, ResourceStates.NotStarted, HealthStates.Unknown, null, null, 0, null));
        }

        foreach (var runner in _runners)
        {
            var dependencies = runner.Resource.Annotations.OfType<WaitAnnotation>().Select(wait => wait.Target);
            if (runner.Resource is IResourceWithParent child)
            {
                dependencies = dependencies.Prepend(child.Parent);
            }

            runner.Dependencies = dependencies.Distinct().Select(resource => byResource[resource]).ToList();
        }
    }

    private async Task RunWhenReadyAsync(ResourceRunner runner, CancellationToken stoppingToken)
    {
        var name = runner.Resource.Name;
        try
        {
            if (runner.Dependencies.Count > 0)
            {
                states.Update(name, s => s with { State = ResourceStates.Waiting });
                await Task.WhenAll(runner.Dependencies.Select(d => d.Ready.Task)).WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception)
        {
            var failed = string.Join(", ", runner.Dependencies.Where(d => d.Ready.Task.IsFaulted).Select(d => d.Resource.Name));
            OrchestratorLog.DependencyFailed(logger, name, failed);
            states.Update(name, s => s with { State = ResourceStates.FailedToStart, Health = HealthStates.Unhealthy });
            runner.Ready.TrySetException(new InvalidOperationException($"{name} did not start: {failed} failed."));
            return;
        }

        try
        {
            OrchestratorLog.Starting(logger, name);
            await runner.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            OrchestratorLog.ResourceFailed(logger, name, exception.Message);
            states.Update(name, s => s with { State = ResourceStates.FailedToStart, Health = HealthStates.Unhealthy, Pid = null });
            runner.Ready.TrySetException(exception);
            if (runner.IsEssential)
            {
                ExitCode = 1;
                lifetime.StopApplication();
            }
        }
    }

    private async Task MonitorHealthAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HealthCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await Task.WhenAll(_runners.Select(runner => CheckAsync(runner, stoppingToken)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        async Task CheckAsync(ResourceRunner runner, CancellationToken cancellationToken)
        {
            var snapshot = runner.Snapshot;
            if (snapshot.State != ResourceStates.Running || !runner.Ready.Task.IsCompletedSuccessfully)
            {
                return;
            }

            var healthy = await runner.CheckHealthAsync(cancellationToken);
            var health = healthy ? HealthStates.Healthy : HealthStates.Unhealthy;
            var (before, after) = states.Update(
                snapshot.Name, s => s.State == ResourceStates.Running ? s with { Health = health } : s);
            if (before.Health != after.Health)
            {
                OrchestratorLog.HealthChanged(logger, after.Name, after.Health);
            }
        }
    }

    private async Task StopRunnerAsync(ResourceRunner runner, CancellationToken cancellationToken)
    {
        try
        {
            var pid = runner.Snapshot.Pid;
            await runner.StopAsync(cancellationToken);
            if (pid is not null)
            {
                OrchestratorLog.ResourceStopped(logger, runner.Resource.Name, pid.Value, runner.Snapshot.ExitCode);
            }
        }
        catch (Exception exception)
        {
            OrchestratorLog.StopFailed(logger, runner.Resource.Name, exception.Message);
        }
    }

    private async Task WaitForDashboardAsync(CancellationToken stoppingToken)
    {
        // The web host starts after this service; once the application has started, Kestrel is bound: read the real port.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        DashboardUrl = address is null ? null : new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        stoppingToken.ThrowIfCancellationRequested();
        OrchestratorLog.Dashboard(logger, DashboardUrl?.ToString().TrimEnd('/') ?? "(not listening)");
    }

    private void OnResourceChanged(object? sender, ResourceSnapshot changed)
    {
        var all = states.GetAll();
        if (all.Count == 0 || !all.All(s => s.Health == HealthStates.Healthy) || Interlocked.Exchange(ref _announced, 1) == 1)
        {
            return;
        }

        using var self = Process.GetCurrentProcess();
        var elapsed = DateTime.Now - self.StartTime;
        var dashboard = DashboardUrl?.ToString().TrimEnd('/') ?? "(none)";
        // A plain line on purpose: benchmarks parse it.
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"All {all.Count} resources healthy in {elapsed.TotalSeconds:0.0} s; dashboard at {dashboard}"));
    }

    private static int Depth(ResourceRunner runner) =>
        runner.Dependencies.Count == 0 ? 0 : 1 + runner.Dependencies.Max(Depth);
}
