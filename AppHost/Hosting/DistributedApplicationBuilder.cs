using System.Net;
using Agentic.AppHost.Dashboard;
using Agentic.AppHost.Orchestration;
using Microsoft.Extensions.Logging.Console;

namespace Agentic.AppHost.Hosting;

/// <summary>Collects the resource model and the AppHost's own services (Aspire's <c>DistributedApplicationBuilder</c>).</summary>
public sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly List<IResource> _resources = [];
    private readonly WebApplicationBuilder _host;
    private readonly AppHostArguments _arguments;

    internal DistributedApplicationBuilder(AppHostArguments arguments)
    {
        _arguments = arguments;
        _host = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(DistributedApplicationBuilder).Assembly.GetName().Name,
            // appsettings.json next to the binaries, wherever the AppHost is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        _host.Configuration.AddInMemoryCollection(_arguments.Settings);
        RepositoryRoot = BuildInfo.RepositoryRoot;
    }

    public IConfiguration Configuration => _host.Configuration;

    /// <summary>The command line: which command (run, publish, migrate) and its options.</summary>
    public AppHostArguments Arguments => _arguments;

    public IServiceCollection Services => _host.Services;

    public string RepositoryRoot { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_resources.Any(existing => string.Equals(existing.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        }

        _resources.Add(resource);
        return CreateResourceBuilder(resource);
    }

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource)
        where T : IResource => new ResourceBuilder<T>(resource, this);

    public DistributedApplication Build()
    {
        foreach (var wait in _resources.SelectMany(r => r.Annotations.OfType<WaitAnnotation>().Select(a => (Resource: r, a.Target))))
        {
            if (!_resources.Contains(wait.Target))
            {
                throw new InvalidOperationException($"{wait.Resource.Name} waits for {wait.Target.Name}, which is not in the model.");
            }
        }

        var options = _host.Configuration.GetSection(AppHostOptions.SectionName).Get<AppHostOptions>() ?? new AppHostOptions();
        var stateDirectory = new StateDirectory(StateDirectory.Resolve(options.StateDirectory));

        _host.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromMinutes(2));
        _host.Services.AddSingleton(options);
        _host.Services.AddSingleton(stateDirectory);
        _host.Services.AddSingleton(new LocalSecrets(stateDirectory.Secrets));
        _host.Services.AddSingleton(new ApplicationModel(_resources));
        _host.Services.AddSingleton<ResourceStateStore>();
        _host.Services.AddSingleton<ResourceOutput>();
        _host.Services.AddSingleton<HealthProbe>();
        _host.Services.AddSingleton<Orchestrator>();
        _host.Services.AddHostedService(provider => provider.GetRequiredService<Orchestrator>());
        _host.Services.AddHostedService<ParentProcessWatcher>();

        _host.Logging.ClearProviders();
        _host.Logging.AddConsole(console => console.FormatterName = AppHostConsoleFormatter.FormatterName)
            .AddConsoleFormatter<AppHostConsoleFormatter, ConsoleFormatterOptions>();

        _host.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.DashboardPort));

        var app = _host.Build();
        app.MapDashboard();
        return new DistributedApplication(app, _arguments, options, stateDirectory);
    }
}
