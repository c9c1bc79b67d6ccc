using System.Globalization;
using Agentic.LocalServers;
using Agentic.ServiceDefaults;
using Agentic.Testing;

namespace Agentic.IntegrationTests.Infrastructure;

/// <summary>One Agentic service running as its own process, the way the AppHost runs it, against the test servers.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServiceProcess(string name, ChildProcess process, Uri url)
    {
        Name = name;
        _process = process;
        Url = url;
    }

    public string Name { get; }

    public Uri Url { get; }

    public int Pid => _process.Pid;

    public static Task<ServiceProcess> StartAsync(
        string name, string folder, string databaseConnectionString, IReadOnlyDictionary<string, string?>? environment = null, Uri? url = null)
    {
        var variables = new Dictionary<string, string?>
        {
            [$"ConnectionStrings__{ResourceNames.Database}"] = databaseConnectionString,
            [$"ConnectionStrings__{ResourceNames.Messaging}"] = TestEnvironment.RabbitMq.ConnectionString,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[key] = value;
        }

        return StartProjectAsync(name, Path.Combine(BuildInfo.RepositoryRoot, "services", folder, $"Agentic.{folder}.csproj"), variables, url);
    }

    /// <summary>Any project of the repository (built with the tests), on <paramref name="url"/> or a free port, healthy when its <c>/health</c> answers 200.</summary>
    public static async Task<ServiceProcess> StartProjectAsync(string name, string projectPath, IReadOnlyDictionary<string, string?> environment, Uri? url = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        url ??= new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort.Find()}"));
        var variables = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = url.ToString(),
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = name,
        };
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }

        var process = await ChildProcess.StartAsync(new ChildProcessStartInfo
        {
            Name = name,
            FileName = DotNetHost.Path,
            Arguments = [BuildInfo.ProjectAssembly(projectPath)],
            WorkingDirectory = Path.GetDirectoryName(projectPath)!,
            Environment = variables,
            RecentLines = 400,
        }, CancellationToken.None);

        var service = new ServiceProcess(name, process, url);
        await service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        return service;
    }

    public string RecentOutput(int lines = 60) => _process.DescribeRecentOutput(lines);

    /// <summary>Kills the process without letting it shut down: what a crash or an OOM kill does.</summary>
    public Task KillAsync() => _process.StopAsync(Signals.Kill, TimeSpan.FromSeconds(10), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(Signals.Terminate, TimeSpan.FromSeconds(15), CancellationToken.None);
        await _process.DisposeAsync();
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var probe = new HealthProbe();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {await _process.Completion}:\n{RecentOutput()}");
            }

            if (await probe.CheckAsync(Url, CancellationToken.None) == true)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not healthy within {timeout}:\n{RecentOutput()}");
    }
}
