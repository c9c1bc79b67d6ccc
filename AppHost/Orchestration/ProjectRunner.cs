using System.Globalization;
using Agentic.AppHost.Hosting;
using Agentic.AppHost.Infrastructure;
using Agentic.AppHost.Publishing;

namespace Agentic.AppHost.Orchestration;

/// <summary>
/// Runs a project as <c>dotnet &lt;assembly&gt;.dll</c> with Aspire's environment (connection strings, URLs, OTEL
/// variables, the installation's own credentials), waits for <c>/health</c>, and restarts it with exponential backoff
/// (1 s, 2 s, 4 s ... 30 s) whenever it exits on its own.
/// </summary>
public sealed class ProjectRunner(
    ProjectResource resource,
    AppHostOptions options,
    LocalSecrets secrets,
    ResourceStateStore states,
    ResourceOutput output,
    HealthProbe probe,
    ILogger<ProjectRunner> logger) : ResourceRunner(resource, states)
{
    private ChildProcess? _process;

    public override async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!File.Exists(resource.AssemblyPath))
        {
            OrchestratorLog.AssemblyMissing(logger, resource.Name, resource.AssemblyPath);
            Update(s => s with { State = ResourceStates.FailedToStart, Health = HealthStates.Unhealthy });
            Ready.TrySetException(new InvalidOperationException($"{resource.AssemblyPath} does not exist."));
            return;
        }

        var fixedPort = resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault()?.Port;
        var port = fixedPort ?? FreePort.Find();
        var consecutiveFailures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (resource.Url is not null && fixedPort is null && !FreePort.IsFree(port))
            {
                // Taken while the service was down: a restart on it would only fail again.
                var taken = port;
                port = FreePort.Find();
                OrchestratorLog.PortChanged(logger, resource.Name, taken, port);
            }

            resource.Url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
            Update(s => s with { State = ResourceStates.Starting, Health = HealthStates.Unknown, Pid = null, Url = resource.Url });
            try
            {
                _process = await ChildProcess.StartAsync(StartInfo(), stoppingToken);
            }
            catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or InfrastructureNotInstalledException)
            {
                OrchestratorLog.FailedToStart(logger, resource.Name, exception.Message);
                Update(s => s with { State = ResourceStates.FailedToStart, Health = HealthStates.Unhealthy });
                Ready.TrySetException(exception);
                return;
            }

            var startedAt = DateTime.UtcNow;
            var process = _process;
            Update(s => s with { State = ResourceStates.Running, Pid = process.Pid, ExitCode = null });

            using (var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                var healthy = WaitUntilHealthyAsync(resource.Url, watching.Token);
                try
                {
                    await process.Completion.WaitAsync(stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                finally
                {
                    await watching.CancelAsync();
                    await healthy.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }

            // Exited on its own: clean up after it, then restart with backoff.
            var exitCode = await process.Completion;
            await process.StopLeftoversAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
            consecutiveFailures = NextFailureCount(startedAt, consecutiveFailures);
            var delay = Backoff(consecutiveFailures);
            var (_, after) = Update(s => s with
            {
                State = ResourceStates.Exited,
                Health = HealthStates.Unhealthy,
                Pid = null,
                ExitCode = exitCode,
                Restarts = s.Restarts + 1,
            });
            OrchestratorLog.Restarting(logger, resource.Name, exitCode, delay.TotalSeconds, after.Restarts);

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        Update(s => s with { State = ResourceStates.Stopping });
        var exitCode = await process.StopAsync(Signals.Terminate, options.ServiceStopTimeout, cancellationToken);
        Update(s => s with { State = ResourceStates.Exited, Health = HealthStates.Unknown, Pid = null, ExitCode = exitCode });
    }

    public override async Task<bool> CheckHealthAsync(CancellationToken cancellationToken) =>
        _process is { HasExited: false } && resource.Url is not null && await probe.CheckAsync(resource.Url, cancellationToken) == true;

    private async Task WaitUntilHealthyAsync(Uri url, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var result = await probe.CheckAsync(url, cancellationToken);
            if (result == true)
            {
                Update(s => s with { Health = HealthStates.Healthy });
                Ready.TrySetResult();
                return;
            }

            if (result == false)
            {
                Update(s => s with { Health = HealthStates.Unhealthy });
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private ChildProcessStartInfo StartInfo()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = resource.Url!.ToString().TrimEnd('/'),
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_HTTPS_PORTS"] = null,
            ["OTEL_SERVICE_NAME"] = resource.Name,
            ["DOTNET_LAUNCH_PROFILE"] = null,
        };

        // Production unless the AppHost's own environment says otherwise: Development would show stack traces to
        // callers. The console still gets one line per entry for the human watching the AppHost.
        foreach (var name in (string[])["DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT"])
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                environment[name] = Environments.Production;
            }
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Logging__Console__FormatterName")))
        {
            environment["Logging__Console__FormatterName"] = "simple";
            environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
            environment["Logging__Console__FormatterOptions__IncludeScopes"] = "true";
            environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        }

        // The webhook secret and the operator key: the AppHost's environment's when it sets them (tests, benchmarks),
        // else this installation's own, generated once in the state folder.
        foreach (var secret in DeploymentSecrets.For(resource.Name))
        {
            if (LocalSecrets.ServiceVariables.TryGetValue(secret.Key, out var name) &&
                string.IsNullOrEmpty(Environment.GetEnvironmentVariable(secret.Key)))
            {
                environment[secret.Key] = secrets.GetOrCreate(name);
            }
        }

        if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
        }

        foreach (var reference in resource.Annotations.OfType<ConnectionStringReferenceAnnotation>())
        {
            environment[$"ConnectionStrings__{reference.Target.Name}"] = reference.Target.ConnectionString
                ?? throw new InvalidOperationException($"{reference.Target.Name} has no connection string yet; {resource.Name} must WaitFor it.");
        }

        foreach (var reference in resource.Annotations.OfType<ServiceReferenceAnnotation>())
        {
            if (reference.Target.Url is not null)
            {
                environment[$"services__{reference.Target.Name}__http__0"] = reference.Target.Url.ToString().TrimEnd('/');
            }
        }

        foreach (var name in WithheldVariables(resource, Environment.GetEnvironmentVariables().Keys.OfType<string>()))
        {
            environment[name] = null;
        }

        foreach (var variable in resource.Annotations.OfType<EnvironmentAnnotation>())
        {
            environment[variable.Name] = variable.Value;
        }

        return new ChildProcessStartInfo
        {
            Name = resource.Name,
            FileName = DotNetHost.Path,
            Arguments = [resource.AssemblyPath],
            WorkingDirectory = resource.ProjectDirectory,
            Environment = environment,
            ParentDeathSignal = Signals.Terminate,
            Output = output.For(resource.Name),
        };
    }

    /// <summary>Of the AppHost's own <paramref name="inherited"/> variables, those the resource must not get (<see cref="WithheldEnvironmentAnnotation"/>).</summary>
    public static IEnumerable<string> WithheldVariables(ProjectResource resource, IEnumerable<string> inherited)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var prefixes = resource.Annotations.OfType<WithheldEnvironmentAnnotation>().Select(a => a.Prefix).ToList();
        return inherited.Where(name => prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
    }
}
