using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Agentic.LocalServers;
using Agentic.Testing;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>
/// The AppHost's own Program run in the test process by Aspire's testing builder (<c>DistributedApplicationTestingBuilder</c>)
/// with a command line, on a state folder of its own and free gateway and dashboard ports: DCP starts every resource
/// as in a real run, but the dashboard (the testing builder turns it off). Disposing stops them all, then puts back the
/// environment variables the AppHost's Program sets in its (here: the test's) process.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed partial class InProcessAppHost : IAsyncDisposable
{
    private const int KeptLogLines = 400;

    /// <summary>The snapshot property in which DCP reports an executable resource's process id.</summary>
    private const string ExecutablePid = "executable.pid";
    private readonly IDistributedApplicationTestingBuilder _builder;
    private readonly DistributedApplication _app;
    private readonly Dictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly HashSet<int> _processIds = [];

    private InProcessAppHost(IDistributedApplicationTestingBuilder builder, DistributedApplication app, Dictionary<string, string> environment, string stateDirectory, Uri gateway)
    {
        _builder = builder;
        _app = app;
        _environment = environment;
        StateDirectory = stateDirectory;
        Gateway = gateway;
    }

    public string StateDirectory { get; }

    /// <summary>The Ingress Gateway's address (<c>--gateway-port</c>).</summary>
    public Uri Gateway { get; }

    public DistributedApplication App => _app;

    /// <summary>
    /// Runs the AppHost with <c>--state-dir</c>, free <c>--gateway-port</c> and <c>--dashboard-port</c>, then
    /// <paramref name="arguments"/>; returns once DCP has been asked to start every resource (none need be healthy yet).
    /// </summary>
    public static async Task<InProcessAppHost> StartAsync(string stateDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var environment = Snapshot();
        var gatewayPort = FreePort.Find();
        string[] commandLine =
        [
            "--state-dir", stateDirectory,
            "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture),
            "--dashboard-port", FreePort.Find().ToString(CultureInfo.InvariantCulture),
            .. arguments,
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Agentic_AppHost>(commandLine, cancellationToken);
        DistributedApplication app;
        try
        {
            // The testing builder forwards every resource's log to the test's console: warnings only (RecentOutput keeps the rest),
            // and no failed health checks of resources still starting (Describe says which never became healthy).
            builder.Services.AddLogging(logging => logging
                .AddFilter($"{builder.AppHostAssembly?.GetName().Name}.Resources", LogLevel.Warning)
                .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
            app = await builder.BuildAsync(cancellationToken);
        }
        catch
        {
            await builder.DisposeAsync();
            Restore(environment);
            throw;
        }

        var appHost = new InProcessAppHost(builder, app, environment, stateDirectory, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{gatewayPort}/")));
        try
        {
            await app.StartAsync(cancellationToken);
            appHost.WatchLogs();
            return appHost;
        }
        catch
        {
            await appHost.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The resources the AppHost declares with <paramref name="arguments"/> (and a state folder), without starting any:
    /// the builder is dropped before it builds, and the environment is put back.
    /// </summary>
    public static async Task<IReadOnlyList<IResource>> ModelAsync(string stateDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var environment = Snapshot();
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Agentic_AppHost>(
                ["--state-dir", stateDirectory, "--dashboard-port", FreePort.Find().ToString(CultureInfo.InvariantCulture), .. arguments], cancellationToken);
            return [.. builder.Resources];
        }
        finally
        {
            Restore(environment);
        }
    }

    /// <summary>Waits for each resource to be healthy (Aspire's own health checks: the AppHost's probes), the migrations to have finished.</summary>
    public async Task WaitUntilHealthyAsync(IEnumerable<string> resourceNames, string migrations, CancellationToken cancellationToken)
    {
        try
        {
            await _app.ResourceNotifications.WaitForResourceAsync(migrations, KnownResourceStates.Finished, cancellationToken);
            foreach (var name in resourceNames)
            {
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellationToken);
            }
        }
        catch (OperationCanceledException exception)
        {
            throw new TimeoutException($"Not every resource became healthy:\n{Describe()}\n{RecentOutput()}", exception);
        }
    }

    /// <summary>
    /// Every process of the running system seen so far: each resource's own (DCP reports its pid), DCP itself (started with
    /// <c>--monitor</c> this process, detached), the processes working in or naming the state folder, and all their descendants.
    /// </summary>
    public IReadOnlyList<int> ProcessIds()
    {
        var roots = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Select(resource => ProcessId(resource.Name)).OfType<int>().ToList();

        // DCP: started with --monitor this process and --detach; what it starts names the same kubeconfig.
        var monitor = string.Create(CultureInfo.InvariantCulture, $"--monitor {Environment.ProcessId} ");
        var commandLines = ProcessTree.Snapshot().Select(process => (process.Pid, CommandLine: CommandLine(process.Pid))).ToList();
        var kubeconfigs = commandLines.Where(process => process.CommandLine.Contains(monitor, StringComparison.Ordinal))
            .Select(process => KubeconfigArgument().Match(process.CommandLine)).Where(match => match.Success).Select(match => match.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        roots.AddRange(commandLines.Where(process => process.CommandLine.Contains(monitor, StringComparison.Ordinal) ||
            kubeconfigs.Any(kubeconfig => process.CommandLine.Contains(kubeconfig, StringComparison.Ordinal))).Select(process => process.Pid));
        roots.AddRange(ProcessesOf(StateDirectory));
        lock (_processIds)
        {
            _processIds.UnionWith(roots.SelectMany(root => ProcessTree.Descendants(root).Select(process => process.Pid).Prepend(root)));
            return [.. _processIds];
        }
    }

    /// <summary>The process id DCP reports for the resource's current run (none before it runs).</summary>
    public int? ProcessId(string resourceName) =>
        _app.ResourceNotifications.TryGetCurrentState(resourceName, out var resourceEvent) &&
        resourceEvent.Snapshot.Properties.FirstOrDefault(property => property.Name == ExecutablePid)?.Value is { } pid &&
        int.TryParse(Convert.ToString(pid, CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>Live processes whose working folder is in <paramref name="stateDirectory"/> or whose command line names it (PostgreSQL, RabbitMQ, epmd).</summary>
    public static IReadOnlyList<int> ProcessesOf(string stateDirectory) =>
        [.. ProcessTree.Snapshot().Where(process => process.State is not ('Z' or 'X') && process.Pid != Environment.ProcessId &&
            (WorkingDirectory(process.Pid) is { } cwd && (cwd == stateDirectory || cwd.StartsWith(stateDirectory + "/", StringComparison.Ordinal)) ||
             CommandLine(process.Pid).Contains(stateDirectory, StringComparison.Ordinal))).Select(process => process.Pid)];

    /// <summary>The programs' names (<c>/proc/&lt;pid&gt;/comm</c>) with how many of each, for a test's report.</summary>
    public static string Describe(IEnumerable<int> processIds) => string.Join(", ", processIds
        .Select(pid => File.Exists($"/proc/{pid}/comm") ? File.ReadAllText($"/proc/{pid}/comm").Trim() : "?")
        .GroupBy(name => name, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal)
        .Select(group => group.Count() == 1 ? group.Key : string.Create(CultureInfo.InvariantCulture, $"{group.Key} x{group.Count()}")));

    /// <summary>Each resource's state, health and exit code, one line each.</summary>
    public string Describe() => string.Join('\n', _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Select(resource =>
        _app.ResourceNotifications.TryGetCurrentState(resource.Name, out var resourceEvent)
            ? $"{resource.Name}: {resourceEvent.Snapshot.State?.Text} health={resourceEvent.Snapshot.HealthStatus?.ToString() ?? "-"} exit={resourceEvent.Snapshot.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}"
            : $"{resource.Name}: no state"));

    /// <summary>The resources' last log lines (Aspire's resource logs), each prefixed with its resource.</summary>
    public string RecentOutput(int lines = 60) => string.Join('\n', _log.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        try
        {
            ProcessIds();
            await _app.DisposeAsync();
            await _builder.DisposeAsync();
        }
        finally
        {
            await _stopWatching.CancelAsync();
            _stopWatching.Dispose();
            Restore(_environment);
        }
    }

    /// <summary>
    /// Keeps the last lines of every resource's log (shown when a resource does not become healthy or the test fails),
    /// from the start on (the log keeps a backlog): once started, when a resource's log has its DCP name (<c>notifier-abcdefgh</c>).
    /// </summary>
    private void WatchLogs()
    {
        var logs = _app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var resource in _app.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in logs.WatchAsync(resource).WithCancellation(_stopWatching.Token))
                    {
                        foreach (var line in batch)
                        {
                            _log.Enqueue($"[{resource.Name}] {line.Content}");
                            while (_log.Count > KeptLogLines && _log.TryDequeue(out _))
                            {
                            }
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // The test is over.
                }
            });
        }
    }

    /// <summary>The AppHost's Program sets the dashboard's variables and takes <c>GitHub__*</c> out of its process: undone for the tests that follow.</summary>
    /// <summary>This process's environment variables, to put back (<see cref="Restore"/>) after the AppHost's Program changed them.</summary>
    private static Dictionary<string, string> Snapshot() => Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
        .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value ?? string.Empty, StringComparer.Ordinal);

    private static void Restore(Dictionary<string, string> environment)
    {
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(key => !environment.ContainsKey(key)).ToList())
        {
            Environment.SetEnvironmentVariable(key, null);
        }

        foreach (var (key, value) in environment.Where(pair => Environment.GetEnvironmentVariable(pair.Key) != pair.Value))
        {
            Environment.SetEnvironmentVariable(key, value);
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static string? WorkingDirectory(int pid)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex("--kubeconfig \"?([^\" ]+)\"?")]
    private static partial Regex KubeconfigArgument();
}
