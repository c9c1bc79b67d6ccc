using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Agentic.LocalServers;

namespace Agentic.Testing;

/// <summary>
/// The built AppHost (Aspire) as a separate process, the way a user runs it: its own state folder, free dashboard and
/// gateway ports. Used by the smoke test and the benchmarks that measure the whole system.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _stateDirectory;
    private readonly Func<string?> _kubeconfig;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private AppHostProcess(ChildProcess process, string stateDirectory, Uri dashboard, Uri gateway, Func<string?> kubeconfig)
    {
        _process = process;
        _stateDirectory = stateDirectory;
        Dashboard = dashboard;
        Gateway = gateway;
        _kubeconfig = kubeconfig;
    }

    public Uri Dashboard { get; }

    /// <summary>The Ingress Gateway's stable address (<c>--gateway-port</c>).</summary>
    public Uri Gateway { get; }

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    public static string AssemblyPath => Path.Combine(BuildInfo.RepositoryRoot, "AppHost", "bin", BuildInfo.Configuration, BuildInfo.TargetFramework, "Agentic.AppHost.dll");

    /// <summary>Starts <c>dotnet Agentic.AppHost.dll</c>; <paramref name="environment"/> reaches the services (GitHub__* all but the Executor).</summary>
    public static async Task<AppHostProcess> StartAsync(
        string stateDirectory, bool reset, Action<string>? output, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var (dashboardPort, gatewayPort) = (FreePort.Find(), FreePort.Find());
        List<string> arguments =
        [
            AssemblyPath, "--state-dir", stateDirectory,
            "--dashboard-port", dashboardPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture),
        ];
        if (reset)
        {
            arguments.Add("--reset");
        }

        string? kubeconfig = null;
        var process = await ChildProcess.StartAsync(new ChildProcessStartInfo
        {
            Name = "apphost",
            FileName = DotNetHost.Path,
            Arguments = arguments,
            WorkingDirectory = Path.GetDirectoryName(AssemblyPath),
            Output = line =>
            {
                // DCP detaches from the AppHost's process tree: its own arguments name this run's kubeconfig.
                if (kubeconfig is null && KubeconfigArgument().Match(line) is { Success: true } match)
                {
                    kubeconfig = match.Groups[1].Value;
                }

                output?.Invoke(line);
            },
            RecentLines = 300,
            Environment = WithDcpStartLogged(environment),
        }, cancellationToken);
        return new AppHostProcess(process, stateDirectory, Url(dashboardPort), Url(gatewayPort), () => kubeconfig);

        static Uri Url(int port) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
    }

    /// <summary>The caller's variables, and DCP's start line logged even when they quiet the default level (it names the kubeconfig).</summary>
    private static Dictionary<string, string?> WithDcpStartLogged(IReadOnlyDictionary<string, string?>? environment)
    {
        var variables = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal);
        variables.TryAdd("Logging__LogLevel__Aspire.Hosting.Dcp", "Information");
        return variables;
    }

    /// <summary>The value of one of the installation's secrets (a file in the state folder's <c>secrets</c>).</summary>
    public string ReadSecret(string name) => File.ReadAllText(Path.Combine(_stateDirectory, "secrets", name)).Trim();

    /// <summary>
    /// Waits until the gateway's <c>/health</c> and the dashboard answer 200. The gateway waits for every worker, and each
    /// worker for the migrations, PostgreSQL and RabbitMQ, all healthy: the gateway is the last resource to become healthy.
    /// </summary>
    public async Task<TimeSpan> WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with code {await _process.Completion}:\n{_process.DescribeRecentOutput(40)}");
            }

            if (await AnswersAsync(new Uri(Gateway, "/health"), cancellationToken) && await AnswersAsync(Dashboard, cancellationToken))
            {
                return clock.Elapsed;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The gateway was not healthy within {timeout}:\n{_process.DescribeRecentOutput(40)}");
    }

    /// <summary>Every process of the running system: the AppHost and DCP (which runs the dashboard and every resource), with all their descendants.</summary>
    public IReadOnlyList<int> ProcessIds()
    {
        var roots = new List<int> { _process.Pid };
        if (_kubeconfig() is { } kubeconfig)
        {
            roots.AddRange(ProcessTree.Snapshot().Where(p => CommandLine(p.Pid).Contains(kubeconfig, StringComparison.Ordinal)).Select(p => p.Pid));
        }

        return [.. roots.SelectMany(root => ProcessTree.Descendants(root).Select(p => p.Pid).Prepend(root)).Distinct()];
    }

    /// <summary>The environment of the running service named <paramref name="resourceName"/> (found by its <c>OTEL_SERVICE_NAME</c>).</summary>
    public (int Pid, IReadOnlyDictionary<string, string> Environment)? FindService(string resourceName)
    {
        foreach (var pid in ProcessIds())
        {
            try
            {
                var variables = File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
                    .Select(entry => entry.Split('=', 2)).Where(pair => pair.Length == 2)
                    .GroupBy(pair => pair[0], StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);
                if (variables.GetValueOrDefault("OTEL_SERVICE_NAME") == resourceName && variables.ContainsKey("ASPNETCORE_URLS"))
                {
                    return (pid, variables);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to read.
            }
        }

        return null;
    }

    public string RecentOutput(int lines = 40) => _process.DescribeRecentOutput(lines);

    /// <summary>SIGTERM (what a script sends; Ctrl+C in a terminal does the same), then waits for the AppHost to stop everything and exit.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _process.StopAsync(Signals.Terminate, timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
    }

    private async Task<bool> AnswersAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.StatusCode == System.Net.HttpStatusCode.OK;
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
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

    [GeneratedRegex("--kubeconfig \"?([^\" ]+)\"?")]
    private static partial Regex KubeconfigArgument();
}
