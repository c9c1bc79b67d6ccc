using Agentic.StandIns;
using Agentic.StandIns.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.GitHub.Tests.Infrastructure;

/// <summary>
/// A GitHub stand-in with an app, its installation on <see cref="Owner"/> and a seeded repository, plus a
/// <see cref="GitHubClient"/> built through <c>AddGitHubClient</c> acting as that installation. Client and stand-in
/// share a <see cref="VirtualTimeProvider"/>, so waits cost no real time and show up on the clock.
/// </summary>
internal sealed class GitHubHarness : IAsyncDisposable
{
    public const string Owner = "octo-org";
    public const string Repo = "hello-world";

    private readonly ServiceProvider _services;

    private GitHubHarness(GitHubStandIn standIn, VirtualTimeProvider clock, StandInApp app, StandInInstallation installation, StandInRepository repository, ServiceProvider services, CapturingLoggerProvider logs)
    {
        StandIn = standIn;
        Clock = clock;
        App = app;
        Installation = installation;
        Repository = repository;
        _services = services;
        Logs = logs;
        Client = services.GetRequiredService<GitHubClient>();
    }

    public GitHubStandIn StandIn { get; }

    public VirtualTimeProvider Clock { get; }

    public StandInApp App { get; }

    public StandInInstallation Installation { get; }

    public StandInRepository Repository { get; }

    public GitHubClient Client { get; }

    public CapturingLoggerProvider Logs { get; }

    public static async Task<GitHubHarness> StartAsync(
        Action<GitHubStandInOptions>? configureStandIn = null,
        IReadOnlyDictionary<string, string?>? clientSettings = null,
        bool privateRepository = false)
    {
        var clock = new VirtualTimeProvider();
        var options = new GitHubStandInOptions { TimeProvider = clock };
        configureStandIn?.Invoke(options);
        var standIn = new GitHubStandIn(options);
        await standIn.StartAsync();
        var app = standIn.AddApp("agentic");
        var installation = standIn.AddInstallation(app, Owner);
        var repository = await standIn.CreateRepositoryAsync(
            Owner,
            Repo,
            isPrivate: privateRepository,
            files: new Dictionary<string, string?>
            {
                ["README.md"] = "# Hello World\n",
                ["src/Program.cs"] = "Console.WriteLine(\"Hello\");\n",
            });

        var settings = new Dictionary<string, string?>
        {
            ["GitHub:Api:BaseUrl"] = standIn.BaseUri.AbsoluteUri,
            ["GitHub:Api:UserAgent"] = "Agentic.GitHub.Tests",
            ["GitHub:Api:App:AppId"] = app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = app.PrivateKeyPem,
            ["GitHub:Api:App:InstallationId"] = installation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in clientSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var logs = new CapturingLoggerProvider();
        var services = BuildServices(settings, clock, logs);
        return new GitHubHarness(standIn, clock, app, installation, repository, services, logs);
    }

    /// <summary>Another, independent client (its own container, governor and cache) on the same stand-in.</summary>
    public ServiceProvider CreateOtherClientServices(IReadOnlyDictionary<string, string?> settings) =>
        BuildServices(new Dictionary<string, string?>(settings) { ["GitHub:Api:BaseUrl"] = StandIn.BaseUri.AbsoluteUri }, Clock, new CapturingLoggerProvider());

    public IReadOnlyList<StandInRequest> RequestsTo(string pathContains, string method = "GET") =>
        [.. StandIn.Requests.Where(r => r.Method == method && r.PathAndQuery.Contains(pathContains, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await StandIn.DisposeAsync();
    }

    private static ServiceProvider BuildServices(Dictionary<string, string?> settings, TimeProvider clock, CapturingLoggerProvider logs)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton(clock);
        services.AddGitHubClient(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
