using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Agentic.AppHost.Hosting;
using Agentic.AppHost.Infrastructure;
using Agentic.AppHost.Orchestration;

namespace Agentic.AppHost.Remote;

/// <summary>
/// Runs the AppHost as a separate process and watches it through its dashboard API, the way a user does with the
/// README's run command. Used by the smoke test and the start-up benchmark.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ChildProcess _process;
    private readonly HttpClient _http;

    private readonly StateDirectory _stateDirectory;

    private AppHostProcess(ChildProcess process, Uri dashboard, StateDirectory stateDirectory)
    {
        _process = process;
        Dashboard = dashboard;
        _stateDirectory = stateDirectory;
        _http = new HttpClient { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(5) };
    }

    public Uri Dashboard { get; }

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    public Task<int> Completion => _process.Completion;

    public static async Task<AppHostProcess> StartAsync(
        string stateDirectory, bool reset, Action<string>? output, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var port = FreePort.Find();
        var arguments = new List<string>
        {
            typeof(AppHostProcess).Assembly.Location,
            "--state-dir", stateDirectory,
            "--dashboard-port", port.ToString(CultureInfo.InvariantCulture),
        };
        if (reset)
        {
            arguments.Add("--reset");
        }

        var process = await ChildProcess.StartAsync(new ChildProcessStartInfo
        {
            Name = "apphost",
            FileName = DotNetHost.Path,
            Arguments = arguments,
            WorkingDirectory = Path.GetDirectoryName(typeof(AppHostProcess).Assembly.Location),
            Output = output,
            RecentLines = 300,
            // The services inherit the AppHost's environment: settings given here reach all of them.
            Environment = environment ?? new Dictionary<string, string?>(),
        }, cancellationToken);
        return new AppHostProcess(process, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")), new StateDirectory(stateDirectory));
    }

    /// <summary>The value of one of the installation's secrets (<see cref="LocalSecrets.Names"/>), read from the state folder.</summary>
    public string ReadSecret(string name) => File.ReadAllText(new LocalSecrets(_stateDirectory.Secrets).PathOf(name)).Trim();

    public async Task<IReadOnlyList<ResourceSnapshot>?> TryGetResourcesAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _http.GetFromJsonAsync<List<ResourceSnapshot>>("resources", Json, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Waits until every resource is healthy (or finished, like the migrator); returns the time it took and the last snapshot.</summary>
    public async Task<(TimeSpan Elapsed, IReadOnlyList<ResourceSnapshot> Resources)> WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<ResourceSnapshot> last = [];
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with code {await _process.Completion}:\n{_process.DescribeRecentOutput(40)}");
            }

            if (await TryGetResourcesAsync(cancellationToken) is { Count: > 0 } resources)
            {
                last = resources;
                if (resources.All(r => r.Health == HealthStates.Healthy || r.State == ResourceStates.Finished))
                {
                    return (clock.Elapsed, resources);
                }
            }

            await Task.Delay(100, cancellationToken);
        }

        var states = string.Join(", ", last.Select(r => $"{r.Name}={r.State}/{r.Health}"));
        throw new TimeoutException($"Not all resources were healthy within {timeout}: {states}\n{_process.DescribeRecentOutput(40)}");
    }

    /// <summary>Every process of the running system: the AppHost and all its descendants.</summary>
    public IReadOnlyList<int> ProcessIds() => [_process.Pid, .. ProcessTree.Descendants(_process.Pid).Select(p => p.Pid)];

    public string RecentOutput(int lines = 40) => _process.DescribeRecentOutput(lines);

    /// <summary>Ctrl+C: SIGINT, then waits for the AppHost to stop everything and exit.</summary>
    public Task<int> InterruptAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _process.StopAsync(Signals.Interrupt, timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
    }
}
