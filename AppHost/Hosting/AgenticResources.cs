using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Agentic.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Agentic.AppHost.Hosting;

/// <summary>The model's building blocks: a service as a project resource, an installation secret as a parameter.</summary>
public static class AgenticResources
{
    /// <summary>The migrator's resource (AppHost/Migrator): runs to completion before the services start.</summary>
    public const string Migrations = "migrations";

    private static readonly Dictionary<string, string> GitHubVariables = new(StringComparer.Ordinal);

    /// <summary>
    /// A service: its HTTP endpoint on 127.0.0.1 (<paramref name="port"/>, else a free one), healthy when <c>/health</c>
    /// answers 200, this installation's webhook secret and operator key unless the environment sets them, started again
    /// when it crashes (<see cref="ServiceRestarts"/>).
    /// </summary>
    public static IResourceBuilder<BuiltProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, string name, StateDirectory state, bool withGitHub = true, int? port = null)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(state);
        var httpPort = port ?? LocalServers.Port(builder);
        var secrets = new LocalSecrets(state.Secrets);
        var service = builder.AddBuiltProject<TProject>(name).WithAnnotation(new RestartOnCrashAnnotation());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ServiceRestarts>());
        if (!withGitHub)
        {
            service.WithAnnotation(new WithheldCredentialsAnnotation("GitHub__"));
        }

        return service
            .WithHttpEndpoint(port: httpPort, targetPort: httpPort, isProxied: false)
            .WithEnvironment("ASPNETCORE_URLS", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{httpPort}"))
            .WithHealthCheck(Ready(builder, name, httpPort))
            .WithEnvironment(context =>
            {
                foreach (var (variable, secret) in LocalSecrets.ServiceVariables)
                {
                    if (name == ResourceNames.IngressGateway && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)) && context.ExecutionContext.IsRunMode)
                    {
                        context.EnvironmentVariables[variable] = secrets.GetOrCreate(secret);
                    }
                }

                foreach (var (variable, value) in withGitHub ? GitHubVariables : [])
                {
                    context.EnvironmentVariables[variable] = value;
                }
            });
    }

    /// <summary>The service's readiness (<c>/health/ready</c> answers 2xx) as a health check that probes often (<see cref="LocalServers.AddProbe"/>).</summary>
    private static string Ready(IDistributedApplicationBuilder builder, string name, int port)
    {
        var check = $"{name}-ready";
        var url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}{HealthEndpoints.Readiness}"));
        LocalServers.AddProbe(builder, check, async cancellationToken =>
        {
            using var response = await Probes.GetAsync(url, cancellationToken);
            response.EnsureSuccessStatusCode();
        }, exception => exception is HttpRequestException or TaskCanceledException { InnerException: TimeoutException });
        return check;
    }

    private static readonly HttpClient Probes = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>A <c>GitHub__*</c> setting for the services that hold GitHub credentials (not the Executor), e.g. the demo GitHub's.</summary>
    public static void UseGitHubVariable(string name, string value) => GitHubVariables[name] = value;

    /// <summary>Whether the services will have a GitHub App to act as (from the environment or the demo).</summary>
    public static bool HasGitHubApp => GitHubVariables.ContainsKey("GitHub__Api__App__AppId");

    /// <summary>One of this installation's secrets (<see cref="LocalSecrets"/>) as a secret parameter; no value when publishing.</summary>
    public static IResourceBuilder<ParameterResource> AddLocalSecret(this IDistributedApplicationBuilder builder, string name, StateDirectory state)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(state);
        return builder.ExecutionContext.IsRunMode
            ? builder.AddParameter(name, () => new LocalSecrets(state.Secrets).GetOrCreate(name), secret: true)
            : builder.AddParameter(name, secret: true);
    }

    /// <summary>
    /// Takes the AppHost's own <c>GitHub__*</c> variables out of its environment before DCP starts (so no resource inherits
    /// them); <see cref="AddService{TProject}"/> gives them only to the services that hold GitHub credentials.
    /// </summary>
    public static void TakeGitHubVariables()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry is { Key: string key, Value: string value } && key.StartsWith("GitHub__", StringComparison.OrdinalIgnoreCase))
            {
                GitHubVariables[key] = value;
                Environment.SetEnvironmentVariable(key, null);
            }
        }
    }
}

/// <summary>The service never gets the credentials whose keys start with <see cref="Prefix"/>, here or in a cluster (ADR-008).</summary>
public sealed record WithheldCredentialsAnnotation(string Prefix) : IResourceAnnotation;

/// <summary>The AppHost's own settings (<see cref="AppHostCommandLine"/>): command line, else <c>AppHost__*</c> variables, else the defaults.</summary>
public sealed record AppHostSettings(string? StateDirectory, bool Reset, int DashboardPort, int GatewayPort, bool Demo, int DemoPort, bool Containers = false)
{
    /// <summary>
    /// Before the builder exists: the Aspire dashboard on plain http on loopback, no login (only this machine reaches it),
    /// its OTLP receiver on a free port; then the state folder, locked and (with --reset) wiped but for the secrets.
    /// </summary>
    public void Prepare(StateDirectory state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Environment.SetEnvironmentVariable("ASPNETCORE_URLS", $"http://127.0.0.1:{DashboardPort}");
        Environment.SetEnvironmentVariable("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", $"http://127.0.0.1:{FreePort.Find()}");
        Environment.SetEnvironmentVariable("ASPIRE_ALLOW_UNSECURED_TRANSPORT", "true");
        Environment.SetEnvironmentVariable("DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", "true");
        AgenticResources.TakeGitHubVariables();
        state.Acquire();
        if (Reset)
        {
            state.Reset();
        }
    }

    /// <summary>A clear error instead of a dashboard that never comes up.</summary>
    public void EnsureDashboardPortIsFree()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, DashboardPort));
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException($"The dashboard port {DashboardPort} is in use (another AppHost?): stop it, or choose another port with --dashboard-port.", exception);
        }
    }
}
